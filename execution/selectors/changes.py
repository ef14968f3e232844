"""Reads for adjustments, coordination items and completion reports: querysets already joined
and filtered to the reader. What the reader may not see is 404, never another department's data.
"""

import re

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

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


def figure_pattern(value: str):
    """The figure as people write it in a sentence: 5.5 matches "5.5%" and "5.50", not "15.5"
    or "5.55"."""
    number = value.rstrip("0").rstrip(".") if "." in value else value
    zeros = "0*" if "." in number else r"(?:\.0+)?"
    return re.compile(rf"(?<![\d.]){re.escape(number)}{zeros}(?![\d])(?!\.\d)")


def stale_figures(adjustment: AdjustmentRequest) -> list[dict]:
    """Where the target's title and content — as the request leaves them — still state the target
    value it changes (issue 16 item 4): the office reads them before deciding, since a title that
    says 5.5% over a target value of 5.3 contradicts itself. ``[{"label", "parts": [(text, is_old_figure)]}]``,
    empty when the request does not change the target value or the text does not state it."""
    change = (adjustment.changes or {}).get("target_value")
    if not change or change[0] in (None, ""):
        return []
    pattern = figure_pattern(str(change[0]))
    target = adjustment.target
    proposed = adjustment.proposed or {}
    found = []
    for name, label in (("title", _("目标名称")), ("content", _("目标内容"))):
        # As the target will read once the request is approved (or reads, once approved).
        text = str(proposed[name]) if name in proposed else getattr(target, name)
        parts, last = [], 0
        for match in pattern.finditer(text or ""):
            parts += [(text[last : match.start()], False), (match.group(0), True)]
            last = match.end()
        if parts:
            found.append({"label": label, "parts": [*parts, (text[last:], False)]})
    return found
