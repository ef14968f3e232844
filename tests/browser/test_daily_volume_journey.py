"""Daily volume in a real browser (issue 19 items 1–4; Shanghai Art. 14–16, 18): the office
verifies from the review queue and batch-verifies; the head batch-submits what staff saved; the
office chases a period's late reports and the department sees the notice once; a department
fills the bulk grid with one bad row."""

import datetime

import pytest
from playwright.sync_api import expect

from execution import clock
from execution.models import ProgressReport
from notifications.models import Notification
from targets.models import PlanYear
from tests.execution.daily import executing_targets, reports_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def year_2027(plan_year, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)
    plan_year.refresh_from_db()
    return plan_year


@pytest.fixture
def three_targets(year_2027, aspect, dept_a, staff_a):
    return executing_targets(3, plan_year=year_2027, aspect=aspect, lead=dept_a, created_by=staff_a)


def test_office_verifies_from_the_queue_and_in_a_batch(
    sign_in, three_targets, dept_a, staff_a, head_a, office
):
    reports = reports_of(
        three_targets, department=dept_a, state="submitted", created_by=staff_a, submitted_by=head_a
    )
    with clock.frozen(datetime.date(2027, 4, 5)):
        desk = sign_in("office", to_list=False)
        desk.goto("/execution/review/?late=0&kind=main")
        expect(desk.locator("#queue-table tbody tr")).to_have_count(3)
        # Open the first report, verify it as reported: back in the queue, filters kept.
        desk.locator(f"tr[data-queue-report='{reports[0].pk}'] a").click()
        expect(desk.locator("#back-to-queue")).to_be_visible()
        desk.locator("form[data-action=verify] button[type=submit]").click()
        desk.wait_for_url("**/execution/review/?late=0&kind=main")
        expect(desk.locator(".messages")).to_contain_text("进展报告已审核")
        expect(desk.locator("#queue-table tbody tr")).to_have_count(2)
        # The rest in one batch, after a page that lists them.
        desk.locator("#queue-table thead input[type=checkbox]").check()
        desk.locator("[data-action=batch-verify]").click()
        expect(desk.locator("#batch-count")).to_contain_text("将按填报值审核以下2份进展报告")
        assert ProgressReport.objects.filter(state="verified").count() == 1
        desk.get_by_role("button", name="审核这2份报告").click()
        expect(desk.locator(".messages")).to_contain_text("已按填报值审核2份进展报告")
        expect(desk.locator(".empty")).to_contain_text("没有符合条件的待审核进展报告")
    assert ProgressReport.objects.filter(state="verified").count() == 3
    for report in ProgressReport.objects.all():
        assert report.verified_percent == report.percent_complete


def test_head_batch_submits_what_staff_saved(sign_in, three_targets, dept_a, staff_a, head_a):
    reports_of(three_targets[:2], department=dept_a, state="draft", created_by=staff_a)
    with clock.frozen(datetime.date(2027, 4, 5)):
        staff = sign_in("staff_a", to_list=False)
        staff.goto("/execution/handoff/")
        expect(staff.locator("#handoff-reports")).to_contain_text("已保存，待负责人报送")
        expect(staff.locator("[data-action=batch-submit]")).to_have_count(0)
        head = sign_in("head_a", to_list=False)
        head.goto("/dashboard/department/")
        head.locator("#open-handoff").click()
        head.locator("#handoff-reports thead input[type=checkbox]").check()
        head.locator("[data-action=batch-submit]").click()
        expect(head.locator("#batch-count")).to_contain_text("将报送以下2份报告")
        assert ProgressReport.objects.filter(state="submitted").count() == 0
        head.get_by_role("button", name="确认报送").click()
        expect(head.locator(".messages")).to_contain_text("已报送2份报告")
        expect(head.locator(".empty")).to_contain_text("没有待报送的报告")
    assert ProgressReport.objects.filter(state="submitted", submitted_by=head_a).count() == 2


def test_office_chases_a_periods_late_reports_and_the_department_sees_it_once(
    sign_in, three_targets, dept_a, staff_a, head_a, office
):
    reports_of(three_targets[:1], department=dept_a, state="verified", created_by=staff_a)
    with clock.frozen(datetime.date(2027, 4, 12)):  # a Monday; Q1 was due on 10 April
        desk = sign_in("office", to_list=False)
        desk.goto("/dashboard/office/?year=2027")
        desk.locator("#chase-period").click()
        expect(desk.locator("#chase-count")).to_contain_text("将催报以下2份逾期未报的进展报告")
        desk.get_by_role("button", name="催报这2份报告").click()
        expect(desk.locator("#run-result")).to_contain_text("已提醒 2 项", timeout=15_000)
        expect(desk.locator("#run-bar")).to_have_attribute("value", "100")
        # The same day again: nothing left to chase.
        desk.goto("/execution/chase/?year=2027&period=2027-01-01")
        expect(desk.locator("#nothing-to-chase")).to_be_visible()
        expect(desk.locator("#chased-today")).to_contain_text("2份今日已催报")

        staff = sign_in("staff_a", to_list=False)
        staff.goto("/notifications/")
        notices = staff.locator(".notification", has_text="【催报】")
        expect(notices).to_have_count(2)
        # A notice opens the action: the report form for the period.
        notices.first.get_by_role("link").first.click()
        staff.wait_for_url("**/reports/new/?period=2027-01-01")
    assert (
        Notification.objects.filter(recipient=staff_a, kind="progress_report_chased").count() == 2
    )


def test_department_fills_the_grid_with_one_bad_row(sign_in, three_targets, dept_a, staff_a):
    first, second, third = three_targets  # quantitative, qualitative, quantitative
    with clock.frozen(datetime.date(2027, 4, 5)):
        staff = sign_in("staff_a", to_list=False)
        staff.goto("/execution/todo/")
        staff.locator("#open-grid").click()
        staff.select_option("select[name=period]", "2027-01-01")
        staff.locator("#grid-filters button[type=submit]").click()
        rows = staff.locator("#progress-grid tbody tr")
        expect(rows).to_have_count(3)
        # Row 1 forgets its value (a quantitative target must report one).
        rows.nth(0).locator("textarea[name$=narrative]").fill("第一行的进展，写了很久。")
        rows.nth(1).locator("input[name$=percent_complete]").fill("30")
        rows.nth(1).locator("textarea[name$=narrative]").fill("第二行")
        rows.nth(2).locator("input[name$=actual_value]").fill("12.5")
        rows.nth(2).locator("textarea[name$=narrative]").fill("第三行")
        staff.get_by_role("button", name="全部保存为草稿").click()
        expect(staff.locator(".messages")).to_contain_text("1行未保存")
        bad = staff.locator(f"tr[data-grid-row='{first.pk}']")
        expect(bad).to_contain_text("定量目标须填写累计完成值")
        expect(bad.locator("textarea[name$=narrative]")).to_have_value("第一行的进展，写了很久。")
        assert set(ProgressReport.objects.values_list("target", flat=True)) == {
            second.pk,
            third.pk,
        }
        bad.locator("input[name$=actual_value]").fill("8")
        staff.get_by_role("button", name="全部保存为草稿").click()
        expect(staff.locator(".messages")).to_contain_text("已保存")
    assert ProgressReport.objects.filter(state="draft").count() == 3
