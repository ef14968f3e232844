"""Reads for adjustments, coordination items and completion reports: querysets already joined
and filtered to the reader. What the reader may not see is 404, never another department's data.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.access import access_for
from targets.selectors import visible_targets

from ..models import AdjustmentRequest, CompletionReport, CoordinationItem


def visible_adjustments(user) -> QuerySet[AdjustmentRequest]:
    """A target's adjustment requests are read by the readers of the target (its departments,
    the vice-mayors of its portfolio, the general office, supervision and auditors)."""
    qs = AdjustmentRequest.objects.all()
    if access_for(user).reads_everything:
        return qs
    return qs.filter(target__in=visible_targets(user))


def adjustment_list(user) -> QuerySet[AdjustmentRequest]:
    return visible_adjustments(user).select_related(
        "target__plan_year", "target__lead_department", "department", "requested_by", "decided_by"
    )


def visible_completion_reports(user) -> QuerySet[CompletionReport]:
    qs = CompletionReport.objects.all()
    if access_for(user).reads_everything:
        return qs
    return qs.filter(target__in=visible_targets(user))


def completion_list(user) -> QuerySet[CompletionReport]:
    return visible_completion_reports(user).select_related(
        "target__plan_year", "target__lead_department", "department", "submitted_by", "reviewed_by"
    )


def visible_coordination_items(user) -> QuerySet[CoordinationItem]:
    """Readers of the target, plus the departments asked to help (who may not otherwise read
    the target) and the vice-mayor it goes to (Art. 16)."""
    access = access_for(user)
    qs = CoordinationItem.objects.all()
    if access.reads_everything:
        return qs
    if access.user_id is None:
        return qs.none()
    visible = Q(target__in=visible_targets(user)) | Q(leader_id=access.user_id)
    if access.member_departments:
        visible |= Exists(
            CoordinationItem.departments.through.objects.filter(
                coordinationitem_id=OuterRef("pk"), department_id__in=access.member_departments
            )
        )
    return qs.filter(visible)


def coordination_list(user) -> QuerySet[CoordinationItem]:
    return (
        visible_coordination_items(user)
        .select_related(
            "target__plan_year", "target__lead_department", "raising_department", "leader"
        )
        .prefetch_related("departments")
    )


def coordination_detail_queryset(user) -> QuerySet[CoordinationItem]:
    return coordination_list(user).select_related("raised_by", "escalated_by", "resolved_by")
