"""Signed-in pages of the self-evaluation reports published for comment (issue 21 item 4): the
general office approves reports for publication and moderates the comments; a department
answers the published comments on its own report. Thin: each action calls ``portal.reports``;
refusals are rendered by ``workflow.pages``."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_for
from evaluation.models import ScoreSheet
from workflow.errors import NotPermitted
from workflow.pages import paginate, redirect_on_error, requested_state

from . import permissions, reports, selectors
from .models import PublicComment

MODERATION_PAGE_SIZE = 20


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@login_required
def report_list(request):
    """The office: self-evaluations ready to publish, and every published report. A department:
    its own reports, with the published comments to answer."""
    access = access_for(request.user)
    is_office = permissions.may_approve_report(request.user)
    if not (is_office or access.member_departments):
        raise NotPermitted(_("只有目标办和部门可以管理自评报告公示。"))
    ready = selectors.sheets_ready_to_publish()[:200] if is_office else []
    published = selectors.reports_managed_by(request.user, is_office=is_office)
    to_answer = selectors.comments_to_answer(access.member_departments)
    return render(
        request,
        "portal/manage_reports.html",
        {
            "is_office": is_office,
            "ready": ready,
            "published": published[:200],
            "to_answer": to_answer[:100],
        },
    )


@login_required
@require_POST
@redirect_on_error("portal:manage_reports")
def report_approve(request):
    sheet = get_object_or_404(ScoreSheet, pk=request.POST.get("sheet") or 0)
    report = reports.report_approve(
        sheet=sheet,
        by=request.user,
        opens=_date(request.POST.get("opens", "")),
        closes=_date(request.POST.get("closes", "")),
        comment=request.POST.get("comment", ""),
    )
    messages.success(request, _("“%(r)s”已批准公示，评议期内公众可以评议。") % {"r": report})
    return redirect("portal:manage_reports")


@login_required
def moderation(request):
    """The office's moderation list: by state (待审核 first), paginated."""
    if not permissions.may_approve_report(request.user):
        raise NotPermitted(_("只有目标办可以审核公众评议。"))
    # No "all" tab here: an unknown state shows the queue.
    pending = PublicComment.State.PENDING
    state = requested_state(request, PublicComment.State, default=pending, unknown=pending)
    page, querystring = paginate(
        request, selectors.comments_in_moderation(state), per_page=MODERATION_PAGE_SIZE
    )
    return render(
        request,
        "portal/moderation.html",
        {
            "page_obj": page,
            "querystring": querystring,
            "state": state,
            "states": PublicComment.State.choices,
        },
    )


@login_required
@require_POST
@redirect_on_error(lambda request, **kwargs: reverse("portal:moderation"))
def comment_decide(request, pk: int, decision: str):
    if decision not in ("publish", "withhold"):
        raise Http404
    comment = get_object_or_404(PublicComment, pk=pk)
    if decision == "publish":
        reports.comment_publish(comment=comment, by=request.user)
        messages.success(request, _("评议已公开，并已登记为外部监督事项（公众评议）。"))
    else:
        reports.comment_withhold(
            comment=comment, by=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("评议不予公开。"))
    return redirect("portal:moderation")


@login_required
@require_POST
@redirect_on_error(lambda request, **kwargs: reverse("portal:manage_reports"))
def comment_answer(request, pk: int):
    comment = get_object_or_404(PublicComment, pk=pk)
    reports.comment_answer(comment=comment, by=request.user, answer=request.POST.get("answer", ""))
    messages.success(request, _("答复已公开。"))
    return redirect("portal:manage_reports")
