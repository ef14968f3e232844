"""Pages for the problem list and rectification (问题清单与整改, efficiency opinions 保障措施 三)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from execution.files import attachment_response
from targets.selectors import visible_targets
from workflow.pages import form_errors
from workflow.transitions import available_transitions

from .. import permissions as perms
from .. import selectors, services
from ..forms import CommentForm, FindingForm, ListFilterForm, RectificationForm
from ..models import Finding, Rectification
from .common import default_plan_year, form_page, list_page, record_timeline, step_done


@login_required
def finding_list(request):
    user = request.user
    filters = ListFilterForm(
        request.GET,
        states=Finding.State.choices,
        kinds=Finding.Source.choices,
        kind_label=_("问题来源"),
    )
    filters.kind_field = "source"
    return list_page(
        request,
        "supervision/finding_list.html",
        selectors.finding_list(user),
        filters,
        department_field="responsible_department_id",
        search_fields=("code", "title"),
        may_record=perms.is_supervising(user),
    )


def _initial(request, user):
    initial = {"source": Finding.Source.LEADER, "days": 30}
    year = default_plan_year()
    initial["plan_year"] = year.pk if year else None
    target_id = request.GET.get("target", "")
    if target_id.isdigit():
        target = visible_targets(user).filter(pk=int(target_id)).first()
        if target is None:
            raise Http404
        initial.update(
            plan_year=target.plan_year_id,
            targets=target.code,
            responsible_department=target.lead_department_id,
        )
    for key, source, qs in [
        ("inspection", Finding.Source.INSPECTION, selectors.visible_inspections(user)),
        ("order", Finding.Source.ORDER, selectors.visible_orders(user)),
        ("external_input", Finding.Source.EXTERNAL_INPUT, selectors.visible_inputs(user)),
    ]:
        value = request.GET.get(key, "")
        if value.isdigit():
            obj = qs.filter(pk=int(value)).first()
            if obj is None:
                raise Http404
            initial.update(source=source, plan_year=obj.plan_year_id, **{key: obj.pk})
            if key == "external_input":
                initial["description"] = obj.summary
                initial["targets"] = "、".join(t.code for t in obj.targets.all())
                first = obj.departments.first()
                initial["responsible_department"] = first.pk if first else None
            if key == "order":
                initial["targets"] = "、".join(t.code for t in obj.targets.all())
    return initial


@login_required
def finding_create(request):
    user = request.user
    services.findings.require_may_record(user)
    form = FindingForm(
        request.POST or None,
        initial=_initial(request, user) if request.method == "GET" else None,
        readable_targets=visible_targets(user),
        inspections=selectors.visible_inspections(user),
        orders=selectors.visible_orders(user),
        inputs=selectors.visible_inputs(user),
    )
    outcome = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form) as outcome:
            finding = services.finding_record(
                by=user,
                plan_year=data["plan_year"],
                source=data["source"],
                title=data["title"],
                description=data["description"],
                responsible_department=data["responsible_department"],
                responsible_leader=data["responsible_leader"],
                deadline=data["deadline"],
                days=data["days"],
                targets=data["targets"],
                inspection=data["inspection"],
                order=data["order"],
                external_input=data["external_input"],
            )
        if not outcome.failed:
            messages.success(request, _("问题“%(code)s”已登记。") % {"code": finding.code})
            return redirect("supervision:finding_detail", pk=finding.pk)
    return form_page(
        request,
        form,
        outcome,
        title=_("登记问题"),
        submit_label=_("登记"),
        back="supervision:finding_list",
        tab="findings",
    )


def _context(request, finding, *, forms=None):
    allowed = available_transitions(finding, request.user)
    forms = forms or {}
    return {
        "finding": finding,
        "may_file_plan": "file_plan" in allowed,
        "may_report": "report_rectified" in allowed,
        "may_verify": "verify" in allowed,
        "plan_form": forms.get("plan") or RectificationForm(prefix="plan"),
        "report_form": forms.get("report") or RectificationForm(prefix="report"),
        "verify_form": forms.get("verify") or CommentForm(prefix="verify"),
        "timeline": record_timeline(finding),
    }


@login_required
def finding_detail(request, pk):
    finding = get_object_or_404(selectors.finding_detail_queryset(request.user), pk=pk)
    return render(request, "supervision/finding_detail.html", _context(request, finding))


STEPS = {
    "plan": (services.finding_file_plan, _("整改方案已报送。")),
    "report": (services.finding_report_rectified, _("整改情况已报送，等待验收。")),
    "verify": (services.finding_verify, _("已验收通过，问题销号。")),
    "reject": (services.finding_reject, _("验收未通过，已退回责任单位整改。")),
}


@login_required
@require_POST
def finding_step(request, pk, step):
    user = request.user
    if step not in STEPS:
        raise Http404
    finding = get_object_or_404(selectors.finding_detail_queryset(user), pk=pk)
    service, done = STEPS[step]
    if step in ("plan", "report"):
        form = RectificationForm(request.POST, request.FILES, prefix=step)
        form.is_valid()
        kwargs = {
            "body": form.cleaned_data.get("body", ""),
            "evidence": form.cleaned_data.get("evidence"),
        }
        key = step
    else:
        form = CommentForm(request.POST, prefix="verify")
        form.is_valid()
        kwargs = {"comment": form.cleaned_data.get("comment", "")}
        key = "verify"
    with form_errors(form) as outcome:
        service(finding=finding, by=user, **kwargs)

    def again(status):
        fresh = selectors.finding_detail_queryset(user).get(pk=finding.pk)
        context = _context(request, fresh, forms={key: form})
        return render(request, "supervision/finding_detail.html", context, status=status)

    to = reverse("supervision:finding_detail", args=[finding.pk])
    return step_done(request, outcome, done=done, to=to, again=again)


@login_required
def rectification_evidence(request, pk):
    record = get_object_or_404(
        Rectification.objects.filter(finding__in=selectors.visible_findings(request.user)).exclude(
            evidence=""
        ),
        pk=pk,
    )
    return attachment_response(record.evidence, display_name=record.evidence_name)
