"""Pages of the quarterly reports (季度报告) and the general office's summaries (季度汇总),
Shanghai Art. 17. Thin: parse the input, call a service, show the result; what a service
refuses is rendered by ``workflow.pages`` (403 page, or a message and back to the page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from targets.models import PlanYear
from workflow.errors import NotPermitted
from workflow.events import timeline
from workflow.pages import redirect_on_error

from ..models import QuarterlyReport
from ..permissions import quarterly as perms
from ..selectors import quarterly as selectors
from ..services import quarterly as services
from ..tasks.quarterly import draft_quarterly_reports


@login_required
def quarterly_list(request):
    state = request.GET.get("state", "")
    qs = selectors.quarterly_report_list(request.user)
    if state in QuarterlyReport.State.values:
        qs = qs.filter(state=state)
    return render(
        request,
        "execution/quarterly_list.html",
        {
            "reports": list(qs[:200]),
            "state": state,
            "states": QuarterlyReport.State.choices,
            "summaries": list(selectors.visible_summaries(request.user)[:8]),
            "can_draft": perms.may_draft(request.user),
            "years": list(PlanYear.objects.filter(status=PlanYear.Status.EXECUTING)),
        },
    )


@login_required
def quarterly_detail(request, pk):
    user = request.user
    report = get_object_or_404(selectors.quarterly_report_detail_queryset(user), pk=pk)
    return render(
        request,
        "execution/quarterly_detail.html",
        {
            "report": report,
            "items": list(report.items.all()),
            "instructions": list(report.instructions.all()),
            "actions": perms.report_actions(report, user),
        },
    )


@login_required
@require_POST
@redirect_on_error(lambda request, pk, action: reverse("execution:quarterly_detail", args=[pk]))
def quarterly_act(request, pk, action):
    user = request.user
    report = get_object_or_404(selectors.quarterly_report_detail_queryset(user), pk=pk)
    post = request.POST
    if action == "edit":
        narratives = {
            key.removeprefix("narrative_"): value
            for key, value in post.items()
            if key.startswith("narrative_")
        }
        services.quarterly_report_update(
            report=report,
            by=user,
            summary=post.get("summary", ""),
            next_steps=post.get("next_steps", ""),
            narratives=narratives,
        )
        done = _("季度报告已保存。")
    elif action == "submit":
        services.quarterly_report_submit(report=report, by=user)
        done = _("季度报告已报送目标办。")
    elif action == "forward":
        services.quarterly_report_forward(report=report, by=user)
        done = _("季度报告已转呈分管市领导。")
    elif action == "mark_read":
        services.quarterly_report_mark_read(report=report, by=user)
        done = _("已阅。")
    elif action == "instruct":
        services.quarterly_instruction_create(report=report, by=user, body=post.get("body"))
        done = _("批示已发送给部门。")
    elif action == "answer":
        instruction_id = post.get("instruction", "")
        if not instruction_id.isdigit():
            raise Http404
        instruction = get_object_or_404(report.instructions.all(), pk=instruction_id)
        services.quarterly_instruction_answer(
            instruction=instruction, by=user, answer=post.get("answer")
        )
        done = _("落实情况已答复。")
    else:
        raise NotPermitted(_("不支持的操作。"))
    messages.success(request, done)
    return redirect("execution:quarterly_detail", pk=report.pk)


@login_required
@require_POST
@redirect_on_error("execution:quarterly_list")
def quarterly_draft(request):
    """On demand: the general office drafts (or refreshes) a quarter now."""
    plan_year, quarter = services.quarterly_draft_request(
        by=request.user,
        plan_year_id=request.POST.get("plan_year") or "",
        quarter=request.POST.get("quarter"),
    )
    draft_quarterly_reports.delay(plan_year.pk, quarter)
    messages.success(request, _("已开始起草，稍后刷新查看。"))
    return redirect("execution:quarterly_list")


@login_required
def quarterly_summary(request, pk):
    summary = get_object_or_404(selectors.visible_summaries(request.user), pk=pk)
    return render(
        request,
        "execution/quarterly_summary.html",
        {
            "summary": summary,
            "figures": summary.figures,
            "actions": perms.summary_actions(summary, request.user),
            "timeline": timeline(selectors.history(summary), about=summary),
        },
    )


@login_required
@require_POST
@redirect_on_error(lambda request, pk, action: reverse("execution:quarterly_summary", args=[pk]))
def quarterly_summary_act(request, pk, action):
    summary = get_object_or_404(selectors.visible_summaries(request.user), pk=pk)
    if action == "edit":
        services.quarterly_summary_update(
            summary=summary, by=request.user, text=request.POST.get("text", "")
        )
        done = _("季度汇总已保存。")
    elif action == "publish":
        services.quarterly_summary_publish(summary=summary, by=request.user)
        done = _("季度汇总已印发。")
    else:
        raise NotPermitted(_("不支持的操作。"))
    messages.success(request, done)
    return redirect("execution:quarterly_summary", pk=summary.pk)
