"""Pages for documents: ask for a dossier, ledger or export, watch its progress (htmx polling),
download it; upload a target list, see every row's problems, confirm. Thin: services decide;
what they refuse is rendered by ``workflow.pages`` (403 page, 404, message and redirect)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_for
from accounts.models import Department
from execution import clock, periods
from targets import selectors as target_selectors
from targets.models import PlanYear
from workflow.pages import form_errors, redirect_on_error

from . import excel, permissions, selectors, services
from .models import DocumentJob

RECENT_JOBS = 20


def dossier_section(request, target):
    """The target page's "卷宗" card (registered in apps.py): anyone who reads the target may
    have its dossier."""
    return {"target": target}


def _department_choices(user):
    allowed = permissions.readable_department_ids(user)
    qs = Department.objects.filter(is_active=True)
    if allowed is not None:
        qs = qs.filter(pk__in=allowed)
    return list(qs.order_by("sort_order", "id"))


@login_required
def index(request):
    user = request.user
    years = list(PlanYear.objects.all())
    # Auditors and leaders, who draft nothing, open on the year being carried out (issue 19).
    plan_year = target_selectors.landing_plan_year(user, years)
    context = {
        "jobs": list(selectors.my_jobs(user)[:RECENT_JOBS]),
        "years": years,
        "plan_year": plan_year,
        "departments": _department_choices(user),
        "may_ledger": permissions.may_generate_ledger(user),
        "periods": [p for y in years for p in periods.periods_of(y)],
        "default_period": _latest_started_period(plan_year),
        "may_import": permissions.may_import(user),
    }
    return render(request, "documents/index.html", context)


def _latest_started_period(plan_year):
    """The progress export opens on the landing year's latest period already begun."""
    if plan_year is None:
        return None
    today = clock.today()
    started = [p for p in periods.periods_of(plan_year) if p.start <= today]
    return started[-1].start if started else None


@login_required
@require_POST
@redirect_on_error("documents:index")
def request_document(request):
    kind = request.POST.get("kind", "")
    params = {
        k: request.POST.get(k)
        for k in (
            "target",
            "department",
            "year",
            "scheme",
            "report",
            "summary",
            "quarter",
            "leader",
        )
    }
    if kind == DocumentJob.Kind.PROGRESS_XLSX:
        # One select names the period by its first day, which says the year too.
        period = request.POST.get("period", "")
        params = {"year": period[:4], "period": period, "department": params["department"]}
    if kind == DocumentJob.Kind.TARGET_LIST_XLSX:
        query = QueryDict(request.POST.get("query", ""))
        params = {"query": {k: query.getlist(k) for k in query}}
    if kind not in DocumentJob.Kind.values or kind.startswith("import"):
        raise Http404
    job = services.document_request(by=request.user, kind=kind, params=params)
    return redirect("documents:job_detail", pk=job.pk)


def _job(request, pk) -> DocumentJob:
    return get_object_or_404(selectors.my_jobs(request.user), pk=pk)


def _job_context(job):
    context = {"job": job}
    if job.kind == DocumentJob.Kind.IMPORT_CHECK and job.state == DocumentJob.State.DONE:
        rows = job.result.get("rows", [])
        context["error_rows"] = [r for r in rows if r["status"] == "error"]
        context["rows"] = rows
    return context


@login_required
def job_detail(request, pk):
    job = _job(request, pk)
    return render(request, "documents/job_detail.html", _job_context(job))


@login_required
def job_status(request, pk):
    """The progress card alone, polled by htmx every second while the job runs; when it is
    finished the whole page reloads once (HX-Refresh) to show the download or the preview."""
    job = _job(request, pk)
    if not job.is_pending and request.GET.get("was") == "pending":
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "documents/partials/job_status.html", {"job": job})


@login_required
def job_download(request, pk):
    job = _job(request, pk)
    # Re-checked now: the requester must still be able to read everything in the document.
    if not services.download_allowed(request.user, job):
        raise Http404
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def import_page(request):
    user = request.user
    services.require_import_permission(user)
    if request.method == "POST":
        with form_errors() as outcome:
            job = services.import_upload(by=user, upload=request.FILES.get("file"))
            return redirect("documents:job_detail", pk=job.pk)
        return render(
            request,
            "documents/import.html",
            {"error": outcome.message, **_import_context(user)},
            status=outcome.status,
        )
    return render(request, "documents/import.html", _import_context(user))


def _import_context(user):
    return {
        "plan_year": target_selectors.current_plan_year(),
        "max_mb": excel.max_bytes() // (1024 * 1024),
        "max_rows": excel.max_rows(),
        "is_office": access_for(user).is_general_office,
    }


@login_required
def import_template(request):
    content = excel.import_template(target_selectors.current_plan_year())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_("目标清单导入模板") + ".xlsx"
    )
    return response


@login_required
@require_POST
@redirect_on_error("documents:job_detail")
def import_confirm(request, pk):
    job = _job(request, pk)
    apply = services.import_confirm(by=request.user, job=job)
    return redirect(reverse("documents:job_detail", args=[apply.pk]))
