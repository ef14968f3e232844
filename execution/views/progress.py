"""Pages for progress reports, node-target status, red-warning explanations and the department's
to-do list (Shanghai Art. 14–16). Thin: read through ``selectors.progress``, ask
``permissions.progress`` what to offer, change things only through ``services.progress``.
Objects the user may not read are 404; what a service refuses is rendered by
``workflow.pages`` (403 page, form errors, or a message and back to the report)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_for
from targets.extensions import may_have
from targets.models import Milestone, Target
from targets.selectors import visible_targets
from workflow.errors import Conflict
from workflow.events import timeline
from workflow.pages import form_errors, paginate, redirect_on_error

from .. import clock, early_warning, periods
from ..files import attachment_response
from ..forms.progress import (
    ExplanationForm,
    MilestoneStatusForm,
    ReportForm,
    ReturnForm,
    VerifyForm,
)
from ..models import ProgressReport, WarningSnapshot
from ..permissions import progress as perms
from ..permissions.corrections import may_request as may_request_correction
from ..selectors import progress as selectors
from ..services import progress as services
from ..services.corrections import correction_refusal
from .queue import safe_queue_url

LIVE_STATES = (
    Target.State.EXECUTING,
    Target.State.COMPLETED,
    Target.State.EVALUATED,
    Target.State.CANCELLED,
)


# --- the progress section of the target page ---------------------------------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_TOP = 320, 120, 130  # ratio axis up to 130% of expected


def _coordinates(sep: str):
    """A chart coordinate (a float rounded to one place) written as the template's ``localize``
    wrote it — no grouping, the language's decimal separator — once per value here instead of
    through ``number_format`` for each of the chart's ~70 numbers (issue 20)."""

    def write(value):
        return value if value is None else str(value).replace(".", sep)

    return write


def trend_chart(snapshots: list[WarningSnapshot], plan_year) -> dict:
    """The warning trend as an inline SVG bar chart (no script, no CDN): one bar per period, its
    height the actual progress as a share of the expected, its colour the level."""
    num = _coordinates(get_format("DECIMAL_SEPARATOR"))
    n = max(len(snapshots), 1)
    slot = CHART_WIDTH / n
    bars = []
    for i, s in enumerate(snapshots):
        ratio = float(s.actual * 100 / s.expected) if s.actual is not None and s.expected else 0.0
        shown = max(0.0, min(ratio, CHART_TOP))
        height = CHART_HEIGHT * shown / CHART_TOP
        bars.append(
            {
                "x": num(round(i * slot + slot * 0.2, 1)),
                "y": num(round(CHART_HEIGHT - height, 1)),
                "width": num(round(slot * 0.6, 1)),
                "height": num(round(max(height, 2), 1)),
                "label_x": num(round(i * slot + slot / 2, 1)),
                "snapshot": s,
                "ratio": num(round(ratio, 1)) if s.actual is not None else None,
                "label": _short_label(plan_year, s.period_start),
            }
        )

    def line(percent):
        return num(round(CHART_HEIGHT - CHART_HEIGHT * percent / CHART_TOP, 1))

    return {
        "bars": bars,
        "bars_html": _bars_html(bars),
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "green_y": line(95),
        "hundred_y": line(100),
    }


def _bars_html(bars) -> SafeString:
    """Each bar's ``<rect>`` and label, in the markup the chart's template loop wrote (issue 20:
    a dozen bars were a fifth of the progress section's template time)."""
    out = []
    for bar in bars:
        level = bar["snapshot"].level
        ratio = "" if bar["ratio"] is None else format_html(" · {}%", bar["ratio"])
        out.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" class="trend__bar trend__bar--{}"'
                ' data-period="{}" data-level="{}"><title>{} · {}{}</title></rect>\n        '
                '<text x="{}" y="{}" text-anchor="middle" class="trend__label">{}</text>',
                bar["x"],
                bar["y"],
                bar["width"],
                bar["height"],
                level,
                bar["label"],
                level,
                bar["label"],
                bar["snapshot"].get_level_display(),
                ratio,
                bar["label_x"],
                CHART_HEIGHT + 14,
                bar["label"],
            )
        )
    # The loop's own whitespace around each bar, as the template had it.
    return mark_safe("".join(f"\n        {bar}\n        " for bar in out))  # noqa: S308


