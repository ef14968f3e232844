"""The verifiers' review queue (审核队列) of progress reports, and the head's list of what waits
for their 报送 (issue 19 items 1–2). Reads only: querysets filtered to the reader, one query for
a page however many reports wait (Shanghai Art. 14: the general office checks every report)."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.access import Role, access_for
from accounts.models import Department
from targets.models import PlanYear
from workflow.errors import NotPermitted

from .. import periods
from ..models import ProgressReport, QuarterlyReport, WarningSnapshot
from ..permissions import progress as perms
from .progress import report_detail_queryset


@dataclass
class QueueFilters:
    """What the office narrowed the queue to; every field optional."""

    plan_year: PlanYear | None = None
    period_start: datetime.date | None = None
    department_id: int | None = None
    warning: str = ""
    late: bool | None = None
    kind: str = ""


def require_verifier(user) -> None:
    if not perms.is_verifier(user):
        raise NotPermitted(_("只有目标办或督查室可以使用进展报告审核队列。"))


def review_queue(user, filters: QueueFilters | None = None) -> QuerySet[ProgressReport]:
    """Every report awaiting 审核 (已报送) the user may read, the earliest due first, with the
    target's latest warning level as ``warning_level``; ``NotPermitted`` for anyone but the
    general office and the supervision office."""
    require_verifier(user)
    filters = filters or QueueFilters()
    qs = report_detail_queryset(user).filter(state=ProgressReport.State.SUBMITTED)
    if filters.plan_year is not None:
        qs = qs.filter(target__plan_year=filters.plan_year)
    if filters.period_start is not None:
        qs = qs.filter(period_start=filters.period_start)
    if filters.department_id:
        qs = qs.filter(department_id=filters.department_id)
    if filters.kind in ProgressReport.Kind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.late is not None:
        qs = qs.filter(is_late=filters.late)
    qs = qs.annotate(warning_level=report_level_subquery())
    if filters.warning in WarningSnapshot.Level.values:
        qs = qs.filter(warning_level=filters.warning)
    # The evidence list is not shown in the queue: no prefetch.
    return qs.prefetch_related(None).order_by("due_date", "target__code", "kind", "pk")


def report_level_subquery():
    """The latest warning level of the report's target (as ``latest_level_subquery`` of the
    targets list, keyed on the report's target)."""
    return Subquery(
        WarningSnapshot.objects.filter(target=OuterRef("target_id"))
        .order_by("-period_start")
        .values("level")[:1]
    )


def queue_choices(plan_year: PlanYear | None) -> dict:
    """The filter choices of the queue page: the year's periods and the departments (one query:
    the departments; the periods are computed)."""
    return {
        "periods": periods.periods_of(plan_year) if plan_year else [],
        "departments": list(
            Department.objects.exclude(kind=Department.Kind.GOVERNMENT)
            .order_by("sort_order", "code")
            .values_list("pk", "name")
        ),
    }


def reports_by_ids(user, ids) -> list[ProgressReport]:
    """The queue's reports among ``ids`` (the office ticked them), in queue order."""
    return list(review_queue(user).filter(pk__in=list(ids)))


# --- the head's 待我报送 (issue 19 item 2) ---------------------------------------------------


def head_departments(user) -> set[int]:
    return set(access_for(user).departments_with(Role.HEAD))


def reports_ready_to_submit(user) -> QuerySet[ProgressReport]:
    """The progress reports the head's departments have saved and not yet sent (填报中, or
    returned and corrected), the earliest due first (Art. 15: the head signs them off)."""
    departments = head_departments(user)
    return (
        ProgressReport.objects.filter(
            department_id__in=departments, state__in=ProgressReport.EDITABLE_STATES
        )
        .select_related("target", "department")
        .order_by("due_date", "target__code", "pk")
    )


def quarterly_ready_to_submit(user) -> QuerySet[QuarterlyReport]:
    """The quarterly reports (季度报告, Art. 17) of the head's departments still in draft."""
    return (
        QuarterlyReport.objects.filter(
            department_id__in=head_departments(user), state=QuarterlyReport.State.DRAFT
        )
        .select_related("plan_year", "department")
        .order_by("plan_year__year", "quarter", "pk")
    )


def reports_saved_by_department(user) -> QuerySet[ProgressReport]:
    """For staff: the same list for their departments (read-only: the head submits)."""
    return (
        ProgressReport.objects.filter(
            department_id__in=access_for(user).member_departments,
            state__in=ProgressReport.EDITABLE_STATES,
        )
        .select_related("target", "department")
        .order_by("due_date", "target__code", "pk")
    )


def quarterly_saved_by_department(user) -> QuerySet[QuarterlyReport]:
    return (
        QuarterlyReport.objects.filter(
            department_id__in=access_for(user).member_departments,
            state=QuarterlyReport.State.DRAFT,
        )
        .select_related("plan_year", "department")
        .order_by("plan_year__year", "quarter", "pk")
    )
