"""The one computation of results (Shanghai Art. 24: 实事求是反映部门绩效; Wuhan: 以分数定名次).

``compute_results(scheme)`` reads the stored sheets, accountability records and target
deductions and returns every department's result; publishing stores exactly what it returns,
and recomputing a published scheme gives the same numbers (tested).

Arithmetic rule (documented in the README):
- all arithmetic is ``Decimal``, never float, with 28 significant digits;
- an objective indicator scores ``max × numerator / denominator``; with nothing to count
  (0 of 0) the scheme chooses (issue 16 item 10): excluded and the rest re-weighted (default:
  points mode scales the counted total up to the full maximum, ``Σ counted × total max ÷
  counted max``; weighted mode takes the body's score over its counted maximum, and a body with
  nothing counted drops out, the remaining weights rescaled to 100; pass/fail mode skips the
  item), full marks, or zero;
- an indicator scored jointly by several bodies (Zhongshan 附件1: 深化行政审批制度改革 by 市编委办
  and 市发展改革局) gets the average of their points; each body's share is ``max ÷ bodies``;
- points mode (百分制, Zhongshan): the base score is the sum of the leaves' points;
- weighted mode (Baoshan): each body contributes ``its points / its maximum × its weight``;
- accountability deductions: ``points_each × records`` per category, capped per category if
  the rule says so, then all together capped by the scheme (Zhongshan: 2 each, at most 10);
  joint-liability (条块连坐) deductions, when the scheme has them on, add ``points × share%``
  per department, uncapped;
- final = base − deductions, then rounded **half up to two places, once, at the end**; shown
  sub-totals are rounded the same way for display only;
- rank within category by the rounded final score, ties ranked equal (1, 1, 3);
- grade: bands from best to worst; a department gets the first band whose minimum it reaches
  while fewer than ``floor(share% × category size)`` departments already hold it; departments
  tied on the rounded score get the same grade (a capped band takes them only if all fit);
  a capped band that passed over a group (no room for all of it) closes: no lower score gets
  it, so a grade never inverts ranks;
- pass/fail mode (Wuhan): a department passes only if every item passes (an objective item
  passes at 100%); no rank;
- outcomes (Zhongshan Art. 23), when the scheme names a lowest bonus grade: 100% of the annual
  绩效奖金 at that grade or better (达标 in pass/fail mode), plus the extra share for the best
  grade, minus the cut share if the department has an accountability record of the year or a
  市政府重点工作 target it leads was not completed; below the grade, 0%.
A sheet not submitted when the scheme is published contributes nothing, and the result says so
(publishing so needs a recorded reason).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from supervision.models import AccountabilityRecord
from targets.models import Target, TargetDepartment

from .models import (
    EvaluationScheme,
    Indicator,
    Participant,
    ScoreEntry,
    ScoreSheet,
    TargetDeduction,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
EMPTY_EXCLUDE = EvaluationScheme.EmptyObjective.EXCLUDE
EMPTY_FULL = EvaluationScheme.EmptyObjective.FULL
EMPTY_ZERO = EvaluationScheme.EmptyObjective.ZERO


def round2(value: Decimal) -> Decimal:
    """四舍五入 to two places: the one rounding of a result, applied at the end."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


@dataclass
class DepartmentResult:
    department_id: int
    category: str
    indicators: dict[int, Decimal] = field(default_factory=dict)  # leaf and inner nodes
    passed_items: dict[int, bool | None] = field(default_factory=dict)
    sources: dict[int, dict] = field(default_factory=dict)
    deduction_lines: list[dict] = field(default_factory=list)
    missing_sheets: list[int] = field(default_factory=list)
    sheet_of_indicator: dict[int, int] = field(default_factory=dict)
    joint_scores: dict[int, list] = field(default_factory=dict)
    objective_inputs: dict[int, list] = field(default_factory=dict)
    excluded: list[int] = field(default_factory=list)
    rescale: dict = field(default_factory=dict)
    outcome: dict = field(default_factory=dict)
    base: Decimal = ZERO
    deductions: Decimal = ZERO
    final: Decimal = ZERO
    rank: int | None = None
    category_size: int = 0
    grade: str = ""
    passed: bool | None = None

    @property
    def base_rounded(self) -> Decimal:
        return round2(self.base)

    @property
    def deductions_rounded(self) -> Decimal:
        return round2(self.deductions)

    @property
    def final_rounded(self) -> Decimal:
        return round2(self.final)

    def detail(self) -> dict:
        """What the stored result keeps: every number (exact) and what it came from."""
        return {
            "indicators": {str(k): plain(v) for k, v in self.indicators.items()},
            "passed_items": {str(k): v for k, v in self.passed_items.items()},
            "sources": {str(k): v for k, v in self.sources.items()},
            "deductions": self.deduction_lines,
            "missing_sheets": self.missing_sheets,
            "sheet_of_indicator": {str(k): v for k, v in self.sheet_of_indicator.items()},
            "joint_scores": {str(k): v for k, v in self.joint_scores.items()},
            "objective_inputs": {str(k): v for k, v in self.objective_inputs.items()},
            "excluded": self.excluded,
            "rescale": self.rescale,
            "outcome": self.outcome,
            "exact": {
                "base": plain(self.base),
                "deductions": plain(self.deductions),
                "final": plain(self.final),
            },
        }


