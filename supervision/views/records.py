"""Pages for the supervision home, inspections (检查), external inputs (外部监督, with the
hotline batch import) and accountability records (问责)."""

import base64
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_for
from targets.selectors import visible_targets
from workflow.pages import form_errors
from workflow.transitions import available_transitions

from .. import permissions as perms
from .. import selectors, services
from ..forms import (
    AccountabilityForm,
    ExternalInputForm,
    HotlineImportForm,
    InspectionForm,
    InspectionReportForm,
    ListFilterForm,
)
from ..models import AccountabilityRecord, ExternalInput, Finding, Inspection, SupervisionOrder
from .common import default_plan_year, form_page, list_page, record_timeline

HOME_ROWS = 20


def may_use_supervision(user) -> bool:
    """Who sees the 督查 entry: the offices, auditors, departments and leaders (each sees what
    concerns it)."""
    access = access_for(user)
    return access.reads_everything or bool(access.member_departments) or bool(access.portfolio)


@login_required
def home(request):
    """督查 home: a department's orders to answer and problems to rectify; for the offices the
    overdue orders and the rectifications awaiting verification."""
    user = request.user
    supervising = perms.is_supervising(user)
    context = {
        "supervising": supervising,
        "orders_to_answer": list(selectors.orders_to_answer(user)[:HOME_ROWS]),
        "problems_to_rectify": list(selectors.problems_to_rectify(user)[:HOME_ROWS]),
        "is_department": bool(access_for(user).member_departments),
    }
    access = access_for(user)
    # The offices, auditors and vice-mayors (for their portfolio) watch what lags.
    if access.reads_everything or access.portfolio:
        context["overdue_orders"] = list(
            selectors.order_list(user)
            .filter(is_overdue=True)
            .order_by("deadline", "id")[:HOME_ROWS]
        )
        context["to_verify"] = list(
            selectors.finding_list(user)
            .filter(state=Finding.State.RECTIFIED)
            .order_by("deadline", "id")[:HOME_ROWS]
        )
        context["awaiting_issuer"] = list(
            selectors.order_list(user)
            .filter(state=SupervisionOrder.State.REPLIED)
            .order_by("deadline", "id")[:HOME_ROWS]
        )
    return render(request, "supervision/home.html", context)


# --- inspections --------------------------------------------------------------------------


@login_required
def inspection_list(request):
    user = request.user
    filters = ListFilterForm(
        request.GET, kinds=Inspection.Kind.choices, kind_label=_("检查类别"), with_overdue=False
    )
    filters.kind_field = "kind"
    return list_page(
        request,
        "supervision/inspection_list.html",
        selectors.inspection_list(user),
        filters,
        department_field="departments__id",
        search_fields=("title", "inspectors"),
        may_open=perms.is_supervising(user),
    )


@login_required
def inspection_create(request):
    user = request.user
    services.inspections.require_may_open(user)
    year = default_plan_year()
    form = InspectionForm(
        request.POST or None,
        initial={"plan_year": year.pk if year else None},
        readable_targets=visible_targets(user),
    )
    outcome = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form) as outcome:
            inspection = services.inspection_open(
                by=user,
                plan_year=data["plan_year"],
                kind=data["kind"],
                title=data["title"],
                departments=list(data["departments"]),
                targets=data["targets"],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
                inspectors=data["inspectors"],
            )
        if not outcome.failed:
            messages.success(request, _("检查已登记。"))
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    return form_page(
        request,
        form,
        outcome,
        title=_("登记检查"),
        back="supervision:inspection_list",
        tab="inspections",
    )


def _inspection_page(request, inspection, report_form=None, status=200):
    user = request.user
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "findings": list(selectors.inspection_findings(user, inspection)),
            "may_record_finding": perms.is_supervising(user),
            "may_report": "file_report" in available_transitions(inspection, user),
            "report_form": report_form
            or InspectionReportForm(
                initial={"report": inspection.report, "ended_on": inspection.ended_on}
            ),
            "timeline": record_timeline(inspection),
        },
        status=status,
    )


@login_required
def inspection_detail(request, pk):
    inspection = get_object_or_404(selectors.inspection_detail_queryset(request.user), pk=pk)
    return _inspection_page(request, inspection)


@login_required
@require_POST
def inspection_report(request, pk):
    user = request.user
    inspection = get_object_or_404(selectors.inspection_detail_queryset(user), pk=pk)
    form = InspectionReportForm(request.POST)
    form.is_valid()
    with form_errors(form) as outcome:
        services.inspection_report(
            inspection=inspection,
            by=user,
            report=form.cleaned_data.get("report", ""),
            ended_on=form.cleaned_data.get("ended_on"),
        )
    if outcome.failed:
        return _inspection_page(request, inspection, form, status=outcome.status)
    messages.success(request, _("检查报告已保存。"))
    return redirect("supervision:inspection_detail", pk=inspection.pk)


# --- external inputs ----------------------------------------------------------------------


