"""Reporting periods of a plan year (Shanghai Art. 14; Fujian 四: monthly or quarterly analysis)
and the due date of each period's progress report.

A period is identified by its first day. ``report_due_date`` is the ONE place that says when a
report is due, so the reminders (issue 7) can later count deadlines in working days by replacing
it alone.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from targets.models import PlanYear

# Without a date in the plan year's calendar, a report is due this many days after its period ends.
DEFAULT_DUE_DAYS = 10


@dataclass(frozen=True)
class Period:
    plan_year_id: int
    year: int
    frequency: str
    number: int  # quarter 1–4 or month 1–12
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        if self.frequency == PlanYear.ReportFrequency.MONTHLY:
            return _("%(year)s年%(n)s月") % {"year": self.year, "n": self.number}
        return _("%(year)s年第%(n)s季度") % {"year": self.year, "n": self.number}

    @property
    def short_label(self) -> str:
        if self.frequency == PlanYear.ReportFrequency.MONTHLY:
            return _("%(n)s月") % {"n": self.number}
        return f"Q{self.number}"

    @property
    def quarter(self) -> int:
        return (self.end.month - 1) // 3 + 1

    @property
    def ends_quarter(self) -> bool:
        return self.end.month % 3 == 0


def periods_of(plan_year: PlanYear) -> list[Period]:
    year = plan_year.year
    if plan_year.report_frequency == PlanYear.ReportFrequency.MONTHLY:
        return [
            Period(
                plan_year.pk,
                year,
                PlanYear.ReportFrequency.MONTHLY,
                m,
                datetime.date(year, m, 1),
                datetime.date(year, m, calendar.monthrange(year, m)[1]),
            )
            for m in range(1, 13)
        ]
    return [
        Period(
            plan_year.pk, year, PlanYear.ReportFrequency.QUARTERLY, q, *plan_year.quarter_bounds(q)
        )
        for q in range(1, 5)
    ]


def period_starting(plan_year: PlanYear, start: datetime.date) -> Period | None:
    return next((p for p in periods_of(plan_year) if p.start == start), None)


def current_period(plan_year: PlanYear, today: datetime.date) -> Period:
    """The period containing ``today``, clamped to the year (the last one after the year ends)."""
    periods = periods_of(plan_year)
    if today < periods[0].start:
        return periods[0]
    return next((p for p in periods if p.start <= today <= p.end), periods[-1])


def started_periods(plan_year: PlanYear, today: datetime.date) -> list[Period]:
    return [p for p in periods_of(plan_year) if p.start <= today]


def report_due_date(plan_year: PlanYear, period: Period) -> datetime.date:
    """When the progress report for ``period`` is due.

    The plan year's calendar (Fujian 五: quarterly reports, the half-year report by the end of
    August, the annual summary by 10 January) applies to the period that ends a quarter; any
    other period — and a quarter without a date set — is due ``DEFAULT_DUE_DAYS`` days after it
    ends."""
    if period.ends_quarter:
        set_date = {
            1: plan_year.q1_report_due,
            2: plan_year.q2_report_due,
            3: plan_year.q3_report_due,
            4: plan_year.year_end_due,
        }[period.quarter]
        if set_date is not None:
            return set_date
    return period.end + datetime.timedelta(days=DEFAULT_DUE_DAYS)


def overdue_periods(plan_year: PlanYear, today: datetime.date) -> list[Period]:
    """Periods whose report is past due on ``today``."""
    return [p for p in periods_of(plan_year) if report_due_date(plan_year, p) < today]


def open_periods(plan_year: PlanYear, today: datetime.date) -> list[Period]:
    """Periods that have started and whose report is not yet past due: what a department owes."""
    return [
        p
        for p in periods_of(plan_year)
        if p.start <= today and report_due_date(plan_year, p) >= today
    ]