def _short_label(plan_year, start):
    period = periods.period_starting(plan_year, start)
    return period.short_label if period else start.isoformat()


def _period_label(plan_year, start):
    period = periods.period_starting(plan_year, start)
    return period.label if period else start.isoformat()


def progress_section(request, target):
    """Context of the target page's progress section (registered in apps.py), or None before
    execution."""
    user = request.user
    # The page's query said whether the target has reports and explanations at all (probes
    # registered in apps.py): none, no query for them.
    reports = []
    if may_have(target, "progress_reports"):
        reports = selectors.reports_of_target(user, target)
    if target.state not in LIVE_STATES and not reports:
        return None
    plan_year = target.plan_year
    snapshots = selectors.snapshots_of_target(target)
    latest = snapshots[-1] if snapshots else None
    for report in reports:
        report.period_label = _period_label(plan_year, report.period_start)
        report.actions = perms.report_actions(report, user)
        report.values_differ = report.state == ProgressReport.State.VERIFIED and (
            (report.verified_value is not None and report.verified_value != report.actual_value)
            or (
                report.verified_percent is not None
                and report.verified_percent != report.percent_complete
            )
        )
    department = None
    # Only a department's members report; the offices and leaders need not be looked up.
    if target.state == Target.State.EXECUTING and access_for(user).member_departments:
        department = services.reporting_department_for(target, user)
    filed = {(r.department_id, r.period_start) for r in reports}
    fileable = []
    if department is not None:
        fileable = [
            p
            for p in periods.started_periods(plan_year, clock.today())
            if (department.pk, p.start) not in filed
        ]
    explanations = []
    if may_have(target, "warning_explanations"):
        explanations = selectors.explanations_of_target(target)
    needs_explanation = latest is not None and selectors.explanation_required(
        target, latest, explanations=explanations
    )
    return {
        "target": target,
        "reports": reports,
        "snapshot": latest,
        "reasons": [early_warning.reason_label(c) for c in (latest.reasons if latest else [])],
        "chart": trend_chart(snapshots, plan_year) if snapshots else None,
        "fileable": fileable,
        "reporting_department": department,
        "needs_explanation": needs_explanation,
        "may_explain": needs_explanation and perms.may_explain(target, user),
        "explanation_form": ExplanationForm(),
        "explanations": explanations,
        "may_set_milestones": perms.may_set_milestone_status(user)
        and target.state == Target.State.EXECUTING,
        # Labels translated once, not once per milestone's form.
        "milestone_choices": [(value, str(label)) for value, label in Milestone.Status.choices],
    }


# --- filing and editing ---------------------------------------------------------------------


def _form_page(request, form, *, target, report=None, status=200):
    return render(
        request,
        "execution/report_form.html",
        {"form": form, "target": target, "report": report},
        status=status,
    )


@login_required
def report_create(request, target_pk):
    user = request.user
    target = get_object_or_404(
        visible_targets(user).select_related("plan_year", "lead_department"), pk=target_pk
    )
    department = services.filing_department(target, user)
    started = periods.started_periods(target.plan_year, clock.today())
    quantitative = target.kind == Target.Kind.QUANTITATIVE
    initial = {}
    wanted = request.GET.get("period")
    if wanted:
        initial["period"] = wanted
    elif started:
        initial["period"] = started[-1].start.isoformat()
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        periods=started,
        quantitative=quantitative,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            report = services.progress_report_create(
                target=target,
                by=user,
                department=department,
                period_start=parse_date(form.cleaned_data.get("period") or ""),
                data=form.to_input(),
                files=form.cleaned_data.get("files") or [],
            )
        if not outcome.failed:
            messages.success(request, _("进展报告已保存，待部门主要负责人报送。"))
            return redirect("execution:report_detail", pk=report.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, target=target, status=status)


