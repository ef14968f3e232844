"""The notification centre in a real browser (issue 7; 002 五.6 到期提醒): the morning sweep
reminds the department of a node target due today → the bell shows it → the staff member marks
it read in place (htmx: the row and the bell change without a reload) → the next working day's
overdue reminder links straight to the target's node targets → e-mail choices are saved."""

import datetime

import pytest
from playwright.sync_api import expect

from notifications.reminders import sweep
from targets.models import Aspect, PlanYear
from tests.notifications.conftest import DUE, executing_target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_notifications_journey(sign_in, staff_a, head_a, office, dept_a):
    # The Q3 progress report falls due later (30 November), so the bell counts the node target
    # alone (progress-report reminders: tests/execution/test_reminders.py).
    year = PlanYear.objects.create(
        year=2026, status=PlanYear.Status.DRAFTING, q3_report_due=datetime.date(2026, 11, 30)
    )
    Aspect.objects.create(plan_year=year, number=1, name="经济发展")
    target = executing_target(year, dept_a, staff_a, head_a, office)
    sweep(today=DUE)  # Friday 9 October 2026: due today

    page = sign_in("staff_a")
    bell = page.locator("#notification-bell")
    expect(bell.locator(".bell__count")).to_have_text("1")
    bell.click()
    page.wait_for_url("**/notifications/")
    row = page.locator(".notification").first
    expect(row).to_contain_text("【今日到期】")
    expect(row).to_contain_text(target.code)
    expect(row).to_have_class("notification notification--unread")

    # Mark read in place: htmx swaps the row and, out of band, the bell.
    row.get_by_role("button", name="标为已读").click()
    expect(page.locator(".notification").first).not_to_have_class("notification--unread")
    expect(page.locator("#notification-bell .bell__count")).to_have_count(0)
    assert page.url.endswith("/notifications/")

    # Saturday 10 October is a 调休 working day: the overdue reminder goes out.
    sweep(today=DUE.replace(day=10))
    page.reload()
    expect(page.locator("#notification-bell .bell__count")).to_have_text("1")
    page.get_by_role("link", name="【逾期提醒】").first.click()
    page.wait_for_url(f"**/targets/{target.pk}/#milestones")
    expect(page.locator("#milestones")).to_contain_text("四季度累计达到目标")
    expect(page.locator("#notification-bell .bell__count")).to_have_count(0)

    # E-mail choices: no e-mail for due-date reminders.
    page.goto("/notifications/preferences/")
    page.uncheck("input[name=email][value=deadline]")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("邮件提醒设置已保存")
    expect(page.locator("input[name=email][value=deadline]")).not_to_be_checked()
    expect(page.locator("input[name=email][value=overdue]")).to_be_checked()
