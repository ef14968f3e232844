"""The figures of the three home pages, already filtered to the reader (Shanghai Art. 17).

Every function runs a fixed number of queries whatever the number of targets: counts are
grouped in the database (``values().annotate(Count)``), lists are single joined queries. The
pages, the API and the benchmark all call these.

Warning levels are read at the *as-of period*: the latest period of the chosen quarter (or the
year) for which the early warning was computed (``WarningSnapshot``).

Who may see which board is asked of ``dashboards.permissions`` here, so pages and API need not.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import access_for
from accounts.models import LeaderPortfolio
from execution import clock, periods
from execution.models import (
    CompletionReport,
    CoordinationItem,
    QuarterlyReport,
    WarningSnapshot,
)
from execution.permissions.quarterly import is_city_wide_leader
from execution.selectors.completion_rate import (
    Completion,
    report_completion,
    reporting_period,
)
from execution.selectors.quarterly import visible_quarterly_reports
from targets.models import Milestone, PlanYear, Target
from workflow.errors import NotFoundForUser

from . import boards, department, permissions

LEVELS = ("red", "yellow", "green")
LIST_LIMIT = 100


def current_plan_year(year: int | None = None) -> PlanYear | None:
    """The year a dashboard shows: the one asked for, else the latest executing one."""
    qs = PlanYear.objects.all()
    if year:
        return qs.filter(year=year).first()
    return (
        qs.filter(status=PlanYear.Status.EXECUTING).order_by("-year").first()
        or qs.order_by("-year").first()
    )


def int_param(value) -> int | None:
    """A query parameter as a number, None when it is missing or not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def plan_year_asked(value) -> PlanYear:
    """The year a dashboard request names (``?year=2027``, else the default one), or
    ``NotFoundForUser`` when there is no such year."""
    plan_year = current_plan_year(int_param(value))
    if plan_year is None:
        raise NotFoundForUser(_("没有该年度。"))
    return plan_year


def completion_rate(user, *, plan_year: PlanYear) -> Completion:
    """进展报告完成率 (issue 7 item 4): the overview's table, for those who may see it."""
    permissions.require(permissions.may_see_office_overview, user)
    return report_completion(plan_year=plan_year)


def default_quarter(plan_year: PlanYear, today: datetime.date) -> int:
    """The quarter a leader reads by default: the one containing today (issue 16 item 2), on
    execution's clock; before the year starts its first quarter, after it ends its last."""
    if today.year < plan_year.year:
        return 1
    if today.year > plan_year.year:
        return 4
    return (today.month - 1) // 3 + 1


def _latest_period(plan_year, start: datetime.date, end: datetime.date):
    """The latest period between ``start`` and ``end`` with computed warnings, as a query.

    ORDER BY … LIMIT 1 walks the period index backwards and stops at the first row of the
    year, where MAX() would aggregate every snapshot of the range: at 10,000 targets 0.2 ms
    against 5 ms (benchmarks/dashboards.py)."""
    return (
        WarningSnapshot.objects.filter(
            target__plan_year=plan_year, period_start__gte=start, period_start__lte=end
        )
        .order_by("-period_start")
        .values_list("period_start", flat=True)[:1]
    )


def as_of_period(plan_year, start: datetime.date, end: datetime.date):
    """The latest period between ``start`` and ``end`` with computed warnings (one query)."""
    return next(iter(_latest_period(plan_year, start, end)), None)


def _latest_periods(plan_year, ranges: dict[str, tuple]) -> dict:
    """``as_of_period`` for several ranges in one query (a subquery each)."""
    if not ranges:
        return {}
    # ``_latest_period``'s query, its join resolved once for all the ranges.
    periods_of_year = (
        WarningSnapshot.objects.filter(target__plan_year=plan_year)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
    )
    return (
        PlanYear.objects.filter(pk=plan_year.pk)
        .values(
            **{
                key: Subquery(
                    periods_of_year.filter(period_start__gte=start, period_start__lte=end)[:1]
                )
                for key, (start, end) in ranges.items()
            }
        )
        .get()
    )