def nothing_to_count(entry: ScoreEntry, indicator: Indicator) -> bool:
    """An objective entry that counted nothing (0 of 0)."""
    return bool(indicator.metric) and int(entry.inputs.get("denominator", 0)) == 0


def entry_points(entry: ScoreEntry, indicator: Indicator, empty: str = "full") -> Decimal:
    """The points an entry gives: as entered, or computed from an objective entry's inputs
    (``empty``: the scheme's choice for 0 of 0; an excluded entry gives 0 and is left out of
    the maximum by ``compute_results``)."""
    if indicator.metric:
        numerator = int(entry.inputs.get("numerator", 0))
        denominator = int(entry.inputs.get("denominator", 0))
        if denominator == 0:
            return indicator.max_points if empty == EMPTY_FULL else ZERO
        return indicator.max_points * Decimal(numerator) / Decimal(denominator)
    return entry.points if entry.points is not None else ZERO


def entry_passed(entry: ScoreEntry, indicator: Indicator, empty: str = "full") -> bool | None:
    if indicator.metric:
        numerator = int(entry.inputs.get("numerator", 0))
        denominator = int(entry.inputs.get("denominator", 0))
        if denominator == 0:
            return empty != EMPTY_ZERO
        return numerator == denominator
    return entry.passed


def _tree(indicators: list[Indicator]):
    children = defaultdict(list)
    for ind in indicators:
        children[ind.parent_id].append(ind)
    leaves = [i for i in indicators if not children.get(i.pk)]
    return children, leaves


def _subtotal(node_id, children, values) -> Decimal:
    kids = children.get(node_id)
    if not kids:
        return values.get(node_id, ZERO)
    total = sum((_subtotal(k.pk, children, values) for k in kids), ZERO)
    values[node_id] = total
    return total


