"""Early warning (预警), computed (issue 5 item 3): expected progress is the elapsed share of the
year, actual progress the verified value on the way from baseline to target; green ≥ 95% of
expected, yellow ≥ 85%, red below — and red whenever a node target is missed or a report is
overdue. Hand-made cases at the thresholds' edges, then the set-based recomputation."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from execution import clock, early_warning
from execution.models import ProgressReport, WarningSnapshot
from execution.services import progress as reports
from targets.models import Milestone, PlanYear, Target

from .conftest import Q1, report_input
from .daily import executing_targets, reports_of

pytestmark = pytest.mark.django_db
Q4 = datetime.date(2027, 10, 1)
AFTER_YEAR_END = datetime.date(2028, 1, 5)


@pytest.mark.parametrize(
    ("actual", "level"),
    [
        ("100", "green"),
        ("95", "green"),  # exactly the green threshold
        ("94.99", "yellow"),  # just below it
        ("85", "yellow"),  # exactly the yellow threshold
        ("84.99", "red"),  # just below it
        ("0", "red"),
    ],
)
def test_level_at_the_thresholds_edges(actual, level):
    assert (
        early_warning.level_for(
            actual=Decimal(actual), expected=Decimal(100), green=Decimal(95), yellow=Decimal(85)
        )
        == level
    )


def test_thresholds_are_the_plan_years():
    assert (
        early_warning.level_for(
            actual=Decimal(90), expected=Decimal(100), green=Decimal(90), yellow=Decimal(80)
        )
        == "green"
    )


def test_expected_progress_is_the_elapsed_share_of_the_year():
    year = PlanYear(year=2027)
    assert early_warning.expected_share(year, datetime.date(2026, 12, 1)) == 0
    assert early_warning.expected_share(year, datetime.date(2027, 12, 31)) == 100
    half = early_warning.expected_share(year, datetime.date(2027, 7, 2))
    assert half == Decimal(183) * 100 / Decimal(365)


@pytest.mark.parametrize(
    ("baseline", "goal", "direction", "value", "expected"),
    [
        ("6.0", "6.5", "higher", "6.25", "50"),
        ("0.40", "0.30", "lower", "0.35", "50"),  # lower is better: half-way down
        ("0.40", "0.30", "lower", "0.45", "-50"),  # worse than the baseline
        (None, "200", "higher", "150", "75"),
        ("5", "5", "higher", "5", "100"),
    ],
)
def test_actual_progress_respects_the_direction(baseline, goal, direction, value, expected):
    result = early_warning.actual_percent(
        kind=Target.Kind.QUANTITATIVE,
        baseline=Decimal(baseline) if baseline else None,
        target_value=Decimal(goal),
        direction=direction,
        verified_value=Decimal(value),
        verified_percent=None,
    )
    assert result == Decimal(expected)


# --- through the whole path: reports verified by the office, then the nightly recomputation ---


def verified_q4(target, staff_a, head_a, office, value):
    """A Q4 report verified at ``value``: its period ends on 31 December, where the expected
    progress is exactly 100%, so the ratio is the actual progress itself."""
    with clock.frozen(datetime.date(2027, 12, 20)):
        report = reports.progress_report_create(
            target=target, by=staff_a, period_start=Q4, data=report_input(actual_value=value)
        )
        report = reports.progress_report_submit(report=report, by=head_a)
        return reports.progress_report_verify(report=report, by=office)


def file_all_reports(target, staff_a, head_a):
    """Q1–Q3 filed in time, so no report is overdue."""
    for month in (1, 4, 7):
        start = datetime.date(2027, month, 1)
        with clock.frozen(start.replace(month=month + 3)):
            report = reports.progress_report_create(
                target=target, by=staff_a, period_start=start, data=report_input()
            )
            reports.progress_report_submit(report=report, by=head_a)


@pytest.mark.parametrize(
    ("value", "level"),
    # baseline 6.0 → target 6.5: 6.475 is 95% of the way, 6.47495 just below, 6.425 is 85%.
    [("6.475", "green"), ("6.4749", "yellow"), ("6.425", "yellow"), ("6.4249", "red")],
)
def test_recomputation_at_the_thresholds(target, staff_a, head_a, office, value, level):
    file_all_reports(target, staff_a, head_a)
    verified_q4(target, staff_a, head_a, office, Decimal(value))
    with clock.frozen(datetime.date(2027, 12, 28)):
        assert early_warning.recompute_early_warnings() == 1
    snapshot = WarningSnapshot.objects.get(target=target, period_start=Q4)
    assert snapshot.level == level, snapshot.reason
    assert snapshot.expected == 100
    assert snapshot.as_of == datetime.date(2027, 12, 31)


def test_a_missed_node_target_makes_it_red(target, staff_a, head_a, office):
    file_all_reports(target, staff_a, head_a)
    verified_q4(target, staff_a, head_a, office, Decimal("6.5"))
    Milestone.objects.filter(target=target, quarter=2).update(status=Milestone.Status.MISSED)
    with clock.frozen(datetime.date(2027, 12, 28)):
        early_warning.recompute_early_warnings()
    snapshot = WarningSnapshot.objects.get(target=target)
    assert snapshot.level == "red"
    assert snapshot.reasons == ["milestone_missed"]
    assert "节点目标未完成" in snapshot.reason


def test_an_overdue_report_makes_it_red(target, staff_a, head_a):
    """Q1's report is due on 10 April: on the 10th the target is green, on the 11th red."""
    with clock.frozen(datetime.date(2027, 4, 10)):
        early_warning.recompute_early_warnings()
        assert WarningSnapshot.objects.get(target=target).level == "green"
    with clock.frozen(datetime.date(2027, 4, 11)):
        early_warning.recompute_early_warnings()
    snapshot = WarningSnapshot.objects.get(target=target)
    assert (snapshot.level, snapshot.reasons) == ("red", ["no_verified_progress", "report_overdue"])
    # Filing it (even late, after explaining the red warning) lifts the overdue part.
    with clock.frozen(datetime.date(2027, 4, 12)):
        report = reports.progress_report_create(
            target=target, by=staff_a, period_start=Q1, data=report_input()
        )
        reports.warning_explanation_file(
            target=target, by=staff_a, explanation="数据延迟", remedy="今日补报"
        )
        report = reports.progress_report_submit(report=report, by=head_a)
        assert report.is_late
        early_warning.recompute_early_warnings()
    # Not green, though: nothing is verified yet and Q1's due date has passed (issue 16 item 5).
    snapshot = WarningSnapshot.objects.get(target=target)
    assert (snapshot.level, snapshot.reasons) == ("yellow", ["no_verified_progress"])


