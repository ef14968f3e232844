"""Score sheet pages: the rater's list and the sheet itself (save a draft, submit)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from workflow.errors import NotPermitted
from workflow.pages import form_errors, paginate

from .. import permissions, selectors, services
from ..metrics import get_metric
from ..models import ScoreSheet


@login_required
def sheet_list(request):
    user = request.user
    sheets = selectors.sheet_list(user)
    year = request.GET.get("year")
    if year and year.isdigit():
        sheets = sheets.filter(scheme__plan_year__year=int(year))
    state = request.GET.get("state")
    if state in ScoreSheet.State.values:
        sheets = sheets.filter(state=state)
    page, querystring = paginate(request, sheets)
    return render(
        request,
        "evaluation/sheet_list.html",
        {
            "sheets": page.object_list,
            "page_obj": page,
            "querystring": querystring,
            "states": ScoreSheet.State.choices,
            "state": state,
        },
    )


def _entry_rows(sheet, values=None, field_errors=None):
    entries = {e.indicator_id: e for e in sheet.entries.all()}
    rows = []
    for leaf in services.sheet_leaves(sheet):
        entry = entries.get(leaf.pk)
        key = f"entries.{leaf.pk}"
        row = {
            "indicator": leaf,
            "entry": entry,
            "points": values.get(f"points-{leaf.pk}") if values else (entry and entry.points),
            "passed": values.get(f"passed-{leaf.pk}") if values else (entry and entry.passed),
            "comment": values.get(f"comment-{leaf.pk}") if values else (entry and entry.comment),
            "errors": (field_errors or {}).get(f"{key}.points", [])
            + (field_errors or {}).get(f"{key}.comment", [])
            + (field_errors or {}).get(f"{key}.passed", []),
            "metric": get_metric(leaf.metric) if leaf.metric else None,
        }
        rows.append(row)
    return rows


@login_required
def sheet_detail(request, pk):
    user = request.user
    sheet = get_object_or_404(selectors.sheet_detail_queryset(user), pk=pk)
    editable = permissions.may_edit_sheet(sheet, user)
    error = None
    field_errors = {}
    values = None
    if request.method == "POST":
        if not editable:
            # Only the form the page offers (the sheet's save_draft/submit transitions) posts.
            raise NotPermitted(_("您不能修改该评分表。"))
        values = request.POST
        entries = {}
        for leaf in services.sheet_leaves(sheet):
            passed = values.get(f"passed-{leaf.pk}")
            entries[leaf.pk] = services.EntryInput(
                points=values.get(f"points-{leaf.pk}", ""),
                passed={"yes": True, "no": False}.get(passed),
                comment=values.get(f"comment-{leaf.pk}", ""),
            )
        version = values.get("version")
        with form_errors() as outcome:
            sheet = services.sheet_save(
                sheet=sheet,
                by=user,
                entries=entries,
                summary=values.get("summary") if sheet.is_self else None,
                submit=values.get("submit") == "1",
                expected_version=int(version) if version and version.isdigit() else None,
            )
        if not outcome.failed:
            if sheet.state == ScoreSheet.State.SUBMITTED:
                messages.success(request, _("评分表已提交。"))
            else:
                messages.success(request, _("评分表已暂存为草稿。"))
            return redirect("evaluation:sheet_detail", pk=sheet.pk)
        error, field_errors = outcome.message, outcome.error.field_errors
    self_sheet = None
    if not sheet.is_self:
        self_sheet = (
            selectors.visible_sheets(user)
            .filter(scheme=sheet.scheme, department=sheet.department, is_self=True)
            .first()
        )
    return render(
        request,
        "evaluation/sheet_detail.html",
        {
            "sheet": sheet,
            "scheme": sheet.scheme,
            "rows": _entry_rows(sheet, values, field_errors),
            "editable": editable,
            "error": error,
            "sheet_errors": field_errors.get("sheet", []) + field_errors.get("summary", []),
            "summary": values.get("summary") if values else sheet.summary,
            "self_sheet": self_sheet,
        },
        status=400 if error else 200,
    )
