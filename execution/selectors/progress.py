"""Reads for progress reports and early warnings: querysets already joined and filtered to the
reader. A report the reader may not see does not exist for them (404), never another
department's data (Art. 14, 16)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.access import access_for
from accounts.models import Department
from audit.models import AuditEvent
from targets.models import Milestone, PlanYear, Target, TargetDepartment
from targets.selectors import visible_targets

from .. import clock, periods
from ..models import ProgressReport, ReportEvidence, WarningExplanation, WarningSnapshot

SHOWN_STATES = (
    ProgressReport.State.SUBMITTED,
    ProgressReport.State.RETURNED,
    ProgressReport.State.VERIFIED,
)
FILED_STATES = (ProgressReport.State.SUBMITTED, ProgressReport.State.VERIFIED)


def visible_reports(user) -> QuerySet[ProgressReport]:
    """Reports the user may read:

    - the reporting department's staff and head: their department's reports, drafts included;
    - the lead department: every report filed (not drafted) on the targets it leads (Art. 16:
      it coordinates the cooperating departments);
    - the general office, supervision office, auditors: every filed report;
    - vice-mayors: the filed reports on the targets they may read (their portfolio, Art. 17).
    A cooperating department never sees another department's report.
    """
    access = access_for(user)
    qs = ProgressReport.objects.all()
    if access.user_id is None:
        return qs.none()
    filed = Q(state__in=SHOWN_STATES)
    members = access.member_departments
    visible = Q(department_id__in=members) if members else Q(pk__in=[])
    if access.reads_everything:
        return qs.filter(visible | filed)
    if members:
        visible |= filed & Q(target__lead_department_id__in=members)
    if access.portfolio or access.is_leader:
        leader_targets = visible_targets(user).values("pk")
        visible |= filed & Q(target_id__in=Subquery(leader_targets))
    return qs.filter(visible)


# The partitions of the reports' generation (issue 20, ``workflow.generations.partition``),
# after ``visible_reports``: a department's own reports and those filed on the targets it
# leads, by department id; and every report shown beyond its department ("shown": what the
# office, auditors and vice-mayors read).
SHOWN = "shown"


def saved_report_partitions(report: ProgressReport, update_fields) -> set:
    """The partitions a saved report is read in: its department's, its target's lead
    department's, and the shown reports' while it is shown or its state has just changed (it
    may have left them). The services have the target at hand; else one narrow query."""
    if "target" in report._state.fields_cache:
        lead = report.target.lead_department_id
    else:
        lead = (
            Target.objects.filter(pk=report.target_id)
            .values_list("lead_department_id", flat=True)
            .first()
        )
    partitions = {report.department_id, lead}
    if report.state in SHOWN_STATES or (update_fields and "state" in update_fields):
        partitions.add(SHOWN)
    return partitions


def report_partitions(user) -> set:
    """The partitions holding every report ``visible_reports`` gives the user: their
    departments' (drafts included), and the shown reports for those who read beyond their
    departments (the office side, vice-mayors). A cached list depends on these only: a
    department saving its draft leaves the others' lists and the office's cached."""
    access = access_for(user)
    if access.user_id is None:
        return set()
    partitions = set(access.member_departments)
    if access.reads_everything or access.portfolio or access.is_leader:
        partitions.add(SHOWN)
    return partitions


def report_detail_queryset(user) -> QuerySet[ProgressReport]:
    return (
        visible_reports(user)
        .select_related(
            "target__plan_year",
            "target__lead_department",
            "department",
            "created_by",
            "submitted_by",
            "verified_by",
        )
        .prefetch_related(Prefetch("evidence", queryset=ReportEvidence.objects.order_by("id")))
    )


def report_history(report: ProgressReport) -> QuerySet[AuditEvent]:
    """The report's own audit trail, oldest first (its page's 办理记录, Art. 14 全程记录)."""
    return AuditEvent.objects.for_object(report)


def report_list(user) -> QuerySet[ProgressReport]:
    """The reports of the API's list, newest period first: the bare reports, for the list to
    read narrow and then only its page's columns (``execution.api.report_rows``)."""
    return visible_reports(user).order_by("-period_start", "target__code", "kind", "id")


def reporting_year() -> int | None:
    """The year a list of progress reports covers when none is asked for: the newest year in
    execution, else the newest closed one (reports are filed only from execution on, Art. 14)."""
    years = dict(
        PlanYear.objects.filter(
            status__in=(PlanYear.Status.EXECUTING, PlanYear.Status.CLOSED)
        ).values_list("year", "status")
    )
    executing = [y for y, status in years.items() if status == PlanYear.Status.EXECUTING]
    return max(executing or years, default=None)


