"""Reporting periods and due dates (Shanghai Art. 14; Fujian 五: the calendar of reports):
quarterly or monthly per plan year, the due date from the plan year's calendar where it has one,
otherwise 10 days after the period ends — in one replaceable function."""

import datetime

from execution import periods
from targets.models import PlanYear

D = datetime.date


def year(**kwargs):
    return PlanYear(pk=1, year=2026, **kwargs)


def test_quarterly_periods_and_default_due_dates():
    plan = year(report_frequency="quarterly")
    quarters = periods.periods_of(plan)
    assert [(p.start, p.end) for p in quarters] == [
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), D(2026, 12, 31)),
    ]
    assert [periods.report_due_date(plan, p) for p in quarters] == [
        D(2026, 4, 10),
        D(2026, 7, 10),
        D(2026, 10, 10),
        D(2027, 1, 10),
    ]
    assert quarters[0].label == "2026年第1季度"


def test_the_plan_years_calendar_sets_the_quarters_due_dates():
    plan = year(
        report_frequency="quarterly",
        q2_report_due=D(2026, 8, 31),
        year_end_due=D(2027, 1, 15),
    )
    quarters = periods.periods_of(plan)
    assert periods.report_due_date(plan, quarters[1]) == D(2026, 8, 31)
    assert periods.report_due_date(plan, quarters[3]) == D(2027, 1, 15)
    assert periods.report_due_date(plan, quarters[0]) == D(2026, 4, 10)


def test_monthly_periods_use_the_calendar_only_at_quarter_ends():
    plan = year(report_frequency="monthly", q1_report_due=D(2026, 4, 15))
    months = periods.periods_of(plan)
    assert len(months) == 12
    assert months[1].end == D(2026, 2, 28)
    assert periods.report_due_date(plan, months[1]) == D(2026, 3, 10)
    assert periods.report_due_date(plan, months[2]) == D(2026, 4, 15)
    assert months[2].ends_quarter and not months[1].ends_quarter
    assert months[4].label == "2026年5月"


def test_current_started_open_and_overdue_periods():
    plan = year(report_frequency="quarterly")
    today = D(2026, 11, 23)
    assert periods.current_period(plan, today).number == 4
    assert periods.current_period(plan, D(2027, 2, 1)).number == 4
    assert [p.number for p in periods.started_periods(plan, today)] == [1, 2, 3, 4]
    assert [p.number for p in periods.overdue_periods(plan, today)] == [1, 2, 3]
    assert [p.number for p in periods.open_periods(plan, today)] == [4]
    assert [p.number for p in periods.open_periods(plan, D(2026, 10, 10))] == [3, 4]
