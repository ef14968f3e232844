"""Pages for late corrections of verified progress reports (更正申请, Shanghai Art. 14): ask (the
reporting department's head), the office's list, one request's page with its decision. Thin:
``execution.services.corrections`` decides; refusals go through ``workflow.pages``."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workflow.pages import redirect_on_error

from ..forms.changes import DecisionForm
from ..forms.corrections import CorrectionForm
from ..models import ProgressCorrection
from ..permissions import corrections as perms
from ..selectors import corrections as selectors
from ..selectors.progress import report_detail_queryset
from ..services import corrections as services
from .decisions import decide, evidence_response, request_form, state_list


@login_required
def correction_list(request):
    """Pending requests first by default: the office's queue; a department's own."""
    return state_list(
        request,
        selectors.correction_list(request.user).order_by("-requested_at", "-id"),
        states=ProgressCorrection.State,
        template="execution/correction_list.html",
    )


@login_required
@redirect_on_error("execution:report_detail")
def correction_create(request, pk):
    user = request.user
    report = get_object_or_404(report_detail_queryset(user), pk=pk)
    services.require_requester(report, user)
    refusal = services.correction_refusal(report)
    return request_form(
        request,
        CorrectionForm(request.POST or None, request.FILES or None, report=report),
        lambda data: services.correction_request_create(
            report=report,
            by=user,
            new_value=data.get("new_value"),
            new_percent=data.get("new_percent"),
            reason=data.get("reason") or "",
            evidence=data.get("evidence"),
        ),
        done=_("更正申请已提交，等待目标办审批。"),
        detail="execution:correction_detail",
        template="execution/correction_form.html",
        context={"report": report, "target": report.target},
        errors=[refusal] if refusal else [],
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
    decide(
        request,
        correction,
        decision,
        services={"approve": services.correction_approve, "reject": services.correction_reject},
        record_argument="correction",
        done={
            "approve": _("更正申请已批准，进展报告的审核值已更正，预警将重新计算。"),
            "reject": _("已不予更正，进展报告保持原审核值。"),
        },
    )
    return redirect("execution:correction_detail", pk=correction.pk)


@login_required
def correction_evidence(request, pk):
    return evidence_response(get_object_or_404(selectors.visible_corrections(request.user), pk=pk))
