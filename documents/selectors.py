"""Reads for documents: the same selectors and filters as the pages, joined for a whole
document at once (a fixed number of queries whatever the number of targets)."""

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import QueryDict

from accounts.models import Department
from targets import selectors as target_selectors
from targets.forms import TargetFilterForm
from targets.models import Milestone, PlanYear, Target, TargetDepartment

from .models import DocumentJob

TABLE_PREFETCH = (
    Prefetch("milestones", queryset=Milestone.objects.order_by("quarter", "due_date", "id")),
    Prefetch(
        "departments",
        queryset=TargetDepartment.objects.select_related("department").order_by("role", "id"),
    ),
    "cooperating_leaders",
)


def plan_year_for(query) -> PlanYear | None:
    """The plan year a list's query string names (``year=2027``), else the current one — the
    rule of the target list page."""
    wanted = str(query.get("year") or "")
    if wanted.isdigit():
        return PlanYear.objects.filter(year=int(wanted)).first()
    return target_selectors.current_plan_year()


def filtered_targets(user, query) -> tuple[PlanYear | None, QuerySet[Target]]:
    """The targets of the list page for this query string, filtered by the page's own filter
    form (``targets.forms.TargetFilterForm``): what the user sees is what is exported."""
    if not isinstance(query, QueryDict):
        data = QueryDict(mutable=True)
        for key, value in (query or {}).items():
            data.setlist(key, value if isinstance(value, list) else [value])
        query = data
    plan_year = plan_year_for(query)
    if plan_year is None:
        return None, Target.objects.none()
    query = query.copy()
    query.setdefault("year", str(plan_year.year))
    filters = TargetFilterForm(
        query,
        years=list(PlanYear.objects.all()),
        aspects=list(plan_year.aspects.all()),
        departments=list(Department.objects.filter(is_active=True)),
    )
    qs = filters.filter(target_selectors.target_list(user, plan_year=plan_year))
    return plan_year, qs


def table_targets(qs: QuerySet[Target]) -> QuerySet[Target]:
    """``qs`` joined for a list document: one row per target with node targets, departments
    and leaders."""
    return qs.select_related("lead_leader", "assisting_secretary").prefetch_related(*TABLE_PREFETCH)


# The target's own columns of a list export, read as plain values (no model instances).
RECORD_FIELDS = (
    "pk",
    "code",
    "aspect__name",
    "title",
    "content",
    "measures",
    "kind",
    "indicator",
    "unit",
    "baseline",
    "target_value",
    "direction",
    "weight",
    "lead_department__name",
    "lead_leader_id",
    "assisting_secretary_id",
    "dept_head_name",
    "dept_leader_in_charge",
    "dept_responsible_person",
    "is_key_work",
    "state",
)


def target_records(qs: QuerySet[Target]) -> list[dict]:
    """``qs`` as one plain record per target for a list export, with its node targets
    (``milestones``: quarter → (description, due date)), departments (``departments``: (role,
    name, task)) and leaders' names — five queries whatever the number of targets.

    Values, not model instances: building 10,000 targets with their 60,000 related objects
    through the ORM cost four times what openpyxl takes to write them (issue 20 item 3)."""
    from accounts.models import User

    records = list(qs.values(*RECORD_FIELDS))
    by_id = {r["pk"]: r for r in records}
    for record in records:
        record["milestones"] = {}
        record["departments"] = []
        record["cooperating_leaders"] = []
    ids = list(by_id)
    # Ordered as the pages order them; of two node targets in a quarter the later one counts.
    for target_id, quarter, description, due_date in (
        Milestone.objects.filter(target_id__in=ids)
        .order_by("quarter", "due_date", "id")
        .values_list("target_id", "quarter", "description", "due_date")
    ):
        by_id[target_id]["milestones"][quarter] = (description, due_date)
    for target_id, role, name, task in (
        TargetDepartment.objects.filter(target_id__in=ids)
        .order_by("role", "id")
        .values_list("target_id", "role", "department__name", "task")
    ):
        by_id[target_id]["departments"].append((role, name, task))
    through = Target.cooperating_leaders.through
    cooperating = list(
        through.objects.filter(target_id__in=ids).order_by("id").values_list("target_id", "user_id")
    )
    leader_ids = {user_id for _target, user_id in cooperating}
    for record in records:
        leader_ids.update(
            i for i in (record["lead_leader_id"], record["assisting_secretary_id"]) if i
        )
    # Names as the pages print them (User.__str__).
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=leader_ids)}
    for target_id, user_id in cooperating:
        by_id[target_id]["cooperating_leaders"].append(names.get(user_id, ""))
    for record in records:
        record["lead_leader"] = names.get(record["lead_leader_id"], "")
        record["assisting_secretary"] = names.get(record["assisting_secretary_id"], "")
    return records


def dossier_targets(user) -> QuerySet[Target]:
    """Readable targets with everything a dossier shows, in a fixed number of queries."""
    return (
        target_selectors.target_detail_queryset(user)
        .prefetch_related(
            "comments__author",
            "comments__author_department",
            "revisions__created_by",
        )
        .order_by("aspect__number", "code")
    )


def department_targets(user, *, department: Department, plan_year: PlanYear):
    """The targets a department leads in a year, as far as the user may read them."""
    return dossier_targets(user).filter(plan_year=plan_year, lead_department=department)


def ledger_targets(user, *, plan_year: PlanYear) -> QuerySet[Target]:
    """The ledger's rows, an execution ledger (issue 16 item 12): each target with its latest
    verified progress (``verified_value``, ``verified_percent``, ``verified_period_end``: the
    office's 审核值 of the lead department's last verified report, Art. 14) and its warning
    level (``warning_level``: the latest period's), read as subqueries of the one target query."""
    from execution.models import ProgressReport
    from execution.selectors.progress import annotate_warning_level

    verified = ProgressReport.objects.filter(
        target=OuterRef("pk"),
        kind=ProgressReport.Kind.MAIN,
        state=ProgressReport.State.VERIFIED,
    ).order_by("-period_start", "-id")
    targets = annotate_warning_level(target_selectors.target_list(user, plan_year=plan_year))
    return table_targets(targets).annotate(
        verified_value=Subquery(verified.values("verified_value")[:1]),
        verified_percent=Subquery(verified.values("verified_percent")[:1]),
        verified_period_end=Subquery(verified.values("period_end")[:1]),
    )


def my_jobs(user) -> QuerySet[DocumentJob]:
    """A user's own jobs: nobody else's job is visible (404), whatever their role."""
    return DocumentJob.objects.filter(requested_by=user)


def period_reports(user, *, plan_year: PlanYear, period_start, department: Department | None):
    """The progress reports of one period the user may read (execution's selector decides),
    filed ones only (a draft is not yet a report, Art. 14) — one department's, or (``None``)
    every department's — joined for the export: three queries whatever the number of rows."""
    from execution.models import ProgressReport, ReportEvidence
    from execution.selectors.progress import visible_reports

    qs = (
        visible_reports(user)
        .filter(target__plan_year=plan_year, period_start=period_start)
        .exclude(state=ProgressReport.State.DRAFT)
    )
    if department is not None:
        qs = qs.filter(department=department)
    return (
        qs.select_related("target", "department")
        .prefetch_related(Prefetch("evidence", queryset=ReportEvidence.objects.order_by("id")))
        .order_by("department__sort_order", "department_id", "target__code", "kind", "id")
    )
