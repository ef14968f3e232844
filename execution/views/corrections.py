"""Pages for late corrections of verified progress reports (更正申请, Shanghai Art. 14): ask (the
reporting department's head), the office's list, one request's page with its decision. Thin:
``execution.services.corrections`` decides; refusals go through ``workflow.pages``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workflow.pages import form_errors, paginate, redirect_on_error

from ..files import attachment_response
from ..forms.changes import DecisionForm
from ..forms.corrections import CorrectionForm
from ..models import ProgressCorrection
from ..permissions import corrections as perms
from ..selectors import corrections as selectors
from ..selectors.progress import report_detail_queryset
from ..services import corrections as services


@login_required
def correction_list(request):
    """Pending requests first by default: the office's queue; a department's own."""
    state = request.GET.get("state", "pending")
    qs = selectors.correction_list(request.user).order_by("-requested_at", "-id")
    if state in ProgressCorrection.State.values:
        qs = qs.filter(state=state)
    page, querystring = paginate(request, qs)
    return render(
        request,
        "execution/correction_list.html",
        {
            "page_obj": page,
            "querystring": querystring,
            "state": state,
            "states": ProgressCorrection.State.choices,
        },
    )


@login_required
@redirect_on_error("execution:report_detail")
def correction_create(request, pk):
    user = request.user
    report = get_object_or_404(report_detail_queryset(user), pk=pk)
    services.require_requester(report, user)
    refusal = services.correction_refusal(report)
    form = CorrectionForm(request.POST or None, request.FILES or None, report=report)
    errors = [refusal] if refusal else []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form) as outcome:
                correction = services.correction_request_create(
                    report=report,
                    by=user,
                    new_value=data.get("new_value"),
                    new_percent=data.get("new_percent"),
                    reason=data.get("reason") or "",
                    evidence=data.get("evidence"),
                )
            if not outcome.failed:
                messages.success(request, _("更正申请已提交，等待目标办审批。"))
                return redirect("execution:correction_detail", pk=correction.pk)
            status = outcome.status
            errors = list(dict.fromkeys([outcome.message, *form.non_field_errors()]))
    return render(
        request,
        "execution/correction_form.html",
        {"report": report, "target": report.target, "form": form, "errors": errors},
        status=status,
    )


@login_required
def correction_detail(request, pk):
    user = request.user
    correction = get_object_or_404(selectors.correction_list(user), pk=pk)
    return render(
        request,
        "execution/correction_detail.html",
        {
            "correction": correction,
            "report": correction.report,
            "target": correction.report.target,
            "can_decide": bool(perms.correction_decisions(correction, user)),
            "decision_form": DecisionForm(),
        },
    )


def _back_to_request(request, pk, **kwargs):
    return reverse("execution:correction_detail", args=[pk])


@login_required
@require_POST
@redirect_on_error(_back_to_request)
def correction_decide(request, pk, decision):
    correction = get_object_or_404(selectors.visible_corrections(request.user), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    service = {"approve": services.correction_approve, "reject": services.correction_reject}
    service[decision](
        correction=correction, by=request.user, comment=form.cleaned_data.get("comment", "")
    )
    messages.success(
        request,
        _("更正申请已批准，进展报告的审核值已更正，预警将重新计算。")
        if decision == "approve"
        else _("已不予更正，进展报告保持原审核值。"),
    )
    return redirect("execution:correction_detail", pk=correction.pk)


@login_required
def correction_evidence(request, pk):
    correction = get_object_or_404(selectors.visible_corrections(request.user), pk=pk)
    return attachment_response(correction.evidence, display_name=correction.evidence_name)
