"""Shared by the supervision pages: the forbidden page, the default year, list filtering and
pagination, and the timeline of a supervision record."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from targets.models import PlanYear, Target

PAGE_SIZE = 50

TRANSITION_LABELS = {
    "reply": _("答复"),
    "close": _("办结"),
    "send_back": _("退回重办"),
    "extend": _("延期"),
    "mark_replied": _("答复"),
    "file_plan": _("报送整改方案"),
    "report_rectified": _("报送整改情况"),
    "verify": _("验收通过"),
    "reject": _("验收不通过"),
    "report": _("检查报告"),
}


def forbidden(request, message):
    return render(request, "targets/forbidden.html", {"message": message}, status=403)


def default_plan_year() -> PlanYear | None:
    """The year supervision works on: the newest year with targets being carried out, else the
    newest year."""
    year = PlanYear.objects.filter(targets__state=Target.State.EXECUTING).order_by("-year").first()
    return year or PlanYear.objects.order_by("-year").first()


def apply_filters(qs, form, *, department_field, search_fields, overdue=True):
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data.get("year"):
        qs = qs.filter(plan_year__year=data["year"])
    if data.get("state"):
        qs = qs.filter(state=data["state"])
    if data.get("kind"):
        qs = qs.filter(**{form.kind_field: data["kind"]})
    if data.get("department"):
        qs = qs.filter(**{department_field: data["department"]})
    if overdue and data.get("overdue"):
        qs = qs.filter(is_overdue=True)
    if data.get("q"):
        condition = Q()
        for name in search_fields:
            condition |= Q(**{f"{name}__icontains": data["q"]})
        qs = qs.filter(condition)
    return qs.distinct() if data.get("department") and "__" in department_field else qs


def page_of(request, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def timeline(obj, states: dict):
    """The record's audit events, oldest first. A step about several targets is written once per
    target (so each target's timeline shows it); here it is shown once."""
    items, seen = [], set()
    for event in AuditEvent.objects.for_object(obj).select_related(None):
        key = (
            event.actor_id,
            event.action,
            event.transition,
            event.comment,
            repr(event.changes),
            event.from_state,
            event.to_state,
            event.occurred_at.replace(microsecond=0),
        )
        if key in seen:
            continue
        seen.add(key)
        items.append(
            {
                "event": event,
                "label": TRANSITION_LABELS.get(event.transition, event.get_action_display()),
                "from_state": states.get(event.from_state, event.from_state),
                "to_state": states.get(event.to_state, event.to_state),
                "changes": [
                    {"name": name, "before": _plain(pair[0]), "after": _plain(pair[1])}
                    for name, pair in (event.changes or {}).items()
                    if isinstance(pair, list) and len(pair) == 2
                ],
            }
        )
    return items


# Audit rows of supervision records name their items in Chinese (they also show on the
# target's timeline, whose labels are the target's own fields); accountability rows use
# field names.
FIELD_LABELS = {
    "督办类别": _("督办类别"),
    "督办事项": _("督办事项"),
    "督办要求": _("督办要求"),
    "承办部门": _("承办部门"),
    "办理时限": _("办理时限"),
    "责任领导": _("责任领导"),
    "答复部门": _("答复部门"),
    "佐证材料": _("佐证材料"),
    "问题来源": _("问题来源"),
    "问题": _("问题"),
    "责任单位": _("责任单位"),
    "牵头领导": _("牵头领导"),
    "整改时限": _("整改时限"),
    "检查类别": _("检查类别"),
    "检查名称": _("检查名称"),
    "被检查部门": _("被检查部门"),
    "检查人员": _("检查人员"),
    "检查报告": _("检查报告"),
    "结束日期": _("结束日期"),
    "来源": _("来源"),
    "编号": _("编号"),
    "内容摘要": _("内容摘要"),
    "涉及部门": _("涉及部门"),
    "plan_year": _("考评年度"),
    "department": _("被问责部门"),
    "category": _("问责类别"),
    "occurred_on": _("问责日期"),
    "reference": _("文号"),
    "description": _("情况说明"),
}


def label_changes(items):
    for item in items:
        for change in item["changes"]:
            change["label"] = FIELD_LABELS.get(change["name"], change["name"])
    return items