def compute_results(scheme: EvaluationScheme) -> list[DepartmentResult]:
    """Every participant's result under ``scheme``, from the stored sheets (a fixed number of
    queries whatever the number of departments)."""
    indicators = list(scheme.indicators.prefetch_related("co_bodies"))
    children, leaves = _tree(indicators)
    bodies = {b.pk: b for b in scheme.bodies.all()}
    empty = scheme.empty_objective
    # Who scores each leaf: its body, then the bodies scoring it jointly; each body's share of
    # the leaf's maximum is max ÷ bodies.
    scorers = {
        leaf.pk: [leaf.body_id, *sorted(b.pk for b in leaf.co_bodies.all())]
        for leaf in leaves
        if leaf.body_id
    }
    body_max = defaultdict(lambda: ZERO)
    for leaf in leaves:
        for body_id in scorers.get(leaf.pk, []):
            body_max[body_id] += leaf.max_points / len(scorers[leaf.pk])
    total_max = sum((root.max_points for root in children.get(None, [])), ZERO)
    participants = list(Participant.objects.filter(scheme=scheme))
    sheets = list(
        ScoreSheet.objects.filter(scheme=scheme, is_self=False).prefetch_related("entries")
    )
    sheet_by = {(s.body_id, s.department_id): s for s in sheets}

    records = defaultdict(list)
    rules = {r.category: r for r in scheme.deduction_rules.all()}
    if rules:
        for rec in AccountabilityRecord.objects.filter(
            plan_year_id=scheme.plan_year_id, category__in=list(rules)
        ).order_by("occurred_on", "pk"):
            records[rec.department_id].append(rec)

    joint = defaultdict(list)
    target_deductions = []
    if scheme.joint_liability:
        target_deductions = list(
            TargetDeduction.objects.filter(scheme=scheme).select_related("target").order_by("pk")
        )
    if target_deductions:
        roles = defaultdict(list)
        for td in TargetDepartment.objects.filter(
            target_id__in=[d.target_id for d in target_deductions]
        ):
            roles[td.target_id].append((td.department_id, td.role))
        shares = {
            "lead": scheme.joint_lead_percent,
            TargetDepartment.Role.RESPONSIBLE: scheme.joint_responsible_percent,
            TargetDepartment.Role.COOPERATING: scheme.joint_cooperating_percent,
        }
        for d in target_deductions:
            for dept_id, role in [(d.target.lead_department_id, "lead"), *roles[d.target_id]]:
                share = shares[role]
                if share:
                    joint[dept_id].append(
                        {
                            "kind": "joint",
                            "deduction": d.pk,
                            "target": d.target_id,
                            "target_code": d.target.code,
                            "role": role,
                            "percent": plain(share),
                            "points": plain(d.points * share / HUNDRED),
                        }
                    )

    results = []
    for p in participants:
        r = DepartmentResult(department_id=p.department_id, category=p.category)
        values: dict[int, Decimal] = {}
        body_points = defaultdict(lambda: ZERO)
        counted_max = dict(body_max)
        excluded_max = ZERO
        for leaf in leaves:
            parts = []  # (body, sheet, points, passed) of each body scoring the leaf
            for body_id in scorers.get(leaf.pk, []):
                sheet = sheet_by.get((body_id, p.department_id))
                if sheet is None:
                    continue
                entry = None
                if not sheet.is_done:
                    if sheet.pk not in r.missing_sheets:
                        r.missing_sheets.append(sheet.pk)
                else:
                    entry = next(
                        (e for e in sheet.entries.all() if e.indicator_id == leaf.pk), None
                    )
                if entry is not None and leaf.metric:
                    r.objective_inputs[leaf.pk] = [
                        int(entry.inputs.get("numerator", 0)),
                        int(entry.inputs.get("denominator", 0)),
                    ]
                if entry is not None and empty == EMPTY_EXCLUDE and nothing_to_count(entry, leaf):
                    parts.append((body_id, sheet, None, None))
                elif entry is None:
                    parts.append((body_id, sheet, ZERO, None))
                else:
                    parts.append(
                        (
                            body_id,
                            sheet,
                            entry_points(entry, leaf, empty),
                            entry_passed(entry, leaf, empty),
                        )
                    )
            if not parts:
                continue
            r.sheet_of_indicator[leaf.pk] = parts[0][1].pk
            if all(points is None for _b, _s, points, _p in parts):
                # Issue 16 item 10: nothing to count, excluded; the rest is re-weighted.
                r.excluded.append(leaf.pk)
                values[leaf.pk] = ZERO
                r.passed_items[leaf.pk] = None
                excluded_max += leaf.max_points
                for body_id, *_rest in parts:
                    counted_max[body_id] -= leaf.max_points / len(parts)
                continue
            n = len(parts)
            values[leaf.pk] = sum((points or ZERO for _b, _s, points, _p in parts), ZERO) / n
            passes = [passed for _b, _s, _pts, passed in parts]
            r.passed_items[leaf.pk] = False if False in passes else True if all(passes) else None
            for body_id, _sheet, points, _passed in parts:
                body_points[body_id] += (points or ZERO) / n
            if n > 1:
                r.joint_scores[leaf.pk] = [
                    {"body": body_id, "sheet": sheet.pk, "points": plain(points)}
                    for body_id, sheet, points, _passed in parts
                ]
        for root in children.get(None, []):
            _subtotal(root.pk, children, values)
        r.indicators = values

        weights_counted = ZERO
        for body_id, body in bodies.items():
            if not body_max.get(body_id):
                continue
            weighted = None
            dropped = counted_max[body_id] <= 0
            if scheme.mode == EvaluationScheme.Mode.WEIGHTED and not dropped:
                weighted = body_points[body_id] / counted_max[body_id] * (body.weight or ZERO)
                weights_counted += body.weight or ZERO
            r.sources[body_id] = {
                "points": plain(body_points[body_id]),
                "max": plain(counted_max[body_id]),
                "weight": plain(body.weight),
                "weighted": plain(weighted),
                "excluded": dropped,
            }
        if scheme.mode == EvaluationScheme.Mode.WEIGHTED:
            r.base = sum(
                (Decimal(s["weighted"]) for s in r.sources.values() if s["weighted"]), ZERO
            )
            all_weights = sum((bodies[b].weight or ZERO for b in r.sources), ZERO)
            if weights_counted and weights_counted != all_weights:
                r.rescale = {"counted": plain(weights_counted), "total": plain(all_weights)}
                r.base = r.base * all_weights / weights_counted
        else:
            r.base = sum((values.get(root.pk, ZERO) for root in children.get(None, [])), ZERO)
            if excluded_max and total_max > excluded_max:
                r.rescale = {"counted": plain(total_max - excluded_max), "total": plain(total_max)}
                r.base = r.base * total_max / (total_max - excluded_max)

        # Zhongshan Art. 20: per accountability record, per category, within the cap.
        accountability = ZERO
        per_category = defaultdict(list)
        for rec in records.get(p.department_id, []):
            per_category[rec.category].append(rec)
        for category, recs in per_category.items():
            rule = rules[category]
            points = rule.points_each * len(recs)
            if rule.cap is not None:
                points = min(points, rule.cap)
            accountability += points
            r.deduction_lines.append(
                {
                    "kind": "accountability",
                    "category": category,
                    "rule": rule.pk,
                    "records": [rec.pk for rec in recs],
                    "points": plain(points),
                }
            )
        if scheme.deduction_cap is not None and accountability > scheme.deduction_cap:
            r.deduction_lines.append(
                {
                    "kind": "cap",
                    "points": plain(scheme.deduction_cap - accountability),
                    "cap": plain(scheme.deduction_cap),
                }
            )
            accountability = scheme.deduction_cap
        joint_lines = joint.get(p.department_id, [])
        r.deduction_lines += joint_lines
        r.deductions = accountability + sum((Decimal(j["points"]) for j in joint_lines), ZERO)

        if scheme.is_pass_fail:
            r.base = ZERO
            r.deductions = ZERO
            r.passed = all(
                r.passed_items.get(leaf.pk) is True for leaf in leaves if leaf.pk not in r.excluded
            )
            r.grade = "达标" if r.passed else "不达标"
        r.final = r.base - r.deductions
        results.append(r)

    if not scheme.is_pass_fail:
        _rank_and_grade(scheme, results)
    if scheme.bonus_min_grade:
        _outcomes(scheme, results)
    return results


