"""Reads of the evaluation, already joined and filtered to the reader. An object the reader may
not see is absent (404), never another department's scores."""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.access import Role, access_for
from accounts.models import Department
from supervision.models import AccountabilityRecord
from targets.models import Target

from . import permissions
from .models import (
    EvaluationResult,
    EvaluationScheme,
    Feedback,
    Indicator,
    ScoreSheet,
    ScoringBody,
    TargetDeduction,
)
from .scoring import as_result, compute_results


def visible_schemes(user) -> QuerySet[EvaluationScheme]:
    """Schemes are the published rules of the year: every signed-in user may read them."""
    if access_for(user).user_id is None:
        return EvaluationScheme.objects.none()
    return EvaluationScheme.objects.select_related("plan_year", "created_by")


def visible_sheets(user) -> QuerySet[ScoreSheet]:
    """Sheets the user may read:
    - the office, supervision, auditors: all;
    - a rater: the sheets they fill (members of the body's rater department, named raters;
      a department's staff and head: its self-evaluation);
    - after publication, a department the sheets about itself and a vice-mayor those about
      the portfolio's departments (the inputs behind a result)."""
    access = access_for(user)
    qs = ScoreSheet.objects.all()
    if access.reads_everything:
        return qs
    if access.user_id is None:
        return qs.none()
    visible = _rater_of(access)
    readers = access.member_departments | access.portfolio
    if readers:
        visible |= Q(scheme__state=EvaluationScheme.State.PUBLISHED, department_id__in=readers)
    return qs.filter(visible)


def _rater_of(access) -> Q:
    """The sheets a user fills, as a condition (the SQL twin of permissions.is_rater_of)."""
    own = access.departments_with(Role.STAFF, Role.HEAD)
    condition = Q(is_self=True, department_id__in=own)
    filling = access.departments_with(*permissions.FILLING_ROLES)
    condition |= Q(is_self=False, body__rater_department_id__in=filling) & ~Q(
        body__kind=ScoringBody.Kind.OBJECTIVE
    )
    named = ScoringBody.raters.through.objects.filter(
        scoringbody_id=OuterRef("body_id"), user_id=access.user_id
    )
    return condition | (Q(is_self=False) & Exists(named))


def sheets_to_fill(user) -> QuerySet[ScoreSheet]:
    """The user's own sheets still to be filled while scoring is open ("待我填写")."""
    access = access_for(user)
    if access.user_id is None:
        return ScoreSheet.objects.none()
    return (
        ScoreSheet.objects.filter(
            _rater_of(access),
            state__in=[ScoreSheet.State.ASSIGNED, ScoreSheet.State.DRAFT],
            scheme__state=EvaluationScheme.State.SCORING,
        )
        .select_related("scheme", "scheme__plan_year", "body", "department")
        .order_by("scheme__plan_year__year", "-is_self", "body__order", "department__sort_order")
    )


def sheet_list(user) -> QuerySet[ScoreSheet]:
    return (
        visible_sheets(user)
        .select_related("scheme", "scheme__plan_year", "body", "department", "submitted_by")
        .order_by("-scheme__plan_year__year", "state", "body__order", "department__sort_order")
    )


def sheet_detail_queryset(user) -> QuerySet[ScoreSheet]:
    return sheet_list(user).prefetch_related("body__raters", "entries")


def visible_results(user) -> QuerySet[EvaluationResult]:
    """Published results the user may read: all (office side), the own department's, the
    portfolio's (vice-mayors) — Shanghai Art. 23: results go into the leaders' assessment."""
    access = access_for(user)
    qs = EvaluationResult.objects.filter(scheme__state=EvaluationScheme.State.PUBLISHED)
    if access.reads_everything:
        return qs
    readers = access.member_departments | access.portfolio
    return qs.filter(department_id__in=readers)


def result_list(user, scheme: EvaluationScheme) -> list[EvaluationResult]:
    """The results of ``scheme`` the user may read: stored ones once published; before that a
    preview computed by the same function publication uses, for the office side only."""
    if scheme.state == EvaluationScheme.State.PUBLISHED:
        return list(
            visible_results(user)
            .filter(scheme=scheme)
            .select_related("department")
            .order_by("category", "rank", "department__sort_order")
        )
    if not access_for(user).reads_everything or scheme.state == EvaluationScheme.State.DRAFT:
        return []
    rows = [as_result(scheme, r) for r in compute_results(scheme)]
    departments = Department.objects.in_bulk([r.department_id for r in rows])
    for row in rows:
        row.department = departments[row.department_id]
    rows.sort(key=lambda r: (r.category, r.rank or 0, r.department.sort_order))
    return rows


def result_for(user, scheme: EvaluationScheme, department_id: int) -> EvaluationResult | None:
    if not permissions.may_read_results(scheme, department_id, user):
        return None
    if scheme.state == EvaluationScheme.State.PUBLISHED:
        return (
            visible_results(user)
            .filter(scheme=scheme, department_id=department_id)
            .select_related("department")
            .first()
        )
    return next((r for r in result_list(user, scheme) if r.department_id == department_id), None)


