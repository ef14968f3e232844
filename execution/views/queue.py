"""The verifiers' review queue of progress reports and its batch 审核 (issue 19 item 1; Shanghai
Art. 14). Thin: the queue is ``selectors.queue``, every verification ``services.batch`` — the
one-by-one service per report. A batch acts only from its confirmation page, on exactly the
reports that page listed."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from targets.models import PlanYear
from workflow.pages import form_errors, paginate

from ..models import ProgressReport, WarningSnapshot
from ..selectors import queue as selectors
from ..services import batch

QUEUE_PAGE_SIZE = 50


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def default_plan_year() -> PlanYear | None:
    return (
        PlanYear.objects.filter(status=PlanYear.Status.EXECUTING).order_by("-year").first()
        or PlanYear.objects.order_by("-year").first()
    )


def queue_filters(params) -> selectors.QueueFilters:
    """The filters a query string names; what cannot be read is ignored (the whole queue)."""
    year = _int(params.get("year"))
    plan_year = PlanYear.objects.filter(year=year).first() if year else default_plan_year()
    period = parse_date(params.get("period") or "") if params.get("period") else None
    late = {"1": True, "0": False}.get(params.get("late", ""))
    return selectors.QueueFilters(
        plan_year=plan_year,
        period_start=period if isinstance(period, datetime.date) else None,
        department_id=_int(params.get("department")),
        warning=params.get("warning", ""),
        late=late,
        kind=params.get("kind", ""),
    )


def safe_queue_url(request, url) -> str | None:
    """``url`` when it is a place in the review queue on this site (the ``back`` link), else
    None: a report page only ever leads back into the queue."""
    if not url or not url.startswith(reverse("execution:review_queue")):
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return None
    return url


@login_required
def review_queue(request):
    """审核队列: every report awaiting 审核, the earliest due first; filters by period,
    department, warning level, late and kind. A report opened from here links back to this very
    page (filters and page number)."""
    filters = queue_filters(request.GET)
    reports = selectors.review_queue(request.user, filters)
    page, query = paginate(request, reports, per_page=QUEUE_PAGE_SIZE)
    choices = selectors.queue_choices(filters.plan_year)
    return render(
        request,
        "execution/review_queue.html",
        {
            "page_obj": page,
            "reports": page.object_list,
            "query": query,
            "filters": filters,
            "back": request.get_full_path(),
            "years": PlanYear.objects.order_by("-year").values_list("year", flat=True),
            "periods": choices["periods"],
            "departments": choices["departments"],
            "levels": WarningSnapshot.Level.choices,
            "kinds": ProgressReport.Kind.choices,
        },
    )


def _confirm_page(request, reports, *, back, error="", status=200):
    return render(
        request,
        "execution/review_verify_confirm.html",
        {"reports": reports, "back": back, "error": error},
        status=status,
    )


@login_required
@require_POST
def review_verify(request):
    """批量审核（按填报值）: the ticked reports are first listed on a confirmation page; only its
    button (``confirm``) verifies them, all or none."""
    user = request.user
    ids = request.POST.getlist("ids")
    back = safe_queue_url(request, request.POST.get("back")) or reverse("execution:review_queue")
    wanted = [i for i in (_int(x) for x in ids) if i is not None]
    reports = selectors.reports_by_ids(user, wanted)
    if not request.POST.get("confirm"):
        if not reports:
            messages.error(request, _("请先勾选要审核的进展报告。"))
            return redirect(back)
        return _confirm_page(request, reports, back=back)
    with form_errors() as outcome:
        done = batch.progress_reports_verify_as_reported(reports=reports, ids=ids, by=user)
    if outcome.failed:
        # The fresh list: what of the ticked reports still awaits 审核.
        fresh = selectors.reports_by_ids(user, wanted)
        return _confirm_page(
            request, fresh, back=back, error=outcome.message, status=outcome.status
        )
    messages.success(request, _("已按填报值审核%(n)s份进展报告。") % {"n": len(done)})
    return redirect(back)
