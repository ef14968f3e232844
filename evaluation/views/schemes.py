"""Scheme pages: the index, building, editing and running a scheme (open, lock, publish, new
version, reminders), collection progress, joint-liability deductions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import access_for
from accounts.models import Department
from supervision.models import AccountabilityRecord
from targets import selectors as target_selectors
from targets.models import PlanYear
from workflow.errors import ValidationFailed
from workflow.pages import form_errors, redirect_on_error
from workflow.transitions import available_transitions

from .. import builtin, permissions, selectors, services
from ..metrics import metric_choices
from ..models import EvaluationScheme, Indicator
from ._common import visible_scheme

INDEX_SHEETS = 20
PENDING_SHOWN = 200


@login_required
def index(request):
    user = request.user
    schemes = list(selectors.visible_schemes(user).order_by("-plan_year__year", "-version"))
    to_fill = selectors.sheets_to_fill(user)
    access = access_for(user)
    return render(
        request,
        "evaluation/index.html",
        {
            "schemes": schemes,
            "open_sheets": to_fill[:INDEX_SHEETS],
            "open_count": to_fill.count(),
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
@redirect_on_error("evaluation:index")
def scheme_create(request):
    user = request.user
    services.require_office(user)
    year = get_object_or_404(PlanYear, pk=request.POST.get("plan_year") or 0)
    source = None
    if request.POST.get("source"):
        source = get_object_or_404(EvaluationScheme, pk=request.POST["source"])
    scheme = services.scheme_create(
        plan_year=year,
        by=user,
        template_key=request.POST.get("template", "") if source is None else "",
        source=source,
    )
    messages.success(request, _("考评方案已建立：%(s)s") % {"s": scheme})
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


@login_required
def scheme_detail(request, pk):
    user = request.user
    scheme = visible_scheme(request, pk)
    is_office = permissions.may_manage(user)
    return render(
        request,
        "evaluation/scheme_detail.html",
        {
            "scheme": scheme,
            "tree": selectors.indicator_tree(scheme, co_bodies=True),
            "bodies": list(scheme.bodies.select_related("rater_department")),
            "rules": list(scheme.deduction_rules.all()),
            "bands": list(scheme.grade_bands.all()),
            "participants": list(scheme.participants.select_related("department")),
            "errors": services.scheme_errors(scheme) if scheme.is_editable else [],
            "is_office": is_office,
            # The steps offered come from the scheme's transitions (their permission and state).
            "actions": available_transitions(scheme, user),
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
    scheme = visible_scheme(request, pk)
    if action not in SCHEME_ACTIONS:
        raise Http404
    with form_errors() as refused:
        outcome = SCHEME_ACTIONS[action](scheme, user, request.POST)
    if refused.failed:
        # The service's message alone: an incomplete scheme's already lists each problem.
        messages.error(request, refused.message)
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


def _save_part(request, scheme, user, part, departments) -> None:
    """The service call of one part of the edit page."""
    post = request.POST
    if part == "settings":
        services.scheme_update(
            scheme=scheme,
            by=user,
            name=post.get("name", ""),
            mode=post.get("mode", ""),
            comment_below_percent=post.get("comment_below_percent", ""),
            deduction_cap=post.get("deduction_cap", ""),
            joint_lead_percent=post.get("joint_lead_percent", ""),
            joint_responsible_percent=post.get("joint_responsible_percent", ""),
            joint_cooperating_percent=post.get("joint_cooperating_percent", ""),
            self_evaluation=post.get("self_evaluation") == "on",
            joint_liability=post.get("joint_liability") == "on",
            # Art. 23's outcomes and the 0-of-0 choice: only when the form carries them.
            **{
                name: post[name]
                for name in (
                    "empty_objective",
                    "bonus_min_grade",
                    "extra_bonus_grade",
                    "extra_bonus_percent",
                    "bonus_cut_percent",
                )
                if name in post
            },
        )
    elif part == "body":
        body = get_object_or_404(scheme.bodies, pk=post.get("body") or 0)
        rater = Department.objects.filter(pk=post.get("rater_department") or 0)
        services.body_update(
            body=body, by=user, weight=post.get("weight", ""), rater_department=rater.first()
        )
    elif part == "rule":
        services.deduction_rule_save(
            scheme=scheme,
            by=user,
            category=post.get("category", ""),
            label=post.get("label", ""),
            points_each=post.get("points_each", ""),
            cap=post.get("cap", ""),
        )
    elif part == "band":
        band = None
        if post.get("band"):
            band = get_object_or_404(scheme.grade_bands, pk=post["band"])
        services.grade_band_save(
            scheme=scheme,
            by=user,
            band=band,
            name=post.get("name", ""),
            order=post.get("order", ""),
            category=post.get("category", ""),
            min_score=post.get("min_score", ""),
            max_percent=post.get("max_percent", ""),
        )
    elif part == "participants":
        by_id = {d.pk: d for d in departments}
        rows = []
        for value in post.getlist("department"):
            dept = by_id.get(int(value)) if value.isdigit() else None
            if dept is not None:
                rows.append((dept, post.get(f"category-{dept.pk}", "")))
        services.participants_set(scheme=scheme, by=user, rows=rows)
    else:
        raise Http404


@login_required
def scheme_edit(request, pk):
    """The office edits a draft scheme's settings, its scoring bodies (weight, rating
    department) and the departments evaluated with their categories (Zhongshan Art. 21)."""
    user = request.user
    scheme = visible_scheme(request, pk)
    services.require_office(user)
    departments = list(Department.objects.filter(is_active=True).exclude(kind="division"))
    error, field_errors = None, {}
    if request.method == "POST":
        part = request.POST.get("part")
        with form_errors() as outcome:
            _save_part(request, scheme, user, part, departments)
        if not outcome.failed:
            messages.success(request, _("考评方案已保存。"))
            return redirect(reverse("evaluation:scheme_edit", args=[scheme.pk]) + f"#{part}")
        error, field_errors = outcome.message, outcome.error.field_errors
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
            "empty_objective_choices": EvaluationScheme.EmptyObjective.choices,
            "all_departments": departments,
            "error": error,
            "field_errors": field_errors,
        },
        status=400 if error else 200,
    )


def _deductions_section(request, pk):
    return reverse("evaluation:scheme_detail", args=[pk]) + "#target-deductions"


@login_required
@require_POST
@redirect_on_error(_deductions_section)
def target_deduction_add(request, pk):
    """目标扣分 (条块连坐): the office names the target by its code."""
    user = request.user
    scheme = visible_scheme(request, pk)
    code = (request.POST.get("target") or "").strip()
    target = (
        target_selectors.visible_targets(user).filter(plan_year=scheme.plan_year, code=code).first()
    )
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
    messages.success(request, _("目标扣分已录入。"))
    return redirect(_deductions_section(request, scheme.pk))


@login_required
def indicator_edit(request, pk, indicator_id=None):
    """Add or change one indicator of a scheme being drafted (the rest: /admin/)."""
    user = request.user
    scheme = visible_scheme(request, pk)
    services.require_office(user)
    indicator = None
    if indicator_id is not None:
        indicator = get_object_or_404(Indicator, pk=indicator_id, scheme=scheme)
    error = None
    field_errors = {}
    values = request.POST if request.method == "POST" else None
    if values is not None:
        parent = scheme.indicators.filter(pk=values.get("parent") or 0).first()
        body = scheme.bodies.filter(pk=values.get("body") or 0).first()
        with form_errors() as outcome:
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
        if not outcome.failed:
            messages.success(request, _("指标已保存。"))
            return redirect("evaluation:scheme_detail", pk=scheme.pk)
        error, field_errors = outcome.message, outcome.error.field_errors
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
    scheme = visible_scheme(request, pk)
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
            "pending": list(pending[:PENDING_SHOWN]),
            "pending_count": pending.count(),
            "is_office": permissions.may_manage(user),
        },
    )