def reports_of_year(qs: QuerySet[ProgressReport], year: int) -> QuerySet[ProgressReport]:
    """The reports of ``year``'s plan. A report's period lies inside its plan year
    (``execution.periods.periods_of``), so this is a range of ``period_start`` — read through
    the period index, whatever the number of other years, with no join to the targets."""
    return qs.filter(period_start__year=year)


def visible_evidence(user) -> QuerySet[ReportEvidence]:
    return ReportEvidence.objects.filter(
        report__in=Subquery(visible_reports(user).values("pk"))
    ).select_related("report")


def reports_of_target(user, target: Target) -> list[ProgressReport]:
    """The reports on ``target``'s page, newest period first, with their department and
    evidence. The page has the target already: each report is given it rather than joining the
    target, its year and lead department again, nor the people the section does not show
    (issue 20)."""
    reports = list(
        visible_reports(user)
        .filter(target=target)
        .select_related("department")
        .prefetch_related(Prefetch("evidence", queryset=ReportEvidence.objects.order_by("id")))
        .order_by("-period_start", "kind", "id")
    )
    for report in reports:
        report.target = target
    return reports


def snapshots_of_target(target: Target) -> list[WarningSnapshot]:
    return list(WarningSnapshot.objects.filter(target=target).order_by("period_start"))


def latest_level_subquery():
    return Subquery(
        WarningSnapshot.objects.filter(target=OuterRef("pk"))
        .order_by("-period_start")
        .values("level")[:1]
    )


def cooperating_department_ids(target: Target) -> set[int]:
    return set(
        TargetDepartment.objects.filter(
            target=target, role=TargetDepartment.Role.COOPERATING
        ).values_list("department_id", flat=True)
    )


def explanation_required(
    target: Target,
    snapshot: WarningSnapshot | None = None,
    *,
    explanations: list[WarningExplanation] | None = None,
) -> bool:
    """Whether the target is red and its lead department has not yet explained this red streak.
    ``explanations``: all the target's explanations when the caller has read them already."""
    if snapshot is None:
        snapshot = WarningSnapshot.objects.filter(target=target).order_by("-period_start").first()
    if snapshot is None or snapshot.level != WarningSnapshot.Level.RED or not snapshot.red_since:
        return False
    if explanations is not None:
        return not any(e.red_since == snapshot.red_since for e in explanations)
    return not WarningExplanation.objects.filter(
        target=target, red_since=snapshot.red_since
    ).exists()


def explanations_of_target(target: Target) -> list[WarningExplanation]:
    """The target's red-warning explanations, oldest first. By ``filed_at`` alone: ordering by the
    target as well (the model's default) joined the target, its year and aspect to sort rows that
    all share one target."""
    return list(
        WarningExplanation.objects.filter(target=target)
        .select_related("filed_by")
        .order_by("filed_at", "id")
    )


# --- the targets list's filters (registered in apps.py through targets.extensions) -------------


def annotate_warning_level(qs: QuerySet[Target]) -> QuerySet[Target]:
    """``warning_level``: the level of the target's latest period (None before execution)."""
    return qs.annotate(warning_level=latest_level_subquery())


def filter_by_warning_level(qs: QuerySet[Target], level: str) -> QuerySet[Target]:
    return qs.annotate(_warning_level=latest_level_subquery()).filter(_warning_level=level)


def _filed_main_report(period_starts):
    return ProgressReport.objects.filter(
        target=OuterRef("pk"),
        department=OuterRef("lead_department"),
        period_start__in=period_starts,
        state__in=FILED_STATES,
    )


def filter_by_report_status(qs: QuerySet[Target], status: str) -> QuerySet[Target]:
    """``due``: the lead department owes a report for a period whose deadline has not passed;
    ``late``: a period's report is past its deadline and still not filed. Periods depend on the
    year, so the condition is built per executing plan year (a handful), not per target."""
    today = clock.today()
    condition = Q(pk__in=[])
    for plan_year in PlanYear.objects.filter(targets__in=qs.values("pk")).distinct():
        wanted = (
            periods.open_periods(plan_year, today)
            if status == "due"
            else periods.overdue_periods(plan_year, today)
        )
        for period in wanted:
            missing = ~Exists(_filed_main_report([period.start]))
            condition |= Q(plan_year=plan_year) & missing
    return qs.filter(state=Target.State.EXECUTING).filter(condition)