def as_result(scheme: EvaluationScheme, r: DepartmentResult):
    """A computed result as the row publication stores (unsaved): what the preview shows before
    publication is exactly what will be stored."""
    from .models import EvaluationResult

    return EvaluationResult(
        scheme=scheme,
        department_id=r.department_id,
        category=r.category,
        base_score=round2(r.base),
        deductions=round2(r.deductions),
        final_score=r.final_rounded,
        rank=r.rank,
        category_size=r.category_size,
        grade=r.grade,
        passed=r.passed,
        detail=r.detail(),
    )


def _rank_and_grade(scheme: EvaluationScheme, results: list[DepartmentResult]) -> None:
    bands = list(scheme.grade_bands.all())
    by_category = defaultdict(list)
    for r in results:
        by_category[r.category].append(r)
    for category, group in by_category.items():
        group.sort(key=lambda r: (-r.final_rounded, r.department_id))
        size = len(group)
        for i, r in enumerate(group):
            r.category_size = size
            # Ties ranked equal (1, 1, 3): the rank is one more than those strictly ahead.
            same = i and group[i - 1].final_rounded == r.final_rounded
            r.rank = group[i - 1].rank if same else i + 1
        own = [b for b in bands if b.category == category]
        applicable = sorted(own or [b for b in bands if not b.category], key=lambda b: b.order)
        held = defaultdict(int)
        closed: set[int] = set()
        # Departments with the same (rounded) score get the same grade: a band with a share
        # cap takes a group of equals only if there is room for all of them. A capped band
        # that passed over a higher score is closed to every lower one (issue 16 item 7: a
        # grade never inverts ranks — 91.00 is not 优秀 when two tied at 93.50 are 良好).
        ties = defaultdict(list)
        for r in group:
            ties[r.final_rounded].append(r)
        for score in sorted(ties, reverse=True):
            equals = ties[score]
            for band in applicable:
                if band.min_score is not None and score < band.min_score:
                    continue
                if band.pk in closed:
                    continue
                if band.max_percent is not None:
                    room = (band.max_percent * size / HUNDRED).to_integral_value(ROUND_FLOOR)
                    if held[band.pk] + len(equals) > room:
                        closed.add(band.pk)
                        continue
                held[band.pk] += len(equals)
                for r in equals:
                    r.grade = band.name
                break


