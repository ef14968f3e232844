"""Two-factor sign-in with a TOTP app and recovery codes (issue 17 item 2; GB/T 22239-2019
8.1.4.1 d: 采用两种或两种以上组合的鉴别技术), required by policy for the general office, supervision,
administrators and auditors (on in production settings, off in the demo)."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import twofactor
from accounts.models import LoginRecord, User
from audit.models import AuditEvent
from workflow.errors import NotPermitted

pytestmark = pytest.mark.django_db

ENROL = "accounts:otp_enrol"
VERIFY = "accounts:otp_verify"


@pytest.fixture
def policy_on(settings):
    settings.OTP_REQUIRED = True
    # django-otp slows down guessing after each wrong code; these tests type a right code right
    # after a wrong one on purpose.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    return settings


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("root", password="Root-Pass-1!")


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrolled_device(user):
    device = TOTPDevice.objects.create(user=user, name="totp", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    static.token_set.create(token="recover123")
    return device


PASSWORD = "pass-1234"


def sign_in(client, username, password=None):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password or PASSWORD}
    )


@pytest.mark.parametrize("persona", ["office", "supervisor", "auditor", "admin_user"])
def test_the_roles_under_policy_must_enrol_before_anything_else(
    request, client, policy_on, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    home = "/admin/" if persona == "admin_user" else reverse("targets:target_list")
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(ENROL))


def test_other_roles_may_work_without_a_second_factor(client, policy_on, staff_a, vice_mayor):
    for user in (staff_a, vice_mayor):
        client.force_login(user)
        assert client.get(reverse("targets:target_list")).status_code == 200


def test_with_the_policy_off_nobody_is_asked(client, office):
    client.force_login(office)
    assert client.get(reverse("targets:target_list")).status_code == 200


def test_enrolment_with_the_qr_code_and_the_first_code(client, policy_on, office):
    client.force_login(office)
    page = client.get(reverse(ENROL))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    device = TOTPDevice.objects.get(user=office, confirmed=False)
    assert "otpauth://totp/" in device.config_url

    wrong = client.post(
        reverse(ENROL), {"token": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400
    assert "动态口令不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=office).exists()

    done = client.post(reverse(ENROL), {"token": code_for(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=office).values_list("token", flat=True)
    )
    device.refresh_from_db()
    assert device.confirmed
    assert (
        AuditEvent.objects.with_action(User, "otp_enrol").for_object(office).get().actor == office
    )
    # This session is verified: the pages open.
    assert client.get(reverse("targets:target_list")).status_code == 200


def test_bad_input_on_enrolment_is_refused(client, policy_on, office):
    client.force_login(office)
    client.get(reverse(ENROL))
    for token in ("", "abcdef", "1" * 40):
        response = client.post(reverse(ENROL), {"token": token})
        assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=office, confirmed=True).exists()


def test_an_enrolled_person_types_the_code_after_the_password(client, policy_on, staff_a):
    device = enrolled_device(staff_a)
    assert sign_in(client, "staff_a").status_code == 302
    page = client.get(reverse("targets:target_list"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse(VERIFY))
    # The session-authenticated API is closed too until the second factor.
    api = client.get("/api/v1/me/")
    assert api.status_code == 403

    wrong = client.post(reverse(VERIFY), {"token": "12345"})
    assert wrong.status_code == 400
    assert LoginRecord.objects.filter(user=staff_a, method="otp", outcome="failed").count() == 1

    right = client.post(reverse(VERIFY), {"token": code_for(device), "next": "/targets/"})
    assert right.status_code == 302
    assert right["Location"] == "/targets/"
    assert client.get(reverse("targets:target_list")).status_code == 200
    assert LoginRecord.objects.filter(user=staff_a, method="otp", outcome="success").exists()


def test_a_recovery_code_works_once(client, policy_on, staff_a):
    enrolled_device(staff_a)
    sign_in(client, "staff_a")
    assert client.post(reverse(VERIFY), {"token": "recover123"}).status_code == 302
    client.logout()
    sign_in(client, "staff_a")
    assert client.post(reverse(VERIFY), {"token": "recover123"}).status_code == 400


def test_an_unsafe_next_is_not_followed(client, policy_on, staff_a):
    device = enrolled_device(staff_a)
    sign_in(client, "staff_a")
    response = client.post(
        reverse(VERIFY), {"token": code_for(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_codes_count_towards_the_lockout(client, policy_on, staff_a):
    policy_on.LOGIN_LOCKOUT_FAILURES = 3
    device = enrolled_device(staff_a)
    sign_in(client, "staff_a")
    wrong = "999999" if code_for(device) != "999999" else "888888"
    statuses = [client.post(reverse(VERIFY), {"token": wrong}).status_code for _ in range(3)]
    assert statuses == [400, 400, 403]
    staff_a.refresh_from_db()
    assert staff_a.locked_at is not None
    # The lock ended the half-open session (结束会话): back to the login page, which refuses.
    response = client.post(reverse(VERIFY), {"token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "staff_a").status_code == 403
    assert AuditEvent.objects.with_action(User, "lock").for_object(staff_a).exists()


def test_the_admin_is_behind_the_second_factor(client, policy_on, admin_user):
    device = enrolled_device(admin_user)
    sign_in(client, "root", "Root-Pass-1!")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(VERIFY))
    client.post(reverse(VERIFY), {"token": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_new_recovery_codes_replace_the_old_and_are_audited(client, staff_a):
    device = enrolled_device(staff_a)
    client.force_login(staff_a)
    client.post(reverse(VERIFY), {"token": code_for(device)})
    response = client.post(reverse("accounts:otp_recovery_codes"))
    assert response.status_code == 200
    assert not StaticToken.objects.filter(token="recover123").exists()
    assert twofactor.recovery_codes_left(staff_a) == 10
    assert AuditEvent.objects.with_action(User, "otp_recovery_codes").for_object(staff_a).exists()


def test_recovery_codes_need_an_enrolled_factor(client, staff_a):
    client.force_login(staff_a)
    response = client.post(
        reverse("accounts:otp_recovery_codes"), HTTP_REFERER="/accounts/security/"
    )
    assert response.status_code == 302
    assert not StaticToken.objects.exists()


def test_an_administrator_resets_a_lost_factor_and_nobody_else_may(
    client, admin_user, staff_a, office
):
    enrolled_device(staff_a)
    with pytest.raises(NotPermitted):
        twofactor.reset(user=staff_a, by=office)
    assert twofactor.enrolled(staff_a)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [staff_a.pk]},
    )
    assert response.status_code == 302
    assert not twofactor.enrolled(staff_a)
    assert (
        AuditEvent.objects.with_action(User, "otp_reset").for_object(staff_a).get().actor
        == admin_user
    )


def test_the_second_factor_is_not_asked_of_an_api_script(policy_on, staff_a):
    """Scripts sign each request (HTTP Basic here; tokens in production) and never hold a
    session, so no second-factor step stands in their way."""
    enrolled_device(staff_a)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Basic c3RhZmZfYTpwYXNzLTEyMzQ=")
    assert api.get("/api/v1/me/").status_code == 200
