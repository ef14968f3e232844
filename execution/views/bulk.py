"""The bulk progress-entry grid (issue 19 item 4): a department fills a period's reports for all
its targets on one page and saves them as drafts in one step. Thin: the rows are
``selectors.bulk``, every save ``services.batch.progress_reports_save_drafts`` (the one-by-one
services); a refused row shows its error and keeps what was typed, the others are saved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.models import Department
from targets.models import PlanYear, Target
from workflow.errors import NotPermitted
from workflow.pages import bind_errors

from .. import clock, periods
from ..forms.bulk import GridFormSet
from ..selectors import bulk as selectors
from ..services import batch


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _grid_context(request):
    """The department, plan year and period the grid is for (query string, else the user's
    first department, the executing year and its latest started period)."""
    departments = selectors.grid_departments(request.user)
    if not departments:
        raise NotPermitted(_("批量填报供牵头部门和配合部门使用；您不属于任何部门。"))
    asked = _int(request.GET.get("department"))
    department_id = asked if asked in departments else departments[0]
    plan_year = PlanYear.objects.filter(status=PlanYear.Status.EXECUTING).order_by("-year").first()
    started = periods.started_periods(plan_year, clock.today()) if plan_year else []
    wanted = parse_date(request.GET.get("period") or "") if request.GET.get("period") else None
    period = next((p for p in started if p.start == wanted), started[-1] if started else None)
    return {
        "department": Department.objects.get(pk=department_id),
        "departments": Department.objects.filter(pk__in=departments).order_by("sort_order", "pk"),
        "plan_year": plan_year,
        "periods": started,
        "period": period,
    }


def _initial(row) -> dict:
    r = row.report
    if r is None:
        return {"target": row.target.pk}
    return {
        "target": row.target.pk,
        "report": r.pk,
        "version": r.version,
        "actual_value": r.actual_value,
        "percent_complete": r.percent_complete,
        "narrative": r.narrative,
        "problems": r.problems,
        "next_steps": r.next_steps,
    }


@login_required
def progress_grid(request):
    """批量填报: GET shows the grid; POST saves every row typed in as a draft."""
    context = _grid_context(request)
    department, period = context["department"], context["period"]
    rows = []
    if period is not None:
        rows = [
            r
            for r in selectors.grid_rows(
                department_id=department.pk,
                plan_year=context["plan_year"],
                period_start=period.start,
            )
            if r.editable
        ]
    status = 200
    if request.method == "POST" and period is not None:
        formset = GridFormSet(request.POST, request.FILES, initial=[_initial(r) for r in rows])
        valid_forms = [f for f in formset.forms if f.is_valid()] if formset.is_bound else []
        if formset.management_form.is_valid():
            entries = [
                (
                    form,
                    batch.GridEntry(
                        target_id=form.cleaned_data["target"],
                        report_id=form.cleaned_data.get("report"),
                        version=form.cleaned_data.get("version"),
                        data=form.to_input(),
                        files=form.cleaned_data.get("files") or [],
                    ),
                )
                for form in valid_forms
                if form.cleaned_data.get("report") or not form.is_blank()
            ]
            outcomes = batch.progress_reports_save_drafts(
                by=request.user,
                department=department,
                period_start=period.start,
                entries=[e for _f, e in entries],
            )
            saved = [o for o in outcomes if o.error is None]
            failed = [o for o in outcomes if o.error is not None]
            unreadable = [f for f in formset.forms if not f.is_valid()]
            if not failed and not unreadable:
                messages.success(
                    request, _("已保存%(n)s份进展报告草稿，待负责人报送。") % {"n": len(saved)}
                )
                return redirect(request.get_full_path())
            # Saved rows now have a report and a version: put them in what comes back, so that
            # saving again edits them instead of filing them twice.
            data = request.POST.copy()
            by_form = {id(e): f for f, e in entries}
            for outcome in saved:
                prefix = by_form[id(outcome.entry)].prefix
                data[f"{prefix}-report"] = str(outcome.report.pk)
                data[f"{prefix}-version"] = str(outcome.report.version)
            formset = GridFormSet(data, initial=[_initial(r) for r in rows])
            formset.is_valid()
            errors_at = {by_form[id(o.entry)].prefix: o.error for o in failed}
            for form in formset.forms:
                if form.prefix in errors_at:
                    bind_errors(form, errors_at[form.prefix])
                    if form.files or request.FILES.getlist(f"{form.prefix}-files"):
                        form.add_error("files", _("本行未保存，请重新选择佐证材料。"))
            if saved:
                messages.success(request, _("已保存%(n)s份进展报告草稿。") % {"n": len(saved)})
            messages.error(
                request,
                _("%(n)s行未保存，请更正标出的问题；其他行已保存。")
                % {"n": len(failed) + len(unreadable)},
            )
            status = 400
        else:
            messages.error(request, _("表格数据不完整，请刷新页面后重新填写。"))
            formset, status = GridFormSet(initial=[_initial(r) for r in rows]), 400
    else:
        formset = GridFormSet(initial=[_initial(r) for r in rows])
    targets = {r.target.pk: r for r in rows}
    grid = [(form, targets.get(_int(form["target"].value()))) for form in formset.forms]
    return render(
        request,
        "execution/progress_grid.html",
        {
            **context,
            "formset": formset,
            "grid": grid,
            "quantitative": Target.Kind.QUANTITATIVE,
            "todo_url": reverse("execution:todo"),
        },
        status=status,
    )