def indicator_tree(scheme: EvaluationScheme, *, co_bodies: bool = False) -> list[dict]:
    """The tree as rows in reading order with their depth: what the scheme page and the result
    page print (Zhongshan 附件1's layout); ``co_bodies``: with the bodies scoring a leaf jointly
    (one more query)."""
    indicators = scheme.indicators.select_related("body").order_by("order", "pk")
    if co_bodies:
        indicators = indicators.prefetch_related("co_bodies")
    indicators = list(indicators)
    children = {}
    for ind in indicators:
        children.setdefault(ind.parent_id, []).append(ind)
    rows = []

    def walk(parent_id, depth):
        for ind in children.get(parent_id, []):
            kids = children.get(ind.pk, [])
            rows.append({"indicator": ind, "depth": depth, "is_leaf": not kids})
            walk(ind.pk, depth + 1)

    walk(None, 0)
    return rows


def collection_progress(scheme: EvaluationScheme) -> dict:
    """Sheets done / all, per scoring body and per department (the office's view while
    collecting, Zhongshan Art. 18)."""
    done = Q(state__in=[ScoreSheet.State.SUBMITTED, ScoreSheet.State.LOCKED])
    per_body = list(
        scheme.sheets.values("body_id", "body__name", "is_self")
        .annotate(total=Count("pk"), done=Count("pk", filter=done))
        .order_by("is_self", "body__order")
    )
    per_department = list(
        scheme.sheets.values("department_id", "department__name")
        .annotate(total=Count("pk"), done=Count("pk", filter=done))
        .order_by("department__sort_order", "department_id")
    )
    total = sum(r["total"] for r in per_body)
    finished = sum(r["done"] for r in per_body)
    return {
        "per_body": per_body,
        "per_department": per_department,
        "total": total,
        "done": finished,
        "percent": (Decimal(finished) * 100 / total).quantize(Decimal("0.1")) if total else 0,
    }


def deduction_records(result: EvaluationResult) -> dict:
    """The accountability records and target deductions a result's deduction lines name."""
    ids = [i for line in result.detail.get("deductions", []) for i in line.get("records", [])]
    deduction_ids = [
        line["deduction"] for line in result.detail.get("deductions", []) if "deduction" in line
    ]
    return {
        "records": AccountabilityRecord.objects.in_bulk(ids),
        "target_deductions": TargetDeduction.objects.select_related("target").in_bulk(
            deduction_ids
        ),
    }


def year_on_year(user, department_id: int) -> list[EvaluationResult]:
    """The department's published results, newest year first (同比)."""
    return list(
        visible_results(user)
        .filter(department_id=department_id)
        .select_related("scheme", "scheme__plan_year")
        .order_by("-scheme__plan_year__year", "-scheme__version")
    )


def previous_results(user, scheme: EvaluationScheme) -> dict[int, EvaluationResult]:
    """Last year's published results (the newest published version), by department: the
    year-on-year column of the results page."""
    previous = (
        EvaluationScheme.objects.filter(
            plan_year__year=scheme.plan_year.year - 1,
            state=EvaluationScheme.State.PUBLISHED,
        )
        .order_by("-version")
        .first()
    )
    if previous is None:
        return {}
    return {r.department_id: r for r in visible_results(user).filter(scheme=previous)}


def visible_feedback(user) -> QuerySet[Feedback]:
    access = access_for(user)
    qs = Feedback.objects.select_related("scheme", "scheme__plan_year", "department")
    if access.reads_everything:
        return qs
    return qs.filter(department_id__in=access.member_departments | access.portfolio)


def linkable_targets(feedback: Feedback) -> QuerySet[Target]:
    return Target.objects.filter(
        lead_department_id=feedback.department_id,
        plan_year__year__gt=feedback.scheme.plan_year.year,
    ).order_by("code")


def leaves_of(scheme) -> QuerySet[Indicator]:
    return scheme.indicators.filter(children=None)


def result_outcome(result: EvaluationResult, scheme: EvaluationScheme) -> dict | None:
    """Zhongshan Art. 23's outcome of a result as printed on the result sheet and in the
    results PDF: the share of the annual 绩效奖金 and the lines it is made of (no query; None
    when the scheme ties no outcome to its results)."""
    outcome = (result.detail or {}).get("outcome")
    if not outcome:
        return None
    labels = {
        "bonus": _("发放年度绩效奖金"),
        "extra": _("绩效突出，增发绩效奖金"),
        "cut": _("扣减绩效奖金"),
        "none": _("不发放年度绩效奖金"),
    }
    lines = []
    for line in outcome.get("lines", []):
        reasons = []
        if line["kind"] == "bonus":
            reasons.append(
                _("等次为“%(g)s”及以上") % {"g": scheme.bonus_min_grade}
                if not scheme.is_pass_fail
                else _("达标")
            )
        elif line["kind"] == "extra":
            reasons.append(_("等次为“%(g)s”") % {"g": scheme.extra_bonus_grade})
        elif line["kind"] == "none":
            reasons.append(
                _("等次未达到“%(g)s”") % {"g": scheme.bonus_min_grade}
                if not scheme.is_pass_fail
                else _("不达标")
            )
        elif line["kind"] == "cut":
            if line.get("records"):
                reasons.append(_("被行政问责%(n)s项") % {"n": len(line["records"])})
            if line.get("targets"):
                reasons.append(
                    _("未完成市政府重点工作：%(codes)s") % {"codes": "、".join(line["targets"])}
                )
        lines.append(
            {
                "kind": line["kind"],
                "label": labels[line["kind"]],
                "percent": Decimal(line["percent"]),
                "reason": "；".join(reasons),
            }
        )
    return {"bonus_percent": Decimal(outcome["bonus_percent"]), "lines": lines}
