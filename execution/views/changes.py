"""Pages for adjustments (Art. 12), coordination (Art. 16–17) and completion review (Art. 14),
and the target page's sections for them (registered in ``execution.apps``).

Thin views: read through ``execution.selectors.changes``, ask ``execution.permissions.changes``
what to offer (the records' transitions), change things only through ``execution.services``.
What the reader may not see is 404; what a service refuses is rendered by
``workflow.pages`` (403 page, form errors, or a message and a redirect).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from targets import selectors as target_selectors
from targets.extensions import may_have
from targets.models import Target
from workflow.events import present_changes
from workflow.pages import form_errors, paginate, redirect_on_error

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
from .decisions import decide, evidence_response, request_form, state_list


def diff_rows(changes: dict) -> list[dict]:
    """An adjustment's ``{field: [before, after]}`` as the page shows it: field, before, after."""
    return present_changes(Target, changes)


# --- target page sections -----------------------------------------------------------------


def adjustments_section(request, target):
    """调整记录 on the target page: every request with its diff; the head's link to ask, the
    office's decision forms."""
    user = request.user
    requests = []
    if may_have(target, "adjustments"):
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
            (r, diff_rows(r.changes), bool(perms.adjustment_decisions(r, user))) for r in requests
        ],
        "can_request": can_request,
        "decision_form": DecisionForm(),
    }


def coordination_section(request, target):
    user = request.user
    items = []
    if may_have(target, "coordination_items"):
        items = list(
            selectors.coordination_list(user).filter(target=target).order_by("-created_at", "-id")
        )
    can_raise = perms.may_raise_coordination(target, user)
    if not items and not can_raise:
        return None
    return {"target": target, "items": items, "can_raise": can_raise}


def completion_section(request, target):
    user = request.user
    reports = []
    if may_have(target, "completion_reports"):
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
        "reports": [(r, bool(perms.completion_decisions(r, user))) for r in reports],
        "can_file": can_file,
        "form": CompletionForm(),
        "decision_form": DecisionForm(),
    }


# --- adjustments --------------------------------------------------------------------------


@login_required
def adjustment_list(request):
    """Open requests first: the office's queue, a department's own, a vice-mayor's portfolio."""
    return state_list(
        request,
        selectors.adjustment_list(request.user).order_by("-requested_at", "-id"),
        states=AdjustmentRequest.State,
        template="execution/adjustment_list.html",
    )


@login_required
def adjustment_create(request, target_pk):
    user = request.user
    target = get_object_or_404(target_selectors.target_detail_queryset(user), pk=target_pk)
    adjustments.require_requester(target, user)
    form = AdjustmentForm(request.POST or None, request.FILES or None, target=target)
    return request_form(
        request,
        form,
        lambda data: adjustments.adjustment_request_create(
            target=target,
            by=user,
            kind=data.get("kind") or "",
            reason=data.get("reason") or "",
            explanation=data.get("explanation") or "",
            attachment=data.get("attachment"),
            proposed=form.proposed() if data.get("kind") == "change" else {},
        ),
        done=_("调整申请已提交，等待目标办审批。"),
        detail="execution:adjustment_detail",
        template="execution/adjustment_form.html",
        context={"target": target},
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
            "stale_figures": selectors.stale_figures(adjustment),
            "can_decide": bool(perms.adjustment_decisions(adjustment, user)),
            "decision_form": DecisionForm(),
        },
    )


def _adjustment_back(request, pk, **kwargs):
    """Back to the page the decision was posted from (``next``), else the request's page."""
    back = request.POST.get("next")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("execution:adjustment_detail", args=[pk])


@login_required
@require_POST
@redirect_on_error(_adjustment_back)
def adjustment_decide(request, pk, decision):
    adjustment = get_object_or_404(selectors.visible_adjustments(request.user), pk=pk)
    decide(
        request,
        adjustment,
        decision,
        services={
            "approve": adjustments.adjustment_request_approve,
            "reject": adjustments.adjustment_request_reject,
        },
        record_argument="adjustment",
        done={
            "approve": _("调整申请已批准，目标已按申请调整。"),
            "reject": _("调整申请未予批准。"),
        },
    )
    return redirect(_adjustment_back(request, pk))