# --- the vice-mayor's dashboard ------------------------------------------------------------------


@dataclass
class DepartmentRow:
    department_id: int
    name: str
    targets: int = 0
    red: int = 0
    yellow: int = 0
    green: int = 0
    milestones_due: int = 0
    milestones_achieved: int = 0
    milestones_overdue: int = 0  # past the due date without a result (issue 16 item 3)

    @property
    def completion(self) -> int:
        """Percent of the quarter's node targets achieved (完成率)."""
        if not self.milestones_due:
            return 0
        return round(100 * self.milestones_achieved / self.milestones_due)


@dataclass
class LeaderDashboard:
    plan_year: PlanYear
    quarter: int
    city_wide: bool
    portfolios: list  # (leader_id, name) for the city-wide leaders' filter
    chosen_leader: int | None
    departments: list[DepartmentRow] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)
    red_list: list = field(default_factory=list)
    overdue_list: list = field(default_factory=list)
    reports_to_read: list = field(default_factory=list)
    coordination: list = field(default_factory=list)
    # The one snapshot every level figure reads (issue 16 item 2): its period's first day, and
    # the day its levels were last computed (the page's 截至); None before any was computed.
    as_of_period: datetime.date | None = None
    as_of: datetime.date | None = None

    @property
    def totals(self) -> dict:
        return {level: sum(getattr(d, level) for d in self.departments) for level in LEVELS} | {
            "targets": sum(d.targets for d in self.departments)
        }


def leader_departments(user, leader_id: int | None = None) -> tuple[set[int] | None, bool, list]:
    """The departments a leader's dashboard covers: the portfolio (分管部门, Art. 15, 17); the
    mayor and the executive vice-mayor see the whole city (None), optionally narrowed to one
    vice-mayor's portfolio. Returns (department ids or None, city-wide?, portfolio choices)."""
    access = access_for(user)
    if is_city_wide_leader(user) or (access.reads_everything and not access.portfolio):
        rows = list(
            LeaderPortfolio.objects.order_by("leader_id", "department_id").values_list(
                "leader_id", "leader__display_name", "leader__username", "department_id"
            )
        )
        choices, seen = [], set()
        for lid, name, username, _dept in rows:
            if lid not in seen:
                seen.add(lid)
                choices.append((lid, name or username))
        if leader_id:
            return {d for lid, *_, d in rows if lid == leader_id}, True, choices
        return None, True, choices
    return set(access.portfolio), False, []


