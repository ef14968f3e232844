"""Result pages (Shanghai Art. 23–25): the results by category, a department's result with every
number linked to its inputs, year-on-year, and the feedback (Zhongshan Art. 25)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Department
from workflow.pages import redirect_on_error
from workflow.transitions import available_transitions

from .. import permissions, selectors, services
from ..models import EvaluationScheme
from ._common import visible_scheme


@login_required
def results(request, pk):
    user = request.user
    scheme = visible_scheme(request, pk)
    rows = selectors.result_list(user, scheme)
    last_year = selectors.previous_results(user, scheme) if rows else {}
    groups = {}
    for row in rows:
        row.previous = last_year.get(row.department_id)
        row.change = None
        if row.previous is not None and not scheme.is_pass_fail:
            row.change = row.final_score - row.previous.final_score
        groups.setdefault(row.get_category_display() or _("未分类"), []).append(row)
    return render(
        request,
        "evaluation/results.html",
        {
            "scheme": scheme,
            "groups": groups,
            "is_preview": scheme.state != EvaluationScheme.State.PUBLISHED,
            "is_office": permissions.may_manage(user),
        },
    )


def _leaf_links(result, tree, bodies=None):
    sheet_of = result.detail.get("sheet_of_indicator", {})
    values = result.detail.get("indicators", {})
    passed = result.detail.get("passed_items", {})
    joint = result.detail.get("joint_scores", {})
    counted = result.detail.get("objective_inputs", {})
    excluded = set(result.detail.get("excluded", []))
    bodies = bodies or {}
    rows = []
    for row in tree:
        ind = row["indicator"]
        value = values.get(str(ind.pk))
        rows.append(
            {
                **row,
                "points": Decimal(value) if value is not None else None,
                "passed": passed.get(str(ind.pk)),
                "sheet_id": sheet_of.get(str(ind.pk)),
                # Each body's points on a jointly scored leaf (Zhongshan 附件1).
                "joint": [
                    {
                        "body": bodies.get(j["body"]),
                        "sheet_id": j["sheet"],
                        "points": Decimal(j["points"]) if j["points"] is not None else None,
                    }
                    for j in joint.get(str(ind.pk), [])
                ],
                "counted": counted.get(str(ind.pk)),
                "excluded": ind.pk in excluded,
            }
        )
    return rows


@login_required
def result_detail(request, pk, department_id):
    user = request.user
    scheme = visible_scheme(request, pk)
    result = selectors.result_for(user, scheme, department_id)
    if result is None:
        raise Http404(_("没有该考评结果，或结果尚未发布。"))
    bodies = {b.pk: b for b in scheme.bodies.all()}
    sheets = {
        s.body_id: s.pk
        for s in selectors.visible_sheets(user).filter(scheme=scheme, department_id=department_id)
        if not s.is_self
    }
    sources = [
        {
            "body": bodies.get(int(k)),
            "sheet_id": sheets.get(int(k)),
            **{name: Decimal(v) if v is not None else None for name, v in value.items()},
        }
        for k, value in result.detail.get("sources", {}).items()
    ]
    linked = selectors.deduction_records(result)
    rules = {r.category: r for r in scheme.deduction_rules.all()}
    deductions = []
    for line in result.detail.get("deductions", []):
        deductions.append(
            {
                **line,
                "points_value": Decimal(line["points"]),
                "rule": rules.get(line.get("category")),
                "record_objects": [
                    linked["records"][i] for i in line.get("records", []) if i in linked["records"]
                ],
                "deduction_object": linked["target_deductions"].get(line.get("deduction")),
            }
        )
    feedback = (
        selectors.visible_feedback(user)
        .filter(scheme=scheme, department_id=department_id)
        .prefetch_related("linked_targets")
        .first()
    )
    self_sheet = (
        selectors.visible_sheets(user)
        .filter(scheme=scheme, department_id=department_id, is_self=True)
        .first()
    )
    return render(
        request,
        "evaluation/result_detail.html",
        {
            "scheme": scheme,
            "result": result,
            "department": result.department,
            "rows": _leaf_links(result, selectors.indicator_tree(scheme), bodies),
            "outcome": selectors.result_outcome(result, scheme),
            "rescale": {k: Decimal(v) for k, v in (result.detail.get("rescale") or {}).items()},
            "sources": sources,
            "deductions": deductions,
            "missing": result.detail.get("missing_sheets", []),
            "history": selectors.year_on_year(user, department_id),
            "feedback": feedback,
            "self_sheet": self_sheet,
            "is_preview": scheme.state != EvaluationScheme.State.PUBLISHED,
            "is_office": permissions.may_manage(user),
            # What the reader may do with the feedback now: its transitions (签收, 整改计划).
            "feedback_actions": available_transitions(feedback, user) if feedback else [],
            "linkable": list(selectors.linkable_targets(feedback)) if feedback else [],
        },
    )


def _feedback_section(scheme_id, department_id) -> str:
    return reverse("evaluation:result_detail", args=[scheme_id, department_id]) + "#feedback"


@login_required
@require_POST
@redirect_on_error(lambda request, pk, department_id: _feedback_section(pk, department_id))
def feedback_write(request, pk, department_id):
    user = request.user
    scheme = visible_scheme(request, pk)
    department = get_object_or_404(Department, pk=department_id)
    services.feedback_write(
        scheme=scheme,
        department=department,
        by=user,
        suggestions=request.POST.get("suggestions", ""),
    )
    messages.success(request, _("改进建议已反馈。"))
    return redirect(_feedback_section(scheme.pk, department.pk))


def _feedback_page(request, pk, action):
    """The result page a feedback action goes back to when refused (None: not visible)."""
    ids = selectors.visible_feedback(request.user).filter(pk=pk)
    found = ids.values_list("scheme_id", "department_id").first()
    return _feedback_section(*found) if found else None


@login_required
@require_POST
@redirect_on_error(_feedback_page)
def feedback_action(request, pk, action):
    user = request.user
    feedback = get_object_or_404(selectors.visible_feedback(user), pk=pk)
    if action == "acknowledge":
        services.feedback_acknowledge(feedback=feedback, by=user)
        messages.success(request, _("已签收改进建议。"))
    elif action == "plan":
        services.feedback_file_plan(feedback=feedback, by=user, plan=request.POST.get("plan", ""))
        messages.success(request, _("整改计划已报送。"))
    elif action == "link":
        target = get_object_or_404(
            selectors.linkable_targets(feedback), pk=request.POST.get("target") or 0
        )
        services.feedback_link_target(feedback=feedback, target=target, by=user)
        messages.success(request, _("已关联目标“%(code)s”。") % {"code": target.code})
    else:
        raise Http404
    return redirect(_feedback_section(feedback.scheme_id, feedback.department_id))