@login_required
def report_edit(request, pk):
    user = request.user
    report = get_object_or_404(selectors.report_detail_queryset(user), pk=pk)
    services.require_may_edit(report, user)
    target = report.target
    initial = {
        "expected_version": report.version,
        "actual_value": report.actual_value,
        "percent_complete": report.percent_complete,
        "narrative": report.narrative,
        "problems": report.problems,
        "next_steps": report.next_steps,
    }
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        quantitative=target.kind == Target.Kind.QUANTITATIVE,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            services.progress_report_update(
                report=report,
                by=user,
                data=form.to_input(),
                files=form.cleaned_data.get("files") or [],
                expected_version=form.cleaned_data.get("expected_version"),
            )
        if not outcome.failed:
            messages.success(request, _("进展报告已保存。"))
            return redirect("execution:report_detail", pk=report.pk)
    status = 400 if request.method == "POST" else 200
    report.period_label = _period_label(target.plan_year, report.period_start)
    return _form_page(request, form, target=target, report=report, status=status)


def _detail_page(request, report, *, verify_form=None, status=200):
    """The report page; ``verify_form`` is the office's bound 审核 form when it comes back with
    errors (issue 16 item 1: what the office typed stays, each error next to its field)."""
    user = request.user
    report.period_label = _period_label(report.target.plan_year, report.period_start)
    actions = perms.report_actions(report, user)
    milestone = None
    period = periods.period_starting(report.target.plan_year, report.period_start)
    if period is not None and period.ends_quarter and report.kind == ProgressReport.Kind.MAIN:
        milestone = report.target.milestones.filter(quarter=period.quarter).first()
    if verify_form is None:
        verify_form = VerifyForm(
            initial={
                "verified_value": report.actual_value,
                "verified_percent": report.percent_complete,
            }
        )
    verify_form.flag_errors()
    # Opened from the review queue: the way back to the same filters and page (issue 19).
    back = safe_queue_url(request, request.GET.get("back") or request.POST.get("back"))
    return render(
        request,
        "execution/report_detail.html",
        {
            "back": back,
            "report": report,
            "target": report.target,
            "actions": actions,
            "verify_form": verify_form,
            "return_form": ReturnForm(),
            "milestone": milestone,
            "timeline": timeline(selectors.report_history(report), about=report),
            # Late corrections (issue 16 item 6): the requests with both figures, and the button.
            "corrections": list(report.corrections.select_related("requested_by", "decided_by")),
            "may_correct": may_request_correction(report, user) and not correction_refusal(report),
            "needs_explanation": "submit" in actions
            and report.kind == ProgressReport.Kind.MAIN
            and selectors.explanation_required(report.target),
        },
        status=status,
    )


@login_required
def report_detail(request, pk):
    report = get_object_or_404(selectors.report_detail_queryset(request.user), pk=pk)
    return _detail_page(request, report)


def _act(request, pk, do, success):
    """A button on the report page: the service acts, the page says so and shows the report
    again (what the service refuses: ``workflow.pages`` and ``@redirect_on_error``)."""
    report = get_object_or_404(selectors.visible_reports(request.user), pk=pk)
    do(report, request.user)
    messages.success(request, success)
    return redirect("execution:report_detail", pk=report.pk)


@login_required
@require_POST
@redirect_on_error("execution:report_detail")
def report_submit(request, pk):
    return _act(
        request,
        pk,
        lambda report, user: services.progress_report_submit(
            report=report, by=user, comment=request.POST.get("comment", "")
        ),
        _("进展报告已报送，等待目标办审核。"),
    )


