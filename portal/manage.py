"""The general office's publishing pages (signed in): publish a year's confirmed list or single
targets, withdraw one with a reason, decide on departments' public summaries; a department
proposes its summary here. Thin: each action calls ``portal.services``; refusals are rendered by
``workflow.pages``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_for
from accounts.models import Department
from targets.models import PlanYear, Target
from workflow.errors import NotPermitted
from workflow.pages import redirect_on_error

from . import permissions, services
from .fields import PUBLIC_STATES
from .models import PublicSummary, PublicTarget


def _require_office(user) -> None:
    if not permissions.may_publish(None, user):
        raise NotPermitted(_("只有目标办可以管理政务公开。"))


@login_required
def manage(request):
    access = access_for(request.user)
    if not (access.is_general_office or access.member_departments):
        raise NotPermitted(_("只有目标办和部门可以使用政务公开管理。"))
    years = PlanYear.objects.annotate(
        confirmed=Count("targets", filter=Q(targets__state__in=PUBLIC_STATES)),
    ).order_by("-year")
    published = dict(
        PublicTarget.objects.filter(state=PublicTarget.State.PUBLISHED)
        .values_list("year")
        .annotate(n=Count("id"))
    )
    summaries = PublicSummary.objects.select_related("department").order_by("-proposed_at")
    if not access.is_general_office:
        summaries = summaries.filter(department_id__in=access.member_departments)
    own_departments = Department.objects.filter(is_active=True).order_by("sort_order", "id")
    if not access.is_general_office:
        own_departments = own_departments.filter(pk__in=access.member_departments)
    return render(
        request,
        "portal/manage.html",
        {
            "years": [(y, published.get(y.year, 0)) for y in years],
            "summaries": summaries[:100],
            "own_departments": own_departments,
            "is_office": access.is_general_office,
        },
    )


@login_required
def manage_year(request, year: int):
    _require_office(request.user)
    plan_year = get_object_or_404(PlanYear, year=year)
    rows = {r.target_id: r for r in PublicTarget.objects.filter(year=year)}
    targets = (
        Target.objects.filter(plan_year=plan_year, state__in=PUBLIC_STATES)
        .select_related("lead_department", "aspect")
        .order_by("aspect__number", "code")
    )
    return render(
        request,
        "portal/manage_year.html",
        {"plan_year": plan_year, "items": [(t, rows.get(t.pk)) for t in targets]},
    )


def _manage_url(request, *args, **kwargs):
    return reverse("portal:manage")


@login_required
@require_POST
@redirect_on_error(_manage_url)
def year_publish(request, year: int):
    plan_year = get_object_or_404(PlanYear, year=year)
    result = services.year_publish(
        plan_year=plan_year, by=request.user, comment=request.POST.get("comment", "")
    )
    messages.success(
        request,
        _("%(y)s年度已公开%(n)s个目标（此前已公开%(a)s个；未确认的%(d)s个不公开）。")
        % {
            "y": result.year,
            "n": result.published,
            "a": result.already_public,
            "d": result.not_confirmed,
        },
    )
    return redirect("portal:manage")


def _year_of(request, pk):
    target = get_object_or_404(Target.objects.select_related("plan_year"), pk=pk)
    return reverse("portal:manage_year", args=[target.plan_year.year])


@login_required
@require_POST
@redirect_on_error(_year_of)
def target_publish(request, pk: int):
    target = get_object_or_404(Target, pk=pk)
    services.target_publish(target=target, by=request.user)
    messages.success(request, _("目标“%(c)s”已向社会公开。") % {"c": target.code})
    return redirect("portal:manage_year", year=target.plan_year.year)


@login_required
@require_POST
@redirect_on_error(_year_of)
def target_withdraw(request, pk: int):
    target = get_object_or_404(Target, pk=pk)
    services.target_withdraw(
        target=target, by=request.user, comment=request.POST.get("comment", "")
    )
    messages.success(request, _("目标“%(c)s”已撤回公开。") % {"c": target.code})
    return redirect("portal:manage_year", year=target.plan_year.year)


@login_required
@require_POST
@redirect_on_error("portal:manage")
def summary_propose(request):
    department = get_object_or_404(Department, pk=request.POST.get("department") or 0)
    year, quarter = request.POST.get("year", ""), request.POST.get("quarter", "")
    services.public_summary_propose(
        department=department,
        year=int(year) if year.isdigit() else 0,
        quarter=int(quarter) if quarter.isdigit() else 0,
        text=request.POST.get("text", ""),
        by=request.user,
    )
    messages.success(request, _("部门公开综述已提交目标办审核。"))
    return redirect("portal:manage")


@login_required
@require_POST
@redirect_on_error(_manage_url)
def summary_decide(request, pk: int, decision: str):
    if decision not in ("approve", "reject"):
        raise Http404
    summary = get_object_or_404(PublicSummary, pk=pk)
    comment = request.POST.get("comment", "")
    if decision == "approve":
        services.public_summary_approve(summary=summary, by=request.user, comment=comment)
        messages.success(request, _("部门公开综述已批准公开。"))
    else:
        services.public_summary_reject(summary=summary, by=request.user, comment=comment)
        messages.success(request, _("部门公开综述不予公开。"))
    return redirect("portal:manage")
