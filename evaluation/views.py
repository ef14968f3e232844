"""Pages of the year-end evaluation (Shanghai Art. 23–25; Zhongshan Art. 19–25).

Thin views: read through ``evaluation.selectors``, change only through ``evaluation.services``.
Objects the user may not read are 404; forbidden actions on readable ones 403.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import access_for
from accounts.errors import ApplicationError, NotFoundForUser, NotPermitted, ValidationFailed
from accounts.models import Department
from supervision.models import AccountabilityRecord
from targets import selectors as target_selectors
from targets.models import PlanYear

from . import builtin, permissions, selectors, services
from .metrics import get_metric, metric_choices
from .models import EvaluationScheme, Indicator, ScoreSheet

PAGE_SIZE = 50


def _forbidden(request, message):
    return render(request, "targets/forbidden.html", {"message": message}, status=403)


def _scheme(request, pk) -> EvaluationScheme:
    return get_object_or_404(selectors.visible_schemes(request.user), pk=pk)


# --- index and schemes ------------------------------------------------------------------


@login_required
def index(request):
    user = request.user
    schemes = list(selectors.visible_schemes(user).order_by("-plan_year__year", "-version"))
    my_sheets = selectors.sheet_list(user).filter(
        state__in=[ScoreSheet.State.ASSIGNED, ScoreSheet.State.DRAFT],
        scheme__state=EvaluationScheme.State.SCORING,
    )
    access = access_for(user)
    return render(
        request,
        "evaluation/index.html",
        {
            "schemes": schemes,
            "open_sheets": [s for s in my_sheets if permissions.is_rater_of(s, user)],
            "is_office": permissions.may_manage(user),
            "years": list(PlanYear.objects.order_by("-year")),
            "templates": builtin.template_choices(),
            "my_results": list(
                selectors.visible_results(user)
                .filter(department_id__in=access.member_departments)
                .select_related("scheme__plan_year", "department")
                .order_by("-scheme__plan_year__year")
            ),
        },
    )


@login_required
@require_POST
def scheme_create(request):
    user = request.user
    if not permissions.may_manage(user):
        return _forbidden(request, _("只有绩效管理办公室（目标办）可以管理考评方案。"))
    year = get_object_or_404(PlanYear, pk=request.POST.get("plan_year") or 0)
    source = None
    if request.POST.get("source"):
        source = get_object_or_404(EvaluationScheme, pk=request.POST["source"])
    try:
        scheme = services.scheme_create(
            plan_year=year,
            by=user,
            template_key=request.POST.get("template", "") if source is None else "",
            source=source,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:index")
    messages.success(request, _("考评方案已建立：%(s)s") % {"s": scheme})
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


@login_required
def scheme_detail(request, pk):
    user = request.user
    scheme = _scheme(request, pk)
    is_office = permissions.may_manage(user)
    return render(
        request,
        "evaluation/scheme_detail.html",
        {
            "scheme": scheme,
            "tree": selectors.indicator_tree(scheme),
            "bodies": list(scheme.bodies.select_related("rater_department")),
            "rules": list(scheme.deduction_rules.all()),
            "bands": list(scheme.grade_bands.all()),
            "participants": list(scheme.participants.select_related("department")),
            "errors": services.scheme_errors(scheme) if scheme.is_editable else [],
            "is_office": is_office,
            "missing": services.missing_sheets(scheme).count()
            if scheme.state == EvaluationScheme.State.LOCKED
            else 0,
            "versions": list(scheme.plan_year.schemes.order_by("version")),
            "template_label": builtin.TEMPLATES.get(scheme.template_key, {}).get("label", ""),
            "target_deductions": list(
                scheme.target_deductions.select_related("target", "created_by")
            ),
        },
    )


SCHEME_ACTIONS = {
    "open": lambda s, u, p: services.scheme_open_scoring(scheme=s, by=u),
    "lock": lambda s, u, p: services.scheme_lock(scheme=s, by=u),
    "publish": lambda s, u, p: services.scheme_publish(scheme=s, by=u, reason=p.get("reason", "")),
    "new_version": lambda s, u, p: services.scheme_new_version(scheme=s, by=u),
    "remind": lambda s, u, p: services.scheme_remind(
        scheme=s,
        by=u,
        body_id=int(p["body"]) if p.get("body", "").isdigit() else None,
        department_id=int(p["department"]) if p.get("department", "").isdigit() else None,
    ),
}
ACTION_DONE = {
    "open": gettext_lazy("已开始评分，评分表已生成。"),
    "lock": gettext_lazy("评分已锁定。"),
    "publish": gettext_lazy("考评结果已发布，本年度目标已转为“已评估”。"),
    "new_version": gettext_lazy("已建立新版本。"),
}


@login_required
@require_POST
def scheme_action(request, pk, action):
    user = request.user
    scheme = _scheme(request, pk)
    if action not in SCHEME_ACTIONS:
        raise Http404
    try:
        outcome = SCHEME_ACTIONS[action](scheme, user, request.POST)
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        back = "evaluation:scheme_progress" if action == "remind" else "evaluation:scheme_detail"
        return redirect(back, pk=scheme.pk)
    if action == "remind":
        messages.success(request, _("已催办%(n)s张未提交的评分表。") % {"n": outcome})
        return redirect("evaluation:scheme_progress", pk=scheme.pk)
    messages.success(request, ACTION_DONE[action])
    if action == "publish":
        return redirect("evaluation:results", pk=scheme.pk)
    target = outcome if isinstance(outcome, EvaluationScheme) else scheme
    return redirect("evaluation:scheme_detail", pk=target.pk)


@login_required
def scheme_edit(request, pk):
    """The office edits a draft scheme's settings, its scoring bodies (weight, rating
    department) and the departments evaluated with their categories (Zhongshan Art. 21)."""
    user = request.user
    scheme = _scheme(request, pk)
    if not permissions.may_manage(user):
        return _forbidden(request, _("只有绩效管理办公室（目标办）可以管理考评方案。"))
    departments = list(Department.objects.filter(is_active=True).exclude(kind="division"))
    error, field_errors = None, {}
    if request.method == "POST":
        part = request.POST.get("part")
        try:
            if part == "settings":
                services.scheme_update(
                    scheme=scheme,
                    by=user,
                    name=request.POST.get("name", ""),
                    mode=request.POST.get("mode", ""),
                    comment_below_percent=request.POST.get("comment_below_percent", ""),
                    deduction_cap=request.POST.get("deduction_cap", ""),
                    joint_lead_percent=request.POST.get("joint_lead_percent", ""),
                    joint_responsible_percent=request.POST.get("joint_responsible_percent", ""),
                    joint_cooperating_percent=request.POST.get("joint_cooperating_percent", ""),
                    self_evaluation=request.POST.get("self_evaluation") == "on",
                )
            elif part == "body":
                body = get_object_or_404(scheme.bodies, pk=request.POST.get("body") or 0)
                rater = Department.objects.filter(pk=request.POST.get("rater_department") or 0)
                services.body_update(
                    body=body,
                    by=user,
                    weight=request.POST.get("weight", ""),
                    rater_department=rater.first(),
                )
            elif part == "rule":
                services.deduction_rule_save(
                    scheme=scheme,
                    by=user,
                    category=request.POST.get("category", ""),
                    label=request.POST.get("label", ""),
                    points_each=request.POST.get("points_each", ""),
                    cap=request.POST.get("cap", ""),
                )
            elif part == "band":
                band = None
                if request.POST.get("band"):
                    band = get_object_or_404(scheme.grade_bands, pk=request.POST["band"])
                services.grade_band_save(
                    scheme=scheme,
                    by=user,
                    band=band,
                    name=request.POST.get("name", ""),
                    order=request.POST.get("order", ""),
                    category=request.POST.get("category", ""),
                    min_score=request.POST.get("min_score", ""),
                    max_percent=request.POST.get("max_percent", ""),
                )
            elif part == "participants":
                by_id = {d.pk: d for d in departments}
                rows = []
                for value in request.POST.getlist("department"):
                    dept = by_id.get(int(value)) if value.isdigit() else None
                    if dept is not None:
                        rows.append((dept, request.POST.get(f"category-{dept.pk}", "")))
                services.participants_set(scheme=scheme, by=user, rows=rows)
            else:
                raise Http404
        except NotPermitted as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            error, field_errors = exc.message, exc.field_errors
        else:
            messages.success(request, _("考评方案已保存。"))
            return redirect(reverse("evaluation:scheme_edit", args=[scheme.pk]) + f"#{part}")
        scheme.refresh_from_db()
    chosen = {p.department_id: p.category for p in scheme.participants.all()}
    return render(
        request,
        "evaluation/scheme_edit.html",
        {
            "scheme": scheme,
            "bodies": list(scheme.bodies.select_related("rater_department")),
            "rules": list(scheme.deduction_rules.all()),
            "bands": list(scheme.grade_bands.all()),
            "accountability_categories": AccountabilityRecord.Category.choices,
            "departments": [
                {
                    "department": d,
                    "chosen": d.pk in chosen,
                    "category": chosen.get(d.pk, d.category),
                }
                for d in departments
            ],
            "categories": Department.Category.choices,
            "modes": EvaluationScheme.Mode.choices,
            "all_departments": departments,
            "error": error,
            "field_errors": field_errors,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def target_deduction_add(request, pk):
    """目标扣分 (条块连坐): the office names the target by its code."""
    user = request.user
    scheme = _scheme(request, pk)
    code = (request.POST.get("target") or "").strip()
    target = (
        target_selectors.visible_targets(user).filter(plan_year=scheme.plan_year, code=code).first()
    )
    try:
        if target is None:
            raise ValidationFailed(_("本考评年度没有编号为“%(code)s”的目标。") % {"code": code})
        services.target_deduction_add(
            scheme=scheme,
            target=target,
            by=user,
            points=request.POST.get("points", ""),
            reason=request.POST.get("reason", ""),
            reference=request.POST.get("reference", ""),
        )
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("目标扣分已录入。"))
    return redirect(reverse("evaluation:scheme_detail", args=[scheme.pk]) + "#target-deductions")


@login_required
def indicator_edit(request, pk, indicator_id=None):
    """Add or change one indicator of a scheme being drafted (the rest: /admin/)."""
    user = request.user
    scheme = _scheme(request, pk)
    if not permissions.may_manage(user):
        return _forbidden(request, _("只有绩效管理办公室（目标办）可以管理考评方案。"))
    indicator = None
    if indicator_id is not None:
        indicator = get_object_or_404(Indicator, pk=indicator_id, scheme=scheme)
    error = None
    field_errors = {}
    values = request.POST if request.method == "POST" else None
    if values is not None:
        parent = scheme.indicators.filter(pk=values.get("parent") or 0).first()
        body = scheme.bodies.filter(pk=values.get("body") or 0).first()
        try:
            services.indicator_save(
                scheme=scheme,
                by=user,
                indicator=indicator,
                name=values.get("name", ""),
                max_points=values.get("max_points", ""),
                parent=parent,
                content=values.get("content", ""),
                body=body,
                body_text=values.get("body_text", ""),
                responsible_text=values.get("responsible_text", ""),
                metric=values.get("metric", ""),
            )
        except NotPermitted as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            error = exc.message
            field_errors = exc.field_errors
        else:
            messages.success(request, _("指标已保存。"))
            return redirect("evaluation:scheme_detail", pk=scheme.pk)
    return render(
        request,
        "evaluation/indicator_form.html",
        {
            "scheme": scheme,
            "indicator": indicator,
            "values": values,
            "error": error,
            "field_errors": field_errors,
            "parents": [i for i in scheme.indicators.all() if i != indicator],
            "bodies": list(scheme.bodies.all()),
            "metrics": metric_choices(),
        },
        status=400 if error else 200,
    )


@login_required
def scheme_progress(request, pk):
    user = request.user
    scheme = _scheme(request, pk)
    if not permissions.reads_all(user):
        raise PermissionDenied(_("收集进度仅供目标办、督查室和审计查看。"))
    pending = (
        services.missing_sheets(scheme)
        .select_related("body", "department")
        .order_by("body__order", "department__sort_order")
    )
    return render(
        request,
        "evaluation/progress.html",
        {
            "scheme": scheme,
            "progress": selectors.collection_progress(scheme),
            "pending": list(pending),
            "is_office": permissions.may_manage(user),
        },
    )


# --- sheets -----------------------------------------------------------------------------


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
    page = Paginator(sheets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evaluation/sheet_list.html",
        {
            "sheets": page.object_list,
            "page_obj": page,
            "querystring": query.urlencode(),
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
            return _forbidden(request, _("您不能修改该评分表。"))
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
        try:
            sheet = services.sheet_save(
                sheet=sheet,
                by=user,
                entries=entries,
                summary=values.get("summary") if sheet.is_self else None,
                submit=values.get("submit") == "1",
                expected_version=int(version) if version and version.isdigit() else None,
            )
        except (NotPermitted, NotFoundForUser) as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            error = exc.message
            field_errors = exc.field_errors
        else:
            if sheet.state == ScoreSheet.State.SUBMITTED:
                messages.success(request, _("评分表已提交。"))
            else:
                messages.success(request, _("评分表已暂存为草稿。"))
            return redirect("evaluation:sheet_detail", pk=sheet.pk)
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


# --- results and feedback ---------------------------------------------------------------


@login_required
def results(request, pk):
    user = request.user
    scheme = _scheme(request, pk)
    rows = selectors.result_list(user, scheme)
    groups = {}
    for row in rows:
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


def _leaf_links(result, tree):
    sheet_of = result.detail.get("sheet_of_indicator", {})
    values = result.detail.get("indicators", {})
    passed = result.detail.get("passed_items", {})
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
            }
        )
    return rows


@login_required
def result_detail(request, pk, department_id):
    user = request.user
    scheme = _scheme(request, pk)
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
            "rows": _leaf_links(result, selectors.indicator_tree(scheme)),
            "sources": sources,
            "deductions": deductions,
            "missing": result.detail.get("missing_sheets", []),
            "history": selectors.year_on_year(user, department_id),
            "feedback": feedback,
            "self_sheet": self_sheet,
            "is_preview": scheme.state != EvaluationScheme.State.PUBLISHED,
            "is_office": permissions.may_manage(user),
            "may_answer": feedback is not None and permissions.may_answer_feedback(feedback, user),
            "linkable": list(selectors.linkable_targets(feedback)) if feedback else [],
        },
    )


@login_required
@require_POST
def feedback_write(request, pk, department_id):
    user = request.user
    scheme = _scheme(request, pk)
    department = get_object_or_404(Department, pk=department_id)
    try:
        services.feedback_write(
            scheme=scheme,
            department=department,
            by=user,
            suggestions=request.POST.get("suggestions", ""),
        )
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("改进建议已反馈。"))
    return redirect(
        reverse("evaluation:result_detail", args=[scheme.pk, department.pk]) + "#feedback"
    )


@login_required
@require_POST
def feedback_action(request, pk, action):
    user = request.user
    feedback = get_object_or_404(selectors.visible_feedback(user), pk=pk)
    try:
        if action == "acknowledge":
            services.feedback_acknowledge(feedback=feedback, by=user)
            messages.success(request, _("已签收改进建议。"))
        elif action == "plan":
            services.feedback_file_plan(
                feedback=feedback, by=user, plan=request.POST.get("plan", "")
            )
            messages.success(request, _("整改计划已报送。"))
        elif action == "link":
            target = get_object_or_404(
                selectors.linkable_targets(feedback), pk=request.POST.get("target") or 0
            )
            services.feedback_link_target(feedback=feedback, target=target, by=user)
            messages.success(request, _("已关联目标“%(code)s”。") % {"code": target.code})
        else:
            raise Http404
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except (ValidationFailed, ApplicationError) as exc:
        messages.error(request, exc.message)
    return redirect(
        reverse("evaluation:result_detail", args=[feedback.scheme_id, feedback.department_id])
        + "#feedback"
    )
