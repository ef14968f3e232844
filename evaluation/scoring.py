"""The one computation of results (Shanghai Art. 24: 实事求是反映部门绩效; Wuhan: 以分数定名次).

``compute_results(scheme)`` reads the stored sheets, accountability records and target
deductions and returns every department's result; publishing stores exactly what it returns,
and recomputing a published scheme gives the same numbers (tested).

Arithmetic rule (documented in the README):
- all arithmetic is ``Decimal``, never float, with 28 significant digits;
- an objective indicator scores ``max × numerator / denominator`` (full points when there is
  nothing to count);
- points mode (百分制, Zhongshan): the base score is the sum of the leaves' points;
- weighted mode (Baoshan): each body contributes ``its points / its maximum × its weight``;
- accountability deductions: ``points_each × records`` per category, capped per category if
  the rule says so, then all together capped by the scheme (Zhongshan: 2 each, at most 10);
  joint-liability (条块连坐) deductions add ``points × share%`` per department, uncapped;
- final = base − deductions, then rounded **half up to two places, once, at the end**; shown
  sub-totals are rounded the same way for display only;
- rank within category by the rounded final score, ties ranked equal (1, 1, 3);
- grade: bands from best to worst; a department gets the first band whose minimum it reaches
  while fewer than ``floor(share% × category size)`` departments already hold it; departments
  tied on the rounded score get the same grade (a capped band takes them only if all fit);
  a capped band that passed over a group (no room for all of it) closes: no lower score gets
  it, so a grade never inverts ranks;
- pass/fail mode (Wuhan): a department passes only if every item passes (an objective item
  passes at 100%); no rank.
A sheet not submitted when the scheme is published contributes nothing, and the result says so
(publishing so needs a recorded reason).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from supervision.models import AccountabilityRecord
from targets.models import TargetDepartment

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
            "exact": {
                "base": plain(self.base),
                "deductions": plain(self.deductions),
                "final": plain(self.final),
            },
        }


def entry_points(entry: ScoreEntry, indicator: Indicator) -> Decimal:
    """The points an entry gives: as entered, or computed from an objective entry's inputs."""
    if indicator.metric:
        numerator = int(entry.inputs.get("numerator", 0))
        denominator = int(entry.inputs.get("denominator", 0))
        if denominator == 0:
            return indicator.max_points
        return indicator.max_points * Decimal(numerator) / Decimal(denominator)
    return entry.points if entry.points is not None else ZERO


def entry_passed(entry: ScoreEntry, indicator: Indicator) -> bool | None:
    if indicator.metric:
        numerator = int(entry.inputs.get("numerator", 0))
        denominator = int(entry.inputs.get("denominator", 0))
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
    indicators = list(scheme.indicators.all())
    children, leaves = _tree(indicators)
    bodies = {b.pk: b for b in scheme.bodies.all()}
    body_max = defaultdict(lambda: ZERO)
    for leaf in leaves:
        if leaf.body_id:
            body_max[leaf.body_id] += leaf.max_points
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
        for leaf in leaves:
            sheet = sheet_by.get((leaf.body_id, p.department_id))
            if sheet is None:
                continue
            r.sheet_of_indicator[leaf.pk] = sheet.pk
            if not sheet.is_done:
                if sheet.pk not in r.missing_sheets:
                    r.missing_sheets.append(sheet.pk)
                values[leaf.pk] = ZERO
                r.passed_items[leaf.pk] = None
                continue
            entry = next((e for e in sheet.entries.all() if e.indicator_id == leaf.pk), None)
            if entry is None:
                values[leaf.pk] = ZERO
                r.passed_items[leaf.pk] = None
                continue
            values[leaf.pk] = entry_points(entry, leaf)
            r.passed_items[leaf.pk] = entry_passed(entry, leaf)
            body_points[leaf.body_id] += values[leaf.pk]
        for root in children.get(None, []):
            _subtotal(root.pk, children, values)
        r.indicators = values

        for body_id, body in bodies.items():
            if not body_max.get(body_id):
                continue
            weighted = None
            if scheme.mode == EvaluationScheme.Mode.WEIGHTED:
                weighted = body_points[body_id] / body_max[body_id] * (body.weight or ZERO)
            r.sources[body_id] = {
                "points": plain(body_points[body_id]),
                "max": plain(body_max[body_id]),
                "weight": plain(body.weight),
                "weighted": plain(weighted),
            }
        if scheme.mode == EvaluationScheme.Mode.WEIGHTED:
            r.base = sum(
                (Decimal(s["weighted"]) for s in r.sources.values() if s["weighted"]), ZERO
            )
        else:
            r.base = sum((values.get(root.pk, ZERO) for root in children.get(None, [])), ZERO)

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
            r.passed = all(r.passed_items.get(leaf.pk) is True for leaf in leaves)
            r.grade = "达标" if r.passed else "不达标"
        r.final = r.base - r.deductions
        results.append(r)

    if not scheme.is_pass_fail:
        _rank_and_grade(scheme, results)
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
