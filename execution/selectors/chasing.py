"""Late progress reports (逾期未报) to chase (issue 19 item 3): for a plan year, every report a
lead or cooperating department owes for a period whose due date has passed and that is not
filed (Shanghai Art. 14, 16) — narrowed to a period, a department or one target — and which of
them were already chased on this working day. Four queries whatever the number of targets."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Department
from targets.models import PlanYear, Target, TargetDepartment
from workdays.calendar import add_working_days, is_working_day

from .. import clock, periods
from ..models import ProgressReport, ReportChase
from .progress import FILED_STATES


@dataclass(frozen=True)
class LateReport:
    target_id: int
    target_code: str
    target_title: str
    department_id: int
    department_name: str
    kind: str
    period_start: datetime.date
    period_label: str
    due_date: datetime.date
    chased_today: bool


def chase_workday(today: datetime.date) -> datetime.date:
    """The working day a chase made ``today`` counts for: today, or the next working day when
    today is a weekend or holiday (the official calendar, ``workdays``)."""
    return today if is_working_day(today) else add_working_days(today, 1)


def late_reports(
    plan_year: PlanYear,
    *,
    period_start: datetime.date | None = None,
    department_id: int | None = None,
    target_id: int | None = None,
) -> list[LateReport]:
    today = clock.today()
    overdue = [
        p
        for p in periods.overdue_periods(plan_year, today)
        if period_start is None or p.start == period_start
    ]
    if not overdue:
        return []
    targets = Target.objects.filter(plan_year=plan_year, state=Target.State.EXECUTING)
    if target_id:
        targets = targets.filter(pk=target_id)
    coop = TargetDepartment.objects.filter(
        target__in=targets, role=TargetDepartment.Role.COOPERATING
    )
    if department_id:
        coop = coop.filter(department_id=department_id)
        targets = targets.filter(
            Q(lead_department_id=department_id) | Q(pk__in=coop.values("target_id"))
        )
    target_rows = list(
        targets.order_by("code").values_list("pk", "code", "title", "lead_department_id")
    )
    owed = []  # (target row, department, kind)
    coop_by_target: dict[int, list[int]] = {}
    for t_id, d_id in coop.values_list("target_id", "department_id"):
        coop_by_target.setdefault(t_id, []).append(d_id)
    for row in target_rows:
        if not department_id or row[3] == department_id:
            owed.append((row, row[3], ProgressReport.Kind.MAIN))
        for d_id in coop_by_target.get(row[0], []):
            owed.append((row, d_id, ProgressReport.Kind.COOPERATING))
    starts = [p.start for p in overdue]
    ids = [r[0] for r in target_rows]
    filed = set(
        ProgressReport.objects.filter(
            target_id__in=ids, period_start__in=starts, state__in=FILED_STATES
        ).values_list("target_id", "department_id", "period_start")
    )
    chased = set(
        ReportChase.objects.filter(
            target_id__in=ids, period_start__in=starts, workday=chase_workday(today)
        ).values_list("target_id", "department_id", "period_start")
    )
    names = dict(
        Department.objects.filter(pk__in={d for _r, d, _k in owed}).values_list("pk", "name")
    )
    found = []
    for period in overdue:
        due = periods.report_due_date(plan_year, period)
        for (t_id, code, title, _lead), d_id, kind in owed:
            key = (t_id, d_id, period.start)
            if key in filed:
                continue
            found.append(
                LateReport(
                    t_id,
                    code,
                    title,
                    d_id,
                    names.get(d_id, ""),
                    kind,
                    period.start,
                    period.label,
                    due,
                    key in chased,
                )
            )
    return found
