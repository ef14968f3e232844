"""The public portal in a real browser (issue 21, done means): the office publishes the year's
list → an anonymous visitor finds a target, subscribes, confirms by the link in the e-mail (read
from the outbox) and its page's button → the office verifies a report → the visitor gets one
notice → unsubscribes by its link's page (opening a link alone changes nothing: mail scanners
open every link). The public pages have no serious or critical axe-core violation (WCAG 2.1 AA),
fit a phone's width and load nothing from the internet."""

import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from execution import clock
from execution.services import progress as reports
from notifications.models import Notification
from portal.models import Follow, Subscription
from targets.models import PlanYear
from tests.execution.conftest import pdf, report_input

from . import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "citizen@example.com"
LINK = re.compile(r"https?://[^/\s]+(/gongkai/subscriptions/\S+?/(confirm|unsubscribe)/)")


def mail_to_citizen():
    return [m for m in mail.outbox if m.to == [CITIZEN]]


def link(message, kind):
    return next(path for path, k in LINK.findall(message.body) if k == kind)


@pytest.fixture
def on_5_april_2027(executing, plan_year, settings, tmp_path, staff_a, head_a):
    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)
    with clock.frozen(datetime.date(2027, 4, 5)):
        report = reports.progress_report_create(
            target=executing,
            by=staff_a,
            period_start=datetime.date(2027, 1, 1),
            data=report_input(),
            files=[pdf()],
        )
        reports.progress_report_submit(report=report, by=head_a)
        yield executing, report


def test_portal_journey(browser, live_server, sign_in, on_5_april_2027, office):
    target, report = on_5_april_2027

    # 1. The office publishes the year's confirmed list.
    desk = sign_in("office", to_list=False)
    desk.goto("/gongkai/manage/")
    desk.get_by_role("button", name="公开2027年度清单").click()
    expect(desk.locator(".messages")).to_contain_text("2027年度已公开1个目标")

    # 2. An anonymous visitor, on a phone, finds the target by searching.
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 375, "height": 812}
    )
    axe.install(context)
    outside = []
    context.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    visitor = context.new_page()
    visitor.goto("/gongkai/")
    visitor.get_by_role("link", name="2027年度目标清单").click()
    visitor.get_by_label("搜索").fill("生产总值")
    visitor.get_by_role("button", name="筛选").click()
    visitor.get_by_role("link", name=target.title).click()
    expect(visitor.locator("h1")).to_contain_text(target.title)

    # Every public page: no serious/critical violation, nothing wider than the phone.
    found = {}
    for url in (
        "/gongkai/",
        "/gongkai/2027/",
        "/gongkai/2027/overview/",
        f"/gongkai/targets/{target.pk}/",
        f"/gongkai/departments/{target.lead_department_id}/",
        f"/gongkai/targets/{target.pk}/?lang=en",
    ):
        visitor.goto(url)
        violations = axe.violations(visitor)
        if violations:
            found[url] = violations
        width = visitor.evaluate("document.documentElement.scrollWidth")
        wide = visitor.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376).slice(0,8).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent||'').slice(0,40) + ' ' + e.getBoundingClientRect().right)"
        )
        assert width <= 375, (url, width, wide)
    assert found == {}

    # 3. The visitor subscribes and confirms by the link in the e-mail.
    visitor.goto(f"/gongkai/targets/{target.pk}/")
    visitor.get_by_label("电子邮箱").fill(CITIZEN)
    visitor.get_by_role("button", name="订阅").click()
    expect(visitor.locator("h1")).to_contain_text("请查收确认邮件")
    [confirmation] = mail_to_citizen()
    visitor.goto(link(confirmation, "confirm"))
    expect(visitor.locator("#portal-message")).to_contain_text("c***@example.com")
    assert Subscription.objects.get(email=CITIZEN).confirmed_at is None
    assert axe.violations(visitor) == []
    visitor.get_by_role("button", name="确认订阅").click()
    expect(visitor.locator("h1")).to_contain_text("订阅已确认")
    assert Subscription.objects.get(email=CITIZEN).confirmed_at is not None

    # 4. The office verifies the report on its page.
    desk.goto(f"/execution/reports/{report.pk}/")
    desk.locator("form[data-action=verify] button[type=submit]").click()
    expect(desk.locator(".messages")).to_contain_text("已审核")

    # 5. The visitor gets one notice, with the verified value and a one-click unsubscribe.
    messages = mail_to_citizen()
    assert len(messages) == 2
    notice = messages[1]
    assert "审核值 6.1%" in notice.body
    # Both went through the notification outbox, as rows for the address alone (no user's).
    sent = Notification.objects.filter(recipient_email=CITIZEN, recipient__isnull=True)
    assert sorted(sent.values_list("kind", "email_status")) == [
        ("portal.confirm", "sent"),
        ("portal.digest", "sent"),
    ]
    visitor.goto(f"/gongkai/targets/{target.pk}/")
    expect(visitor.locator("#periods-table")).to_contain_text("6.1")

    # 6. The link's page asks; its button unsubscribes; the visitor then deletes their data.
    visitor.goto(link(notice, "unsubscribe"))
    expect(visitor.locator("#portal-message")).to_contain_text("c***@example.com")
    assert Follow.objects.exists()
    visitor.get_by_role("button", name="退订").click()
    expect(visitor.locator("#portal-message")).to_contain_text("您已退订")
    assert not Follow.objects.exists()
    visitor.get_by_role("button", name="删除我的全部数据").click()
    expect(visitor.locator("h1")).to_contain_text("数据已删除")
    assert not Notification.objects.filter(recipient_email=CITIZEN).exists()
    assert outside == []
    context.close()