@login_required
@require_POST
@redirect_on_error("execution:report_detail")
def report_verify(request, pk):
    """审核. Refused input comes back on the report page with the office's own entries and each
    error bound to its field (never the reported figures in their place); a report someone else
    handled first (409) or a user who may not verify goes the usual way (``workflow.pages``)."""
    user = request.user
    report = get_object_or_404(selectors.report_detail_queryset(user), pk=pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        with form_errors(form) as outcome:
            data = form.cleaned_data
            services.progress_report_verify(
                report=report,
                by=user,
                verified_value=data.get("verified_value"),
                verified_percent=data.get("verified_percent"),
                reason=data.get("reason", ""),
                comment=data.get("comment", ""),
                milestone_status=data.get("milestone_status") or None,
            )
        if not outcome.failed:
            messages.success(request, _("进展报告已审核。"))
            back = safe_queue_url(request, request.POST.get("back"))
            return redirect(back or reverse("execution:report_detail", args=[report.pk]))
        if isinstance(outcome.error, Conflict):
            raise outcome.error  # handled first by someone else: a message on the fresh page
    else:
        # A figure that cannot be read: the service has seen nothing yet; who may not verify
        # (or a report no longer awaiting 审核) is told so before any field error.
        services.require_may_verify(report, user)
        form.add_error(None, _("未审核，请更正标出的问题。"))
    return _detail_page(request, report, verify_form=form, status=400)


@login_required
@require_POST
@redirect_on_error("execution:report_detail")
def report_return(request, pk):
    return _act(
        request,
        pk,
        lambda report, user: services.progress_report_return(
            report=report, by=user, comment=request.POST.get("comment", "")
        ),
        _("进展报告已退回。"),
    )


@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(selectors.visible_evidence(request.user), pk=pk)
    return attachment_response(evidence.file, display_name=evidence.display_name)


def _target_progress_url(target_pk) -> str:
    return reverse("targets:target_detail", args=[target_pk]) + "#progress"


@login_required
@require_POST
@redirect_on_error(lambda request, target_pk: _target_progress_url(target_pk))
def explanation_file(request, target_pk):
    user = request.user
    target = get_object_or_404(visible_targets(user), pk=target_pk)
    form = ExplanationForm(request.POST)
    form.is_valid()
    services.warning_explanation_file(
        target=target,
        by=user,
        explanation=form.cleaned_data.get("explanation", ""),
        remedy=form.cleaned_data.get("remedy", ""),
    )
    messages.success(request, _("红色预警说明已填报。"))
    return redirect(_target_progress_url(target.pk))


def _milestone_page(request, pk) -> str:
    milestone = Milestone.objects.filter(pk=pk).values_list("target_id", flat=True).first()
    return _target_progress_url(milestone) if milestone else reverse("targets:target_list")


@login_required
@require_POST
@redirect_on_error(_milestone_page)
def milestone_status(request, pk):
    user = request.user
    milestone = get_object_or_404(
        Milestone.objects.filter(target__in=visible_targets(user).values("pk")), pk=pk
    )
    form = MilestoneStatusForm(request.POST)
    form.is_valid()
    services.milestone_set_status(
        milestone=milestone,
        by=user,
        status=form.cleaned_data.get("status", request.POST.get("status", "")),
        reason=form.cleaned_data.get("reason", ""),
    )
    messages.success(request, _("节点目标完成情况已更新。"))
    return redirect(_target_progress_url(milestone.target_id))


# --- the department's to-do list --------------------------------------------------------------


@login_required
def todo(request):
    """What the user's departments owe now: every started period's report not yet filed, the
    overdue ones first (Art. 14)."""
    rows = selectors.todo_rows(request.user)
    page = paginate(request, rows)[0]
    return render(
        request,
        "execution/todo.html",
        {
            "page_obj": page,
            "rows": page.object_list,
            "overdue_milestones": selectors.overdue_milestones(request.user),
            "is_member": bool(access_for(request.user).member_departments),
            "today": clock.today(),
        },
    )
