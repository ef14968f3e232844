"""Progress reports in the deadline sweep (issue 7 "report due dates"; Shanghai Art. 14, 16;
efficiency opinions 五.6 到期提醒): the lead department is reminded of the main report, each
cooperating department of its own report, from the due date of ``execution.periods``, until the
report is submitted — and nobody else is told."""

import datetime

import pytest

from execution import periods
from execution.services import progress as reports
from notifications import reminders
from notifications.models import Notification
from targets.models import PlanYear, Target, TargetDepartment

from .conftest import Q1, pdf, report_input

pytestmark = pytest.mark.django_db
D = datetime.date
# Q1 2027's report, due on a Friday (set in the plan year's calendar).
DUE = D(2027, 4, 9)


@pytest.fixture
def due_friday(executing_year):
    PlanYear.objects.filter(pk=executing_year.pk).update(q1_report_due=DUE)
    executing_year.refresh_from_db()
    return executing_year


def reminded(source):
    """(username, object id, stage) of the reminders of one source."""
    rows = Notification.objects.filter(key__startswith=f"r:{source}:")
    return sorted((n.recipient.username, int(n.object_id), n.key.rsplit(":", 1)[1]) for n in rows)


def test_the_due_date_is_the_one_of_execution_periods(due_friday):
    [q1] = [p for p in periods.periods_of(due_friday) if p.start == Q1]
    assert periods.report_due_date(due_friday, q1) == DUE


def test_lead_and_cooperating_departments_are_reminded_of_their_own_reports(
    cooperating_target, due_friday, staff_a, head_a, staff_b, head_b, office, vice_mayor, outsider
):
    result = reminders.sweep(today=DUE)
    assert result.by_source["execution.progress_report"] == 1
    assert result.by_source["execution.cooperating_report"] == 1
    assert reminded("execution.progress_report") == [
        ("head_a", cooperating_target.pk, "due"),
        ("staff_a", cooperating_target.pk, "due"),
    ]
    cooperation = TargetDepartment.objects.get(target=cooperating_target)
    assert reminded("execution.cooperating_report") == [
        ("head_b", cooperation.pk, "due"),
        ("staff_b", cooperation.pk, "due"),
    ]
    # Not the office (until escalation), not the vice-mayor, not a stranger.
    assert not Notification.objects.filter(recipient__in=[office, vice_mayor, outsider]).exists()
    note = Notification.objects.get(recipient=staff_b)
    assert "配合部门任务报告" in note.title and "2027年第1季度" in note.title
    assert note.url.endswith(f"/targets/{cooperating_target.pk}/#progress")


def test_reminders_start_three_working_days_before(cooperating_target, due_friday):
    reminders.sweep(today=D(2027, 4, 6))
    assert {s for _u, _o, s in reminded("execution.progress_report")} == {"before3"}


def test_a_submitted_report_is_no_longer_owed_but_a_draft_still_is(
    cooperating_target, due_friday, staff_a, head_a, staff_b, media
):
    draft = reports.progress_report_create(
        target=cooperating_target,
        by=staff_a,
        period_start=Q1,
        data=report_input(actual_value=None, percent_complete=30),
        files=[pdf()],
    )
    reminders.sweep(today=D(2027, 4, 6))
    assert len(reminded("execution.progress_report")) == 2  # a draft is not filed
    reports.progress_report_submit(report=draft, by=head_a)
    result = reminders.sweep(today=DUE)
    assert result.by_source["execution.progress_report"] == 0
    assert result.by_source["execution.cooperating_report"] == 1
    assert {u for u, _o, s in reminded("execution.progress_report") if s == "due"} == set()


def test_overdue_main_reports_escalate_to_the_head_then_the_general_office(
    cooperating_target, due_friday, office
):
    # 3 working days after Fri 9 Apr: Wed 14 Apr (head); 5: Fri 16 Apr (general office).
    reminders.sweep(today=D(2027, 4, 14))
    assert ("head_a", cooperating_target.pk, "head") in reminded("execution.progress_report")
    reminders.sweep(today=D(2027, 4, 16))
    assert ("office", cooperating_target.pk, "office") in reminded("execution.progress_report")


def test_targets_not_in_execution_owe_nothing(cooperating_target, due_friday):
    Target.objects.filter(pk=cooperating_target.pk).update(state=Target.State.COMPLETED)
    result = reminders.sweep(today=DUE)
    assert result.by_source["execution.progress_report"] == 0
    assert result.by_source["execution.cooperating_report"] == 0
    assert not Notification.objects.exists()


def test_a_second_sweep_of_the_day_adds_nothing(
    cooperating_target, due_friday, staff_a, head_a, staff_b, head_b
):
    assert reminders.sweep(today=DUE).notifications == 4
    assert reminders.sweep(today=DUE).notifications == 0
