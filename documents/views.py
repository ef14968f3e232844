"""Pages for documents: ask for a dossier, ledger or export, watch its progress (htmx polling),
download it; upload a target list, see every row's problems, confirm. Thin: services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_for
from accounts.errors import NotFoundForUser, NotPermitted, ValidationFailed
from accounts.models import Department
from execution import periods
from targets import selectors as target_selectors
from targets.models import PlanYear

from . import excel, permissions, selectors, services
from .models import DocumentJob

RECENT_JOBS = 20


def _forbidden(request, message):
    return render(request, "targets/forbidden.html", {"message": message}, status=403)


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
    plan_year = target_selectors.current_plan_year()
    years = list(PlanYear.objects.all())
    context = {
        "jobs": list(selectors.my_jobs(user)[:RECENT_JOBS]),
        "years": years,
        "plan_year": plan_year,
        "departments": _department_choices(user),
        "may_ledger": permissions.may_generate_ledger(user),
        "periods": [p for y in years for p in periods.periods_of(y)],
        "may_import": permissions.may_import(user),
    }
    return render(request, "documents/index.html", context)


@login_required
@require_POST
def request_document(request):
    kind = request.POST.get("kind", "")
    params = {
        k: request.POST.get(k)
        for k in ("target", "department", "year", "scheme", "report", "summary")
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
    try:
        job = services.document_request(by=request.user, kind=kind, params=params)
    except NotFoundForUser as exc:
        raise Http404 from exc
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("documents:index")
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
    if not permissions.may_import(user):
        return _forbidden(request, _("只有市政府办公厅（目标办）和部门可以导入目标清单。"))
    if request.method == "POST":
        try:
            job = services.import_upload(by=user, upload=request.FILES.get("file"))
        except NotPermitted as exc:
            return _forbidden(request, exc.message)
        except ValidationFailed as exc:
            return render(
                request,
                "documents/import.html",
                {"error": exc.message, **_import_context(user)},
                status=400,
            )
        return redirect("documents:job_detail", pk=job.pk)
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
def import_confirm(request, pk):
    job = _job(request, pk)
    try:
        apply = services.import_confirm(by=request.user, job=job)
    except NotFoundForUser as exc:
        raise Http404 from exc
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("documents:job_detail", pk=job.pk)
    return redirect(reverse("documents:job_detail", args=[apply.pk]))