@login_required
def adjustment_attachment(request, pk):
    return evidence_response(get_object_or_404(selectors.visible_adjustments(request.user), pk=pk))


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
    page, querystring = paginate(request, qs)
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
    coordination.require_may_raise(target, user)
    form = CoordinationForm(request.POST or None, target=target)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form) as outcome:
                item = coordination.coordination_item_raise(
                    target=target,
                    by=user,
                    subject=data.get("subject") or "",
                    description=data.get("description") or "",
                    departments=list(data.get("departments") or []),
                    due_date=data.get("due_date"),
                )
            if not outcome.failed:
                messages.success(request, _("需协调事项已提出。"))
                return redirect("execution:coordination_detail", pk=item.pk)
            status = outcome.status
    return render(
        request,
        "execution/coordination_form.html",
        {"target": target, "form": form, "errors": form.non_field_errors()},
        status=status,
    )


def _coordination_context(item, user, *, sheet_form=None):
    involved = list(item.departments.all())
    sheet_departments = [item.raising_department, *involved]
    steps = perms.coordination_steps(item, user)
    return {
        "item": item,
        "target": item.target,
        "involved": involved,
        "duties": list(item.duties.select_related("department")),
        "thread": list(item.messages.select_related("author")),
        "target_visible": target_selectors.visible_targets(user).filter(pk=item.target_id).exists(),
        "can_escalate": "escalate" in steps,
        "can_resolve": "resolve" in steps,
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


def _coordination_page(request, pk, **kwargs):
    return reverse("execution:coordination_detail", args=[pk])


@login_required
@require_POST
@redirect_on_error(_coordination_page)
def coordination_act(request, pk, action):
    """The item page's buttons (the URLs name the four actions)."""
    user = request.user
    item = get_object_or_404(selectors.coordination_detail_queryset(user), pk=pk)
    form = TextForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("text", "")
    if action == "escalate":
        coordination.coordination_item_escalate(item=item, by=user, comment=text)
        done = _("已提请分管市领导协调。")
    elif action == "resolve":
        coordination.coordination_item_resolve(item=item, by=user, resolution=text)
        done = _("协调事项已解决。")
    elif action == "message":
        coordination.coordination_message_add(item=item, by=user, body=text)
        done = _("意见已发表。")
    else:
        sheet = CoordinationSheetForm(
            request.POST,
            item=item,
            departments=[item.raising_department, *item.departments.all()],
        )
        sheet.is_valid()
        coordination.coordination_sheet_set(item=item, by=user, duties=sheet.duties())
        done = _("工作协调单已下发。")
    messages.success(request, done)
    return redirect("execution:coordination_detail", pk=item.pk)


# --- completion ---------------------------------------------------------------------------


@login_required
def completion_list(request):
    """Completion reports: those awaiting the office's review first (Art. 14)."""
    return state_list(
        request,
        selectors.completion_list(request.user).order_by("-submitted_at", "-id"),
        states=CompletionReport.State,
        template="execution/completion_list.html",
        default="submitted",
    )


def _completion_section(target_id) -> str:
    return reverse("targets:target_detail", args=[target_id]) + "#completion"


@login_required
@require_POST
@redirect_on_error(lambda request, target_pk: _completion_section(target_pk))
def completion_file(request, target_pk):
    user = request.user
    target = get_object_or_404(target_selectors.visible_targets(user), pk=target_pk)
    form = CompletionForm(request.POST, request.FILES)
    form.is_valid()
    data = form.cleaned_data
    completion.completion_report_file(
        target=target,
        by=user,
        summary=data.get("summary", ""),
        actual_value=data.get("actual_value") or None,
        evidence=data.get("evidence"),
    )
    messages.success(request, _("办结报告已报送，等待目标办审核。"))
    return redirect(_completion_section(target.pk))


def _report_section(request, pk, **kwargs):
    """The completion section of the report's target (the list, if the report is unreadable)."""
    target_id = (
        selectors.visible_completion_reports(request.user)
        .filter(pk=pk)
        .values_list("target_id", flat=True)
        .first()
    )
    if target_id is None:
        return reverse("execution:completion_list")
    return _completion_section(target_id)


@login_required
@require_POST
@redirect_on_error(_report_section)
def completion_review(request, pk, decision):
    report = get_object_or_404(selectors.visible_completion_reports(request.user), pk=pk)
    decide(
        request,
        report,
        decision,
        services={
            "accept": completion.completion_report_accept,
            "return": completion.completion_report_return,
        },
        record_argument="report",
        done={"accept": _("办结审核通过，目标已办结。"), "return": _("办结报告已退回。")},
    )
    return redirect(_completion_section(report.target_id))


@login_required
def completion_evidence(request, pk):
    report = get_object_or_404(selectors.visible_completion_reports(request.user), pk=pk)
    return attachment_response(report.evidence, display_name=report.evidence_name)
