"""Pages for adjustments (Art. 12), coordination (Art. 16–17) and completion review (Art. 14),
and the target page's sections for them (registered in ``execution.apps``).

Thin views: read through ``execution.selectors.changes``, ask ``execution.permissions.changes``
what to offer, change things only through ``execution.services``. What the reader may not see
is 404; forbidden actions on what they see are 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import ApplicationError, NotPermitted, ValidationFailed
from targets import selectors as target_selectors
from targets.views import display_value, field_label

from ..extensions import coordination_sections
from ..files import attachment_response
from ..forms.changes import (
    AdjustmentForm,
    CompletionForm,
    CoordinationForm,
    CoordinationSheetForm,
    DecisionForm,
    TextForm,
)
from ..models import AdjustmentRequest, CompletionReport, CoordinationItem
from ..permissions import changes as perms
from ..selectors import changes as selectors
from ..services import adjustments, completion, coordination

PAGE_SIZE = 50


def _forbidden(request, message):
    return render(request, "targets/forbidden.html", {"message": message}, status=403)


def diff_rows(changes: dict) -> list[dict]:
    """An adjustment's ``{field: [before, after]}`` as the page shows it: field, before, after."""
    return [
        {
            "label": field_label(name),
            "before": display_value(name, pair[0]),
            "after": display_value(name, pair[1]),
        }
        for name, pair in (changes or {}).items()
        if isinstance(pair, list) and len(pair) == 2
    ]