@login_required
def input_list(request):
    user = request.user
    filters = ListFilterForm(
        request.GET, kinds=ExternalInput.Source.choices, kind_label=_("来源"), with_overdue=False
    )
    filters.kind_field = "source"
    return list_page(
        request,
        "supervision/input_list.html",
        selectors.input_list(user),
        filters,
        department_field="departments__id",
        search_fields=("reference", "summary"),
        may_record=perms.is_supervising(user),
    )


@login_required
def input_create(request):
    user = request.user
    services.inputs.require_may_record(user)
    year = default_plan_year()
    form = ExternalInputForm(
        request.POST or None,
        initial={"plan_year": year.pk if year else None},
        readable_targets=visible_targets(user),
    )
    outcome = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form) as outcome:
            item = services.external_input_record(
                by=user,
                plan_year=data["plan_year"],
                source=data["source"],
                reference=data["reference"],
                received_on=data["received_on"],
                summary=data["summary"],
                departments=list(data["departments"]),
                targets=data["targets"],
            )
        if not outcome.failed:
            messages.success(request, _("外部监督事项已登记。"))
            return redirect("supervision:input_detail", pk=item.pk)
    return form_page(
        request,
        form,
        outcome,
        title=_("登记外部监督事项"),
        back="supervision:input_list",
        tab="inputs",
    )


@login_required
def input_detail(request, pk):
    user = request.user
    item = get_object_or_404(selectors.input_detail_queryset(user), pk=pk)
    return render(
        request,
        "supervision/input_detail.html",
        {
            "item": item,
            "findings": list(selectors.finding_list(user).filter(external_input=item)),
            "may_convert": perms.is_supervising(user),
            "timeline": record_timeline(item),
        },
    )


IMPORT_SESSION_KEY = "supervision_hotline_import"


@login_required
def input_import(request):
    """Hotline batch import: upload → preview with every row's problem in Chinese → confirm.
    All or nothing (the service re-reads the file on confirmation)."""
    user = request.user
    services.inputs.require_may_import(user)
    year = default_plan_year()
    form = HotlineImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"plan_year": year.pk if year else None},
    )
    context = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        plan_year = form.cleaned_data["plan_year"]
        stored = request.session.get(IMPORT_SESSION_KEY, {})
        token = request.POST.get("token", "")
        if request.POST.get("confirm") and token in stored:
            upload = SimpleUploadedFile("batch.xlsx", base64.b64decode(stored[token]))
            with form_errors() as outcome:
                created = services.hotline_import(by=user, plan_year=plan_year, upload=upload)
            if outcome.failed:
                context["errors"] = outcome.error.field_errors.get("file", [outcome.message])
                status = outcome.status
            else:
                request.session[IMPORT_SESSION_KEY] = {}
                messages.success(request, _("已导入%(n)s张热线工单。") % {"n": len(created)})
                return redirect("supervision:input_list")
        else:
            upload = form.cleaned_data.get("file")
            batch = services.hotline_parse(plan_year=plan_year, upload=upload)
            context.update(rows=batch.rows, errors=batch.errors, plan_year=plan_year)
            if batch.errors:
                status = 400
            else:
                upload.seek(0)
                token = uuid.uuid4().hex
                request.session[IMPORT_SESSION_KEY] = {
                    token: base64.b64encode(upload.read()).decode()
                }
                context["token"] = token
    return render(request, "supervision/input_import.html", context, status=status)


@login_required
def input_import_template(request):
    response = HttpResponse(
        services.hotline_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        "attachment; filename*=utf-8''%E7%83%AD%E7%BA%BF%E5%B7%A5%E5%8D%95%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


# --- accountability -----------------------------------------------------------------------


@login_required
def accountability_list(request):
    user = request.user
    filters = ListFilterForm(
        request.GET,
        kinds=AccountabilityRecord.Category.choices,
        kind_label=_("问责类别"),
        with_overdue=False,
    )
    filters.kind_field = "category"
    return list_page(
        request,
        "supervision/accountability_list.html",
        selectors.accountability_list(user),
        filters,
        department_field="department_id",
        search_fields=("reference", "description"),
        may_record=perms.is_supervising(user),
    )


@login_required
def accountability_edit(request, pk=None):
    user = request.user
    services.accountability.require_may_record(user)
    record = get_object_or_404(selectors.accountability_list(user), pk=pk) if pk else None
    initial = {}
    if record is not None:
        initial = {name: getattr(record, name) for name in services.accountability.FIELDS}
    else:
        year = default_plan_year()
        initial = {"plan_year": year.pk if year else None}
    form = AccountabilityForm(request.POST or None, initial=initial, correcting=record is not None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        with form_errors(form) as outcome:
            if record is None:
                services.accountability_record(by=user, **data)
            else:
                reason = data.pop("reason", "")
                services.accountability_correct(record=record, by=user, reason=reason, **data)
        if not outcome.failed:
            messages.success(request, _("问责记录已保存。"))
            return redirect("supervision:accountability_list")
    return form_page(
        request,
        form,
        outcome,
        title=_("更正问责记录") if record else _("录入问责记录"),
        back="supervision:accountability_list",
        tab="accountability",
        timeline=record_timeline(record) if record else None,
    )
