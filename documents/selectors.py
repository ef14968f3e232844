"""Reads for documents: the same selectors and filters as the pages, joined for a whole
document at once (a fixed number of queries whatever the number of targets)."""

from django.db.models import Prefetch, QuerySet
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
    return table_targets(target_selectors.target_list(user, plan_year=plan_year))


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
