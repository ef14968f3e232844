"""催报 (issue 19 item 3): the confirmation page that counts and lists the late reports, and its
button, which queues the round in the background and opens its progress bar. Thin: the list is
``selectors.chasing``, the round ``services.chasing``."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date

from targets.models import PlanYear
from workflow.errors import NotFoundForUser
from workflow.pages import form_errors

from ..selectors import chasing as selectors
from ..services import chasing as services
from .queue import default_plan_year

LISTED = 200  # rows shown on the confirmation page; the count covers them all


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scope(params) -> dict:
    year = _int(params.get("year"))
    plan_year = PlanYear.objects.filter(year=year).first() if year else default_plan_year()
    if plan_year is None:
        raise NotFoundForUser("")
    period = parse_date(params.get("period") or "") if params.get("period") else None
    return {
        "plan_year": plan_year,
        "period_start": period,
        "department_id": _int(params.get("department")),
        "target_id": _int(params.get("target")),
    }


@login_required
def chase(request):
    """GET: how many late reports this would chase, and which; POST (its button): queue it."""
    services.require_may_chase(request.user)
    params = request.POST if request.method == "POST" else request.GET
    scope = _scope(params)
    error, status = "", 200
    if request.method == "POST":
        with form_errors() as outcome:
            run = services.chase_start(
                by=request.user,
                expected=_int(request.POST.get("expected")),
                back_url=reverse("dashboards:office"),
                **scope,
            )
        if not outcome.failed:
            return redirect("notifications:run_detail", pk=run.pk)
        error, status = outcome.message, outcome.status
    rows = selectors.late_reports(**scope)
    to_chase = [r for r in rows if not r.chased_today]
    return render(
        request,
        "execution/chase_confirm.html",
        {
            **scope,
            "period": request.GET.get("period") or request.POST.get("period") or "",
            "to_chase": to_chase[:LISTED],
            "count": len(to_chase),
            "chased_today": len(rows) - len(to_chase),
            "error": error,
        },
        status=status,
    )
