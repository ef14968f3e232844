"""待我报送 (issue 19 item 2): what the department's staff saved and its head signs off (Shanghai
Art. 15: the head is the first responsible person) — progress reports and quarterly reports —
with batch 报送 behind a confirmation page. Staff see the same list, marked 已保存，待负责人报送.
Thin: the lists are ``selectors.queue``, the batch ``services.batch.reports_submit``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_for
from workflow.errors import NotPermitted
from workflow.pages import form_errors

from ..selectors import queue as selectors
from ..services import batch


def _ids(values) -> list[int]:
    found = []
    for value in values:
        try:
            found.append(int(value))
        except (TypeError, ValueError):
            continue
    return found


def _lists(user):
    """What waits for 报送 in the user's departments (the head's, or as staff the same list
    read-only: staff then see that it waits for the head)."""
    access = access_for(user)
    if not access.member_departments:
        raise NotPermitted(_("待我报送供部门填报员和主要负责人使用；您不属于任何部门。"))
    is_head = bool(selectors.head_departments(user))
    if is_head:
        return (
            is_head,
            selectors.reports_ready_to_submit(user),
            selectors.quarterly_ready_to_submit(user),
        )
    return (
        False,
        selectors.reports_saved_by_department(user),
        selectors.quarterly_saved_by_department(user),
    )


@login_required
def handoff(request):
    is_head, reports, quarterly = _lists(request.user)
    return render(
        request,
        "execution/handoff.html",
        {"is_head": is_head, "reports": list(reports), "quarterly": list(quarterly)},
    )


@login_required
@require_POST
def handoff_submit(request):
    """批量报送: the ticked reports are listed on a confirmation page first; only its button
    (``confirm``) submits them, all or none."""
    user = request.user
    is_head, reports, quarterly = _lists(user)
    if not is_head:
        raise NotPermitted(_("只有本部门主要负责人可以报送。"))
    progress_ids = _ids(request.POST.getlist("progress"))
    quarterly_ids = _ids(request.POST.getlist("quarterly"))
    chosen_reports = list(reports.filter(pk__in=progress_ids))
    chosen_quarterly = list(quarterly.filter(pk__in=quarterly_ids))
    context = {
        "reports": chosen_reports,
        "quarterly": chosen_quarterly,
        "count": len(chosen_reports) + len(chosen_quarterly),
        "error": "",
    }
    if not request.POST.get("confirm"):
        if not chosen_reports and not chosen_quarterly:
            messages.error(request, _("请先勾选要报送的报告。"))
            return redirect("execution:handoff")
        return render(request, "execution/handoff_confirm.html", context)
    with form_errors() as outcome:
        done = batch.reports_submit(
            progress_reports=chosen_reports,
            quarterly_reports=chosen_quarterly,
            progress_ids=request.POST.getlist("progress"),
            quarterly_ids=request.POST.getlist("quarterly"),
            by=user,
        )
    if outcome.failed:
        context["error"] = outcome.message
        return render(request, "execution/handoff_confirm.html", context, status=outcome.status)
    messages.success(request, _("已报送%(n)s份报告。") % {"n": len(done)})
    return redirect("execution:handoff")