def leader_dashboard(
    user, *, plan_year: PlanYear, quarter: int | None = None, leader_id: int | None = None
) -> LeaderDashboard:
    permissions.require(permissions.may_see_leader_dashboard, user)
    today = clock.today()
    quarter = quarter or default_quarter(plan_year, today)
    depts, city_wide, choices = leader_departments(user, leader_id)
    board = LeaderDashboard(
        plan_year, quarter, city_wide, choices, leader_id if city_wide else None
    )
    # The executing targets of the portfolio: each query filtered once (a chained filter is
    # resolved again and the query copied each time).
    scope = {"plan_year": plan_year, "state": Target.State.EXECUTING}
    if depts is not None:
        scope["lead_department_id__in"] = depts
    of_targets = {f"target__{lookup}": value for lookup, value in scope.items()}
    targets = Target.objects.filter(**scope)
    snaps = WarningSnapshot.objects.filter(**of_targets)
    milestones = Milestone.objects.filter(**of_targets, quarter=quarter)

    rows: dict[int, DepartmentRow] = {}

    def row(dept_id):
        return rows.setdefault(dept_id, DepartmentRow(dept_id, ""))

    for dept_id, name, n in (
        targets.values_list("lead_department_id", "lead_department__name")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row(dept_id).targets, row(dept_id).name = n, name
    # One snapshot for every figure (issue 16 item 2): the chosen quarter's as-of period is the
    # latest computed period of that quarter up to today, and the trend is the same rule for each
    # quarter up to the chosen one, so its last point IS the as-of period: the headline, the
    # department table, the trend's last point and the red list count the same rows. One query.
    latest = _latest_periods(
        plan_year,
        {
            f"q{q}": (start, min(end, today))
            for q, (start, end) in ((q, plan_year.quarter_bounds(q)) for q in range(1, quarter + 1))
            if start <= today
        },
    )
    as_of = latest.get(f"q{quarter}")
    latest_in_quarter = {q: latest[f"q{q}"] for q in range(1, 5) if latest.get(f"q{q}") is not None}
    # The levels per department at each quarter's period: one grouped query over those few
    # periods; the as-of period's rows also say when they were computed (截至 on the page).
    trend_counts: dict[int, dict] = {q: dict.fromkeys(LEVELS, 0) for q in latest_in_quarter}
    computed = []
    for start, dept_id, level, n, last in (
        snaps.filter(period_start__in=list(latest_in_quarter.values()))
        .values_list("period_start", "target__lead_department_id", "level")
        .annotate(n=Count("pk"), last=Max("computed_at"))
        .order_by()
    ):
        if start == as_of:
            setattr(row(dept_id), level, n)
            computed.append(last)
        trend_counts[(start.month - 1) // 3 + 1][level] += n
    board.as_of_period = as_of
    board.as_of = timezone.localdate(max(computed)) if computed else None
    for dept_id, due, achieved, overdue in (
        milestones.values_list("target__lead_department_id")
        .annotate(
            due=Count("pk"),
            achieved=Count("pk", filter=Q(status=Milestone.Status.ACHIEVED)),
            overdue=Count("pk", filter=Milestone.overdue_q(today)),
        )
        .order_by()
    ):
        r = row(dept_id)
        r.milestones_due, r.milestones_achieved, r.milestones_overdue = due, achieved, overdue
    board.departments = sorted(rows.values(), key=lambda r: (-r.red, -r.yellow, r.name))
    if trend_counts:
        # The trend ends at the chosen quarter, computed or not: its last point is the headline.
        trend_counts.setdefault(quarter, dict.fromkeys(LEVELS, 0))
    board.trend = [{"quarter": q, **trend_counts[q]} for q in sorted(trend_counts)]

    # The lists read only what the page, the briefing and the API show (``dashboards.boards``).
    board.red_list = boards.red_list(snaps.filter(period_start=as_of), LIST_LIMIT)
    period = reporting_period(plan_year, today)
    if periods.report_due_date(plan_year, period) < today:
        board.overdue_list = boards.not_reported(targets, period.start, LIST_LIMIT)
    reports = visible_quarterly_reports(user).filter(state=QuarterlyReport.State.FORWARDED)
    if depts is not None:
        reports = reports.filter(department_id__in=depts)
    board.reports_to_read = boards.quarterly_rows(
        reports, ("forwarded_at", "department__sort_order"), LIST_LIMIT
    )
    items = CoordinationItem.objects.filter(state=CoordinationItem.State.ESCALATED)
    if not city_wide:
        items = items.filter(leader_id=user.pk)
    elif depts is not None:
        items = items.filter(target__lead_department_id__in=depts)
    board.coordination = boards.coordination_rows(items, LIST_LIMIT)
    return board


# --- the general office's overview ---------------------------------------------------------------


@dataclass
class OfficeOverview:
    plan_year: PlanYear
    by_state: dict
    levels: dict
    per_aspect: list
    completion: Completion
    review_queue: list
    review_count: int
    quarterly_to_forward: list
    completion_reviews: int
    adjustments: list
    adjustments_count: int


def office_overview(user, *, plan_year: PlanYear) -> OfficeOverview:
    permissions.require(permissions.may_see_office_overview, user)
    today = clock.today()
    targets = Target.objects.filter(plan_year=plan_year)
    by_state = dict(targets.values_list("state").annotate(n=Count("pk")).order_by())
    # The as-of period as a subquery of the levels' query: one query, not two (issue 20).
    as_of = Subquery(_latest_period(plan_year, datetime.date(plan_year.year, 1, 1), today))
    per_aspect: dict[int, dict] = {}
    for number, name, level, n in (
        WarningSnapshot.objects.filter(
            target__plan_year=plan_year, target__state=Target.State.EXECUTING, period_start=as_of
        )
        .values_list("target__aspect__number", "target__aspect__name", "level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        entry = per_aspect.setdefault(
            number or 0, {"aspect": name or "", **dict.fromkeys(LEVELS, 0)}
        )
        entry[level] = n
    aspects = [per_aspect[k] for k in sorted(per_aspect)]
    levels = {level: sum(a[level] for a in aspects) for level in LEVELS}
    # The lists read only what the page and the API show, each with its count where it has one
    # (``dashboards.boards``).
    review_queue, review_count = boards.review_queue(plan_year, 20)
    adjustments, adjustments_count = boards.pending_adjustments(plan_year, 20)
    return OfficeOverview(
        plan_year=plan_year,
        by_state=by_state,
        levels=levels,
        per_aspect=aspects,
        completion=report_completion(plan_year=plan_year),
        review_queue=review_queue,
        review_count=review_count,
        quarterly_to_forward=boards.quarterly_rows(
            QuarterlyReport.objects.filter(
                plan_year=plan_year, state=QuarterlyReport.State.SUBMITTED
            ),
            ("submitted_at", "pk"),
            LIST_LIMIT,
        ),
        completion_reviews=CompletionReport.objects.filter(
            target__plan_year=plan_year, state=CompletionReport.State.SUBMITTED
        ).count(),
        adjustments=adjustments,
        adjustments_count=adjustments_count,
    )


# --- the department home -------------------------------------------------------------------------


@dataclass
class DepartmentHome:
    todo: list
    returned_reports: list
    returned_targets: list
    explanations: list
    coordination: list
    instructions: list
    quarterly_drafts: list
    orders: list
    findings: list
    targets: list
    levels: dict
    overdue_milestones: list = field(default_factory=list)

    @property
    def owed_count(self) -> int:
        return sum(
            len(x)
            for x in (
                self.todo,
                self.returned_reports,
                self.returned_targets,
                self.explanations,
                self.coordination,
                self.instructions,
                self.quarterly_drafts,
                self.orders,
                self.findings,
            )
        )


def department_home(user) -> DepartmentHome:
    """What the user's departments owe now, with deadlines, and their targets' levels (the
    reads, narrow and the targets read once: ``dashboards.department``, issue 20)."""
    permissions.require(permissions.may_see_department_home, user)
    depts = access_for(user).member_departments
    targets = department.targets_of(depts)
    led = [t for t in targets if t.lead_department_id in depts]
    our_targets = [t for t in led if t.state == Target.State.EXECUTING]
    levels = dict.fromkeys(LEVELS, 0)
    for t in our_targets:
        if t.warning_level in levels:
            levels[t.warning_level] += 1
    orders, findings = department.supervision(depts, LIST_LIMIT)
    return DepartmentHome(
        overdue_milestones=department.overdue_milestones(our_targets),
        todo=department.todo(targets, depts),
        returned_reports=department.returned_reports(depts),
        returned_targets=[t for t in led if t.state == Target.State.RETURNED],
        explanations=department.unexplained_red(our_targets),
        coordination=department.coordination(depts),
        instructions=department.instructions(depts),
        quarterly_drafts=department.quarterly_drafts(depts),
        orders=orders,
        findings=findings,
        targets=our_targets,
        levels=levels,
    )