def _page(request, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


# --- target page sections -----------------------------------------------------------------


def adjustments_section(request, target):
    """调整记录 on the target page: every request with its diff; the head's link to ask, the
    office's decision forms."""
    user = request.user
    requests = list(
        selectors.adjustment_list(user).filter(target=target).order_by("-requested_at", "-id")
    )
    can_request = perms.may_request_adjustment(target, user) and not any(
        r.state == "pending" for r in requests
    )
    if not requests and not can_request:
        return None
    return {
        "target": target,
        "items": [
            (r, diff_rows(r.changes), perms.may_decide_adjustment(r, user)) for r in requests
        ],
        "can_request": can_request,
        "decision_form": DecisionForm(),
    }


def coordination_section(request, target):
    user = request.user
    items = list(
        selectors.coordination_list(user).filter(target=target).order_by("-created_at", "-id")
    )
    can_raise = perms.may_raise_coordination(target, user)
    if not items and not can_raise:
        return None
    return {"target": target, "items": items, "can_raise": can_raise}


def completion_section(request, target):
    user = request.user
    reports = list(
        selectors.completion_list(user).filter(target=target).order_by("-submitted_at", "-id")
    )
    can_file = perms.may_file_completion(target, user) and not any(
        r.state == "submitted" for r in reports
    )
    if not reports and not can_file:
        return None
    return {
        "target": target,
        "reports": [(r, perms.may_review_completion(r, user)) for r in reports],
        "can_file": can_file,
        "form": CompletionForm(),
        "decision_form": DecisionForm(),
    }


# --- adjustments --------------------------------------------------------------------------


@login_required
def adjustment_list(request):
    """Open requests first: the office's queue, a department's own, a vice-mayor's portfolio."""
    state = request.GET.get("state", "pending")
    qs = selectors.adjustment_list(request.user).order_by("-requested_at", "-id")
    if state in AdjustmentRequest.State.values:
        qs = qs.filter(state=state)
    page, querystring = _page(request, qs)
    return render(
        request,
        "execution/adjustment_list.html",
        {
            "page_obj": page,
            "querystring": querystring,
            "state": state,
            "states": AdjustmentRequest.State.choices,
        },
    )


@login_required
def adjustment_create(request, target_pk):
    user = request.user
    target = get_object_or_404(target_selectors.target_detail_queryset(user), pk=target_pk)
    if not perms.speaks_for_lead(target, user):
        return _forbidden(request, _("只有牵头部门主要负责人可以申请调整目标。"))
    form = AdjustmentForm(request.POST or None, request.FILES or None, target=target)
    errors = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                adjustment = adjustments.adjustment_request_create(
                    target=target,
                    by=user,
                    kind=data.get("kind") or "",
                    reason=data.get("reason") or "",
                    explanation=data.get("explanation") or "",
                    attachment=data.get("attachment"),
                    proposed=form.proposed() if data.get("kind") == "change" else {},
                )
            except NotPermitted as exc:
                return _forbidden(request, exc.message)
            except ApplicationError as exc:
                errors = [exc.message, *form.add_service_errors(exc.field_errors)]
                status = 409 if exc.status_code == 409 else 400
            else:
                messages.success(request, _("调整申请已提交，等待目标办审批。"))
                return redirect("execution:adjustment_detail", pk=adjustment.pk)
    return render(
        request,
        "execution/adjustment_form.html",
        {"target": target, "form": form, "errors": errors},
        status=status,
    )


@login_required
def adjustment_detail(request, pk):
    user = request.user
    adjustment = get_object_or_404(selectors.adjustment_list(user), pk=pk)
    return render(
        request,
        "execution/adjustment_detail.html",
        {
            "adjustment": adjustment,
            "target": adjustment.target,
            "rows": diff_rows(adjustment.changes),
            "can_decide": perms.may_decide_adjustment(adjustment, user),
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def adjustment_decide(request, pk, decision):
    user = request.user
    adjustment = get_object_or_404(selectors.visible_adjustments(user), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    service = {
        "approve": adjustments.adjustment_request_approve,
        "reject": adjustments.adjustment_request_reject,
    }[decision]
    try:
        service(adjustment=adjustment, by=user, comment=comment)
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("调整申请已批准，目标已按申请调整。")
            if decision == "approve"
            else _("调整申请未予批准。"),
        )
    return redirect(_safe_back(request, reverse("execution:adjustment_detail", args=[pk])))


@login_required
def adjustment_attachment(request, pk):
    adjustment = get_object_or_404(selectors.visible_adjustments(request.user), pk=pk)
    return attachment_response(adjustment.attachment, display_name=adjustment.attachment_name)


def _safe_back(request, default):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- coordination -------------------------------------------------------------------------


@login_required
def coordination_list(request):
    """Unresolved items first (escalated, then open, by deadline)."""
    state = request.GET.get("state", "unresolved")
    qs = selectors.coordination_list(request.user)
    if state in CoordinationItem.State.values:
        qs = qs.filter(state=state)
    elif state == "unresolved":
        qs = qs.exclude(state=CoordinationItem.State.RESOLVED)
    qs = qs.annotate(
        rank=Case(
            When(state="escalated", then=Value(0)),
            When(state="open", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", "due_date", "id")
    page, querystring = _page(request, qs)
    return render(
        request,
        "execution/coordination_list.html",
        {
            "page_obj": page,
            "querystring": querystring,
            "state": state,
            "states": [
                ("unresolved", _("未解决")),
                *CoordinationItem.State.choices,
                ("all", _("全部")),
            ],
        },
    )


@login_required
def coordination_create(request, target_pk):
    user = request.user
    target = get_object_or_404(target_selectors.target_detail_queryset(user), pk=target_pk)
    if not perms.may_raise_coordination(target, user):
        return _forbidden(request, _("只有牵头部门可以为执行中的目标提出需协调事项。"))
    form = CoordinationForm(request.POST or None, target=target)
    errors = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = coordination.coordination_item_raise(
                    target=target,
                    by=user,
                    subject=data.get("subject") or "",
                    description=data.get("description") or "",
                    departments=list(data.get("departments") or []),
                    due_date=data.get("due_date"),
                )
            except NotPermitted as exc:
                return _forbidden(request, exc.message)
            except ValidationFailed as exc:
                for key, msgs in exc.field_errors.items():
                    for message in msgs:
                        if key in form.fields:
                            form.add_error(key, message)
                        else:
                            errors.append(message)
                if not exc.field_errors:
                    errors.append(exc.message)
            else:
                messages.success(request, _("需协调事项已提出。"))
                return redirect("execution:coordination_detail", pk=item.pk)
    return render(
        request,
        "execution/coordination_form.html",
        {"target": target, "form": form, "errors": errors},
        status=status,
    )


def _coordination_context(item, user, *, sheet_form=None):
    involved = list(item.departments.all())
    sheet_departments = [item.raising_department, *involved]
    return {
        "item": item,
        "target": item.target,
        "involved": involved,
        "duties": list(item.duties.select_related("department")),
        "thread": list(item.messages.select_related("author")),
        "target_visible": target_selectors.visible_targets(user).filter(pk=item.target_id).exists(),
        "can_escalate": perms.may_escalate_coordination(item, user),
        "can_resolve": perms.may_resolve_coordination(item, user),
        "can_write_sheet": perms.may_write_sheet(item, user),
        "can_post": perms.may_post_coordination_message(item, user, [d.pk for d in involved]),
        "sheet_form": sheet_form or CoordinationSheetForm(item=item, departments=sheet_departments),
        "text_form": TextForm(),
    }


@login_required
def coordination_detail(request, pk):
    item = get_object_or_404(selectors.coordination_detail_queryset(request.user), pk=pk)
    context = _coordination_context(item, request.user)
    # Later stages' sections (supervision's orders about this item), see execution/extensions.py.
    context["sections"] = coordination_sections(request, item)
    return render(request, "execution/coordination_detail.html", context)


@login_required
@require_POST
def coordination_act(request, pk, action):
    user = request.user
    item = get_object_or_404(selectors.coordination_detail_queryset(user), pk=pk)
    form = TextForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("text", "")
    try:
        if action == "escalate":
            coordination.coordination_item_escalate(item=item, by=user, comment=text)
            done = _("已提请分管市领导协调。")
        elif action == "resolve":
            coordination.coordination_item_resolve(item=item, by=user, resolution=text)
            done = _("协调事项已解决。")
        elif action == "message":
            coordination.coordination_message_add(item=item, by=user, body=text)
            done = _("意见已发表。")
        elif action == "sheet":
            sheet = CoordinationSheetForm(
                request.POST,
                item=item,
                departments=[item.raising_department, *item.departments.all()],
            )
            sheet.is_valid()
            coordination.coordination_sheet_set(item=item, by=user, duties=sheet.duties())
            done = _("工作协调单已下发。")
        else:
            return _forbidden(request, _("不支持的操作。"))
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        details = [m for msgs in exc.field_errors.values() for m in msgs]
        messages.error(request, "；".join([exc.message, *details]) if details else exc.message)
    else:
        messages.success(request, done)
    return redirect("execution:coordination_detail", pk=item.pk)


# --- completion ---------------------------------------------------------------------------


@login_required
def completion_list(request):
    """Completion reports: those awaiting the office's review first (Art. 14)."""
    state = request.GET.get("state", "submitted")
    qs = selectors.completion_list(request.user).order_by("-submitted_at", "-id")
    if state in CompletionReport.State.values:
        qs = qs.filter(state=state)
    page, querystring = _page(request, qs)
    return render(
        request,
        "execution/completion_list.html",
        {
            "page_obj": page,
            "querystring": querystring,
            "state": state,
            "states": CompletionReport.State.choices,
        },
    )


@login_required
@require_POST
def completion_file(request, target_pk):
    user = request.user
    target = get_object_or_404(target_selectors.visible_targets(user), pk=target_pk)
    form = CompletionForm(request.POST, request.FILES)
    form.is_valid()
    data = form.cleaned_data
    try:
        completion.completion_report_file(
            target=target,
            by=user,
            summary=data.get("summary", ""),
            actual_value=data.get("actual_value") or None,
            evidence=data.get("evidence"),
        )
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        details = [m for msgs in exc.field_errors.values() for m in msgs]
        messages.error(request, "；".join(details) if details else exc.message)
    else:
        messages.success(request, _("办结报告已报送，等待目标办审核。"))
    return redirect(reverse("targets:target_detail", args=[target.pk]) + "#completion")


@login_required
@require_POST
def completion_review(request, pk, decision):
    user = request.user
    report = get_object_or_404(selectors.visible_completion_reports(user), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    service = {
        "accept": completion.completion_report_accept,
        "return": completion.completion_report_return,
    }[decision]
    try:
        service(report=report, by=user, comment=form.cleaned_data.get("comment", ""))
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("办结审核通过，目标已办结。") if decision == "accept" else _("办结报告已退回。"),
        )
    return redirect(reverse("targets:target_detail", args=[report.target_id]) + "#completion")


@login_required
def completion_evidence(request, pk):
    report = get_object_or_404(selectors.visible_completion_reports(request.user), pk=pk)
    return attachment_response(report.evidence, display_name=report.evidence_name)