def test_a_filed_report_awaiting_verification_after_its_due_date_is_yellow(
    target, staff_a, head_a, office
):
    """Issue 16 item 5: Q1's report filed on time (8 April) but not verified; on 11 April (its
    due date, 10 April, passed) the level is yellow, reason 尚无审核通过的进展 — not green.
    Verified at 6.1 (20% of the way from 6.0 to 6.5 by 31 March, expected 90/365 = 24.66%:
    ratio 81.1% → red by the ratio rule, computed as usual once something is verified)."""
    with clock.frozen(datetime.date(2027, 4, 8)):
        report = reports.progress_report_create(
            target=target, by=staff_a, period_start=Q1, data=report_input()
        )
        report = reports.progress_report_submit(report=report, by=head_a)
        early_warning.recompute_early_warnings()
        assert WarningSnapshot.objects.get(target=target).level == "green"
    with clock.frozen(datetime.date(2027, 4, 11)):
        early_warning.recompute_early_warnings()
        snapshot = WarningSnapshot.objects.get(target=target)
        assert (snapshot.level, snapshot.reasons) == ("yellow", ["no_verified_progress"])
        assert snapshot.reason == "尚无审核通过的进展"
        reports.progress_report_verify(report=report, by=office)
        early_warning.recompute_early_warnings()
    snapshot = WarningSnapshot.objects.get(target=target)
    assert (snapshot.level, snapshot.reasons) == ("red", ["behind"])


@pytest.mark.parametrize(
    ("day", "level"),
    [
        (datetime.date(2027, 11, 1), "green"),  # 305/365 = 83.56% < 85%
        (datetime.date(2027, 11, 7), "yellow"),  # 311/365 = 85.21% ≥ 85%
    ],
)
def test_nothing_verified_is_yellow_once_the_expected_progress_reaches_the_yellow_threshold(
    day, level
):
    """Issue 16 item 5, the second trigger, without any report due (a year with no reporting
    periods behind it, as the rule sees it): nothing verified and expected progress ≥ the yellow
    threshold (85%) → yellow, reason 尚无审核通过的进展."""
    year = PlanYear(
        year=2027, warning_green_percent=Decimal(95), warning_yellow_percent=Decimal(85)
    )
    result = early_warning.evaluate(
        plan_year=year,
        today=day,
        kind=Target.Kind.QUALITATIVE,
        baseline=None,
        target_value=None,
        direction=None,
        verified_value=None,
        verified_percent=None,
        verified_period_end=None,
        milestone_missed=False,
        report_overdue=False,
    )
    assert (result.level, result.reasons) == (level, ["no_verified_progress"])


def test_a_cooperating_departments_overdue_report_counts(cooperating_target, staff_a, head_a):
    with clock.frozen(datetime.date(2027, 4, 9)):
        report = reports.progress_report_create(
            target=cooperating_target,
            by=staff_a,
            period_start=Q1,
            data=report_input(actual_value=None, percent_complete=Decimal(30)),
        )
        reports.progress_report_submit(report=report, by=head_a)
    with clock.frozen(datetime.date(2027, 4, 11)):
        early_warning.recompute_early_warnings()
    assert WarningSnapshot.objects.get(target=cooperating_target).reasons == [
        "no_verified_progress",
        "report_overdue",
    ]