# --- the department's to-do list ---------------------------------------------------------------


@dataclass
class TodoRow:
    target: Target
    department_id: int
    department_name: str
    kind: str
    period: periods.Period
    due_date: object
    report_id: int | None  # the unfiled report already started (draft, returned), if any
    report_state: str | None
    overdue: bool

    @property
    def status_label(self):
        if self.report_state is None:
            return _("未填报")
        return ProgressReport.State(self.report_state).label


def todo_rows(user) -> list[TodoRow]:
    """Every report the user's departments owe now (Art. 14): for each executing target they
    lead or cooperate on, each period that has started and whose report is not yet filed — the
    overdue ones first. Three queries whatever the number of targets."""
    access = access_for(user)
    members = access.member_departments
    if not members:
        return []
    today = clock.today()
    coop_rows = list(
        TargetDepartment.objects.filter(
            department_id__in=members,
            role=TargetDepartment.Role.COOPERATING,
            target__state=Target.State.EXECUTING,
        ).values_list("target_id", "department_id")
    )
    coop_by_target: dict[int, list[int]] = {}
    for target_id, dept_id in coop_rows:
        coop_by_target.setdefault(target_id, []).append(dept_id)
    targets = list(
        Target.objects.filter(state=Target.State.EXECUTING)
        .filter(Q(lead_department_id__in=members) | Q(pk__in=list(coop_by_target)))
        .select_related("plan_year", "lead_department")
        .order_by("code")
    )
    # Tuples, not model instances: a department's targets have hundreds of reports over the
    # year, and building (state-tracking) ProgressReport objects cost more than the query.
    reports = {
        (target_id, dept_id, start): (pk, state)
        for pk, target_id, dept_id, start, state in ProgressReport.objects.filter(
            target__in=[t.pk for t in targets], department_id__in=members
        ).values_list("pk", "target_id", "department_id", "period_start", "state")
    }
    names = dict(Department.objects.filter(pk__in=members).values_list("pk", "name"))
    return owed_rows(targets, coop_by_target, reports, members=members, today=today, names=names)


def owed_rows(targets, coop_by_target, reports, *, members, today, names=None) -> list[TodoRow]:
    """``todo_rows``' rule on rows already read (the department home reads them its own way):
    ``targets`` executing, ordered by code; ``coop_by_target`` the members cooperating on each;
    ``reports`` ``(target, department, period start) → (pk, state)``."""
    names = names or {}
    # The periods and due dates of a plan year, worked out once for all its targets (a due
    # date reads the working-day calendar).
    schedules: dict[int, list] = {}
    rows = []
    for target in targets:
        owing = []
        if target.lead_department_id in members:
            owing.append((target.lead_department_id, ProgressReport.Kind.MAIN))
        owing += [(d, ProgressReport.Kind.COOPERATING) for d in coop_by_target.get(target.pk, ())]
        if target.plan_year_id not in schedules:
            schedules[target.plan_year_id] = [
                (period, periods.report_due_date(target.plan_year, period))
                for period in periods.started_periods(target.plan_year, today)
            ]
        for period, due in schedules[target.plan_year_id]:
            for dept_id, kind in owing:
                report_id, state = reports.get((target.pk, dept_id, period.start), (None, None))
                if state in FILED_STATES:
                    continue
                rows.append(
                    TodoRow(
                        target=target,
                        department_id=dept_id,
                        department_name=names.get(dept_id, ""),
                        kind=kind,
                        period=period,
                        due_date=due,
                        report_id=report_id,
                        report_state=state,
                        overdue=due < today,
                    )
                )
    rows.sort(key=lambda r: (not r.overdue, r.due_date, r.target.code))
    return rows


def overdue_milestones(user) -> list[Milestone]:
    """The node targets of the executing targets the user's departments lead that are past
    their due date without a result (issue 16 item 3: 逾期, decided by ``Milestone.overdue_q``),
    the oldest first. One query."""
    members = access_for(user).member_departments
    if not members:
        return []
    return list(
        Milestone.objects.filter(
            Milestone.overdue_q(clock.today()),
            target__lead_department_id__in=members,
            target__state=Target.State.EXECUTING,
        )
        .select_related("target")
        .order_by("due_date", "target__code", "quarter")
    )
