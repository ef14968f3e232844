"""Two-factor sign-in in a real browser (issue 17 item 2; GB/T 22239-2019 8.1.4.1 d): with the
production policy on, the general office signs in with its password → is sent to enrolment →
scans (here: reads) the key, types the app's code → keeps the recovery codes → works → signs in
again the next time with a recovery code in place of the phone → reads its login history."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_factor_journey(sign_in, office, settings):
    settings.OTP_REQUIRED = True
    page = sign_in("office", to_list=False)
    page.wait_for_url("**/accounts/two-factor/enrol/**")
    expect(page.locator("figure.otp-qr svg")).to_be_visible()

    secret = page.locator("code").first.inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", f"{totp(key):06d}")
    page.get_by_role("button", name="绑定").click()
    codes = page.locator(".recovery-codes code")
    expect(codes).to_have_count(10)
    recovery = codes.first.inner_text()

    # The pages open now: no more redirect to enrolment.
    page.goto("/targets/")
    assert page.url.endswith("/targets/")

    # Next sign-in: the password, then a recovery code in place of the phone.
    page.get_by_role("button", name="退出登录").click()
    page.goto("/accounts/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", "pass-1234")
    page.click("form.form-stack button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.fill("#id_token", recovery)
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(lambda url: "/two-factor/" not in url and "/login/" not in url)

    page.goto("/accounts/security/")
    expect(page.locator("body")).to_contain_text("剩余恢复码 9 个")
    history = page.locator("tr.login-record")
    expect(history.first).to_contain_text("动态口令")
    expect(history.first).to_contain_text("成功")