def test_recomputation_is_idempotent_and_keeps_one_row_per_period(target):
    with clock.frozen(datetime.date(2027, 4, 11)):
        early_warning.recompute_early_warnings()
        first = WarningSnapshot.objects.get()
        early_warning.recompute_early_warnings()
    second = WarningSnapshot.objects.get()
    assert (first.level, first.red_since) == (second.level, second.red_since)
    # A new period (Q3) adds a row; Q2's stays for the trend.
    with clock.frozen(datetime.date(2027, 7, 2)):
        early_warning.recompute_early_warnings()
    assert list(WarningSnapshot.objects.values_list("period_start", "level")) == [
        (datetime.date(2027, 4, 1), "red"),
        (datetime.date(2027, 7, 1), "red"),
    ]
    # Still the same red streak: one explanation covers it.
    assert WarningSnapshot.objects.last().red_since == first.red_since


def test_red_target_needs_an_explanation_before_its_next_report(target, staff_a, head_a, staff_b):
    with clock.frozen(datetime.date(2027, 4, 11)):
        early_warning.recompute_early_warnings()
        report = reports.progress_report_create(
            target=target, by=staff_a, period_start=Q1, data=report_input()
        )
        with pytest.raises(reports.ValidationFailed) as caught:
            reports.progress_report_submit(report=report, by=head_a)
        assert "原因说明和整改措施" in caught.value.message
        assert ProgressReport.objects.get().state == "draft"
        with pytest.raises(reports.NotPermitted):
            reports.warning_explanation_file(target=target, by=staff_b, explanation="x", remedy="y")
        with pytest.raises(reports.ValidationFailed) as caught:
            reports.warning_explanation_file(target=target, by=staff_a, explanation="", remedy="")
        assert set(caught.value.field_errors) == {"explanation", "remedy"}
        reports.warning_explanation_file(
            target=target, by=staff_a, explanation="统计口径调整延误", remedy="本周内补报"
        )
        assert reports.progress_report_submit(report=report, by=head_a).state == "submitted"


def test_no_explanation_is_asked_of_a_target_that_is_not_red(target, staff_a):
    with clock.frozen(datetime.date(2027, 4, 10)):
        early_warning.recompute_early_warnings()
        with pytest.raises(reports.ValidationFailed):
            reports.warning_explanation_file(target=target, by=staff_a, explanation="x", remedy="y")


def test_the_nightly_task_is_scheduled_and_runs(target):
    from execution.tasks import recompute_early_warnings
    from tests.execution.schedules import default_schedule, schedules

    entry = default_schedule(schedules.WARNINGS)
    assert entry.task == recompute_early_warnings.name and entry.enabled
    assert (entry.crontab.hour, entry.crontab.minute) == ("1", "30")
    assert recompute_early_warnings.delay().get() == 1
    assert WarningSnapshot.objects.filter(target=target).exists()


def test_verification_queues_the_recomputation(
    target, staff_a, head_a, office, django_capture_on_commit_callbacks
):
    report = reports.progress_report_create(
        target=target, by=staff_a, period_start=Q1, data=report_input()
    )
    reports.progress_report_submit(report=report, by=head_a)
    with django_capture_on_commit_callbacks(execute=True):
        reports.progress_report_verify(report=report, by=office)
    snapshot = WarningSnapshot.objects.get(target=target)
    assert snapshot.as_of == datetime.date(2027, 3, 31)
    assert snapshot.actual == Decimal("20.00")  # 6.0 → 6.1 of 6.0 → 6.5


# --- a fixed number of queries whatever the number of targets ----------------------------------


def make_executing_targets(n, *, plan_year, aspect, lead, created_by):
    """``n`` executing targets of ``lead`` whose levels differ: every seventh node target missed,
    two in three with a verified Q1 report (figures 20–29), the rest with none."""
    targets = executing_targets(
        n, plan_year=plan_year, aspect=aspect, lead=lead, created_by=created_by, missed_every=7
    )
    reports_of(
        [t for i, t in enumerate(targets) if i % 3],
        department=lead,
        state="verified",
        created_by=created_by,
        verified=True,
    )
    return targets


# Per executing plan year: the year, the annotated targets, the bulk upsert; plus the
# transaction's savepoint and its release.
RECOMPUTE_QUERIES = 5


@pytest.mark.parametrize("n", [100, 5000])
def test_recomputation_runs_a_fixed_number_of_queries(
    django_assert_num_queries, executing_year, aspect, dept_a, staff_a, n
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite splits a bulk upsert into batches of 999 variables")
    make_executing_targets(
        n, plan_year=executing_year, aspect=aspect, lead=dept_a, created_by=staff_a
    )
    with clock.frozen(datetime.date(2027, 5, 2)):
        with django_assert_num_queries(RECOMPUTE_QUERIES):
            assert early_warning.recompute_early_warnings() == n
        with django_assert_num_queries(RECOMPUTE_QUERIES):
            early_warning.recompute_early_warnings()
    assert WarningSnapshot.objects.count() == n
    levels = set(WarningSnapshot.objects.values_list("level", flat=True))
    assert levels == {"green", "yellow", "red"}
