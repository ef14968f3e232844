"""The completion rate of progress reporting per department (issue 7 item 4, ClearPoint's "My
updates" problem): for one reporting period, how many reports each department owes, how many
it filed on time, filed late, and has not filed. ONE selector: the general office's
completion-rate view and its overview's "reports due/late this period", the quarterly summary's
overdue list and the benchmark all read this (Shanghai Art. 14: reports on time).

Owed: the lead department's main report and each cooperating department's task report of
every executing target (Art. 14, 16). Filed: submitted or verified; late: filed after its due
date (``ProgressReport.is_late``); missing: not filed (no report, a draft, or returned).
Four queries whatever the number of targets.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from accounts.models import Department
from targets.models import PlanYear, Target, TargetDepartment

from .. import clock, periods
from ..models import ProgressReport

FILED_STATES = (ProgressReport.State.SUBMITTED, ProgressReport.State.VERIFIED)


@dataclass
class CompletionRow:
    department_id: int
    department_name: str
    due: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def missing(self) -> int:
        return self.due - self.on_time - self.late

    @property
    def rate(self) -> int:
        """Percent filed on time (0 when nothing is owed)."""
        return round(100 * self.on_time / self.due) if self.due else 0


@dataclass
class Completion:
    period: periods.Period
    due_date: datetime.date
    overdue: bool  # the due date has passed: "missing" reports are overdue
    rows: list[CompletionRow] = field(default_factory=list)

    @property
    def totals(self) -> CompletionRow:
        total = CompletionRow(0, "")
        for row in self.rows:
            total.due += row.due
            total.on_time += row.on_time
            total.late += row.late
        return total


def reporting_period(plan_year: PlanYear, today: datetime.date) -> periods.Period:
    """ "This period" for reporting: the latest period that has ended (its report is due now or
    overdue); before the first one ends, the first."""
    ended = [p for p in periods.periods_of(plan_year) if p.end < today]
    return ended[-1] if ended else periods.periods_of(plan_year)[0]


def report_completion(
    *, plan_year: PlanYear, period: periods.Period | None = None, department_ids=None
) -> Completion:
    today = clock.today()
    if period is None:
        period = reporting_period(plan_year, today)
    due_date = periods.report_due_date(plan_year, period)
    executing = Q(plan_year=plan_year, state=Target.State.EXECUTING)
    owed: dict[int, int] = {}
    leads = Target.objects.filter(executing)
    coops = TargetDepartment.objects.filter(
        target__plan_year=plan_year,
        target__state=Target.State.EXECUTING,
        role=TargetDepartment.Role.COOPERATING,
    )
    filed = ProgressReport.objects.filter(
        target__plan_year=plan_year,
        target__state=Target.State.EXECUTING,
        period_start=period.start,
        state__in=FILED_STATES,
    )
    if department_ids is not None:
        leads = leads.filter(lead_department_id__in=department_ids)
        coops = coops.filter(department_id__in=department_ids)
        filed = filed.filter(department_id__in=department_ids)
    for dept_id, n in leads.values_list("lead_department_id").annotate(n=Count("pk")).order_by():
        owed[dept_id] = owed.get(dept_id, 0) + n
    for dept_id, n in coops.values_list("department_id").annotate(n=Count("pk")).order_by():
        owed[dept_id] = owed.get(dept_id, 0) + n
    filed_counts = {
        dept_id: (on_time, late)
        for dept_id, on_time, late in filed.values_list("department_id")
        .annotate(
            on_time=Count("pk", filter=Q(is_late=False)), late=Count("pk", filter=Q(is_late=True))
        )
        .order_by()
    }
    names = dict(Department.objects.filter(pk__in=list(owed)).values_list("pk", "name").order_by())
    rows = []
    for dept_id in sorted(owed, key=lambda d: names.get(d, "")):
        on_time, late = filed_counts.get(dept_id, (0, 0))
        rows.append(
            CompletionRow(
                department_id=dept_id,
                department_name=names.get(dept_id, ""),
                due=owed[dept_id],
                on_time=on_time,
                late=late,
            )
        )
    # Worst first: the most missing, then the most late (the office chases these).
    rows.sort(key=lambda r: (-r.missing, -r.late, r.department_name))
    return Completion(period=period, due_date=due_date, overdue=due_date < today, rows=rows)