def _missed_major_tasks(scheme: EvaluationScheme, department_ids) -> dict[int, list[str]]:
    """Zhongshan Art. 23 未完成市政府重大绩效管理任务: the 市政府重点工作 targets each department
    leads that went into execution and did not pass the completion review (a target already
    evaluated counts as completed only if it was evaluated from 已办结, as in the metrics)."""
    from django.contrib.contenttypes.models import ContentType

    from audit.models import AuditEvent

    from .metrics import COUNTED_STATES

    rows = list(
        Target.objects.filter(
            plan_year_id=scheme.plan_year_id,
            lead_department_id__in=department_ids,
            is_key_work=True,
            state__in=COUNTED_STATES,
        )
        .order_by("code")
        .values_list("pk", "code", "state", "lead_department_id")
    )
    evaluated = [str(pk) for pk, _c, state, _d in rows if state == Target.State.EVALUATED]
    from_completed = set()
    if evaluated:
        from_completed = set(
            AuditEvent.objects.with_action(Target, "evaluate")
            .filter(
                content_type=ContentType.objects.get_for_model(Target),
                object_id__in=evaluated,
                from_state=Target.State.COMPLETED,
            )
            .values_list("object_id", flat=True)
        )
    missed = defaultdict(list)
    for pk, code, state, dept_id in rows:
        done = state == Target.State.COMPLETED or (
            state == Target.State.EVALUATED and str(pk) in from_completed
        )
        if not done:
            missed[dept_id].append(code)
    return missed


def _outcomes(scheme: EvaluationScheme, results: list[DepartmentResult]) -> None:
    """Zhongshan Art. 23: each department's 绩效奖金 as a share of the annual bonus, with the
    lines it is made of (a fixed number of queries)."""
    bands = list(scheme.grade_bands.all())
    ids = [r.department_id for r in results]
    accountable = defaultdict(list)
    for dept_id, pk in AccountabilityRecord.objects.filter(
        plan_year_id=scheme.plan_year_id, department_id__in=ids
    ).values_list("department_id", "pk"):
        accountable[dept_id].append(pk)
    missed = _missed_major_tasks(scheme, ids)
    for r in results:
        own = [b for b in bands if b.category == r.category]
        order_of = {b.name: b.order for b in (own or [b for b in bands if not b.category])}
        if scheme.is_pass_fail:
            qualifies = bool(r.passed)
        else:
            minimum = order_of.get(scheme.bonus_min_grade)
            qualifies = minimum is not None and r.grade in order_of and order_of[r.grade] <= minimum
        lines = []
        percent = ZERO
        if not qualifies:
            lines.append({"kind": "none", "percent": "0"})
        else:
            percent = HUNDRED
            lines.append({"kind": "bonus", "percent": "100"})
            if (
                scheme.extra_bonus_grade
                and r.grade == scheme.extra_bonus_grade
                and scheme.extra_bonus_percent
            ):
                percent += scheme.extra_bonus_percent
                lines.append({"kind": "extra", "percent": _percent(scheme.extra_bonus_percent)})
            if scheme.bonus_cut_percent and (
                accountable.get(r.department_id) or missed.get(r.department_id)
            ):
                percent -= scheme.bonus_cut_percent
                lines.append(
                    {
                        "kind": "cut",
                        "percent": _percent(-scheme.bonus_cut_percent),
                        "records": accountable.get(r.department_id, []),
                        "targets": missed.get(r.department_id, []),
                    }
                )
        r.outcome = {"bonus_percent": _percent(max(percent, ZERO)), "lines": lines}


def _percent(value: Decimal) -> str:
    """A share as written: 110, not 110.0000 (the scheme's percent fields keep four places)."""
    return format(value.normalize(), "f")
