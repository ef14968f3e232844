"""Grade bands never invert ranks (issue 16 item 7; Zhongshan 2012 Art. 21–22, Wuhan: 以分数定名次).

Worked by hand: the Zhongshan template is 100 points (full marks unless named); the scores below
come from cutting 服务对象满意度 (max 15) and 重大工作创新成果及受表彰奖励情况 (max 10). The
template's bands are 优秀 (≥ 90, at most 20% of the category), 良好 (≥ 80), 合格 (≥ 60),
不合格. A share-capped band takes a group of tied departments only if all of them fit; once it
passed over such a group it is closed to every lower score.
"""

from decimal import Decimal as D

import pytest

from accounts.models import Department
from evaluation import services
from evaluation.models import EvaluationResult
from evaluation.scoring import compute_results
from tests.conftest import Role, make_user
from tests.evaluation.conftest import fill, make_scheme

pytestmark = pytest.mark.django_db

SATISFACTION = "服务对象满意度"
INNOVATION = "重大工作创新成果及受表彰奖励情况"


def _departments(n, category="economic"):
    depts = []
    for i in range(n):
        dept = Department.objects.create(code=f"g{i}", name=f"考评部门{i}", category=category)
        make_user(f"staff_g{i}", department=dept, role=Role.STAFF)
        depts.append(dept)
    return depts


def _score(scheme, depts, cuts, *, by):
    """``cuts``: per department, (points for 服务对象满意度, points for 创新创优)."""
    services.scheme_open_scoring(scheme=scheme, by=by)
    for dept, (satisfaction, innovation) in zip(depts, cuts, strict=True):
        fill(
            scheme,
            dept,
            {SATISFACTION: D(satisfaction), INNOVATION: D(innovation)},
            comment="说明",
        )


def test_a_tie_at_the_cap_edge_does_not_hand_the_place_to_a_lower_score(
    plan_year, office, vice_mayor
):
    """Five departments of one category: floor(20% × 5) = 1 place for 优秀.
    Scores: 100 − 6.5 = 93.50 (twice, tied), 100 − 9 = 91.00, 100 − 15 = 85.00,
    100 − 15 − 10 = 75.00.
    The two at 93.50 reach 90 but cannot share one place → the 优秀 band passed over them and is
    closed: 91.00 is 良好, not 优秀 (today it takes the place: rank 3 above ranks 1 and 1).
    Expected: (93.50, 1, 良好), (93.50, 1, 良好), (91.00, 3, 良好), (85.00, 4, 良好), (75.00, 5, 合格).
    Checked on the stored (published) results as well."""
    depts = _departments(5)
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=depts)
    _score(scheme, depts, [("8.5", 10), ("8.5", 10), (6, 10), (0, 10), (0, 0)], by=office)
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)
    stored = {r.department_id: r for r in EvaluationResult.objects.filter(scheme=scheme)}
    got = [(stored[d.pk].final_score, stored[d.pk].rank, stored[d.pk].grade) for d in depts]
    assert got == [
        (D("93.50"), 1, "良好"),
        (D("93.50"), 1, "良好"),
        (D("91.00"), 3, "良好"),
        (D("85.00"), 4, "良好"),
        (D("75.00"), 5, "合格"),
    ]
    assert not any(r.grade == "优秀" for r in stored.values())


def test_a_tie_that_fits_takes_the_band_and_the_next_score_does_not(plan_year, office, vice_mayor):
    """Ten departments: floor(20% × 10) = 2 places for 优秀.
    Scores: 96.00 (alone, 100 − 4), 94.00 twice (100 − 6), 92.00 (100 − 8), then 85.00 × 6.
    96.00 takes the first place; the pair at 94.00 would need two more (1 + 2 > 2) → the band
    closes; 92.00 is 良好 too (today it takes the second place).
    Expected grades: 优秀, 良好, 良好, 良好, then 良好 × 6."""
    depts = _departments(10)
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=depts)
    cuts = [(11, 10), (9, 10), (9, 10), (7, 10)] + [(0, 10)] * 6
    _score(scheme, depts, cuts, by=office)
    results = {r.department_id: r for r in compute_results(scheme)}
    got = [(results[d.pk].final_rounded, results[d.pk].rank, results[d.pk].grade) for d in depts]
    assert got[:4] == [
        (D("96.00"), 1, "优秀"),
        (D("94.00"), 2, "良好"),
        (D("94.00"), 2, "良好"),
        (D("92.00"), 4, "良好"),
    ]
    assert {g for _, _, g in got[4:]} == {"良好"}


def test_a_category_smaller_than_five_with_a_scheme_share_of_40_percent(
    plan_year, office, vice_mayor
):
    """A category of three (social) and the office's own band 优秀 ≥ 90 for at most 40%
    (editable per scheme): floor(40% × 3) = 1 place.
    Scores: 95.00 twice (100 − 5), 91.00 (100 − 9). The tied pair does not fit in one place →
    优秀 closes; 91.00 is 良好 (today: 91.00 优秀 above two 良好 at 95.00).
    A second category (economic, two departments at 98.00 and 90.50) has its own size:
    floor(40% × 2) = 0 places → nobody 优秀 there either."""
    social = _departments(3, category="social")
    economic = [
        Department.objects.create(code=f"h{i}", name=f"经济考评部门{i}", category="economic")
        for i in range(2)
    ]
    for i, dept in enumerate(economic):
        make_user(f"staff_h{i}", department=dept, role=Role.STAFF)
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=social + economic)
    excellent = scheme.grade_bands.get(name="优秀")
    services.grade_band_save(
        scheme=scheme,
        by=office,
        band=excellent,
        name="优秀",
        order=excellent.order,
        min_score="90",
        max_percent="40",
    )
    _score(
        scheme,
        social + economic,
        [(10, 10), (10, 10), (6, 10), (13, 10), ("5.5", 10)],
        by=office,
    )
    results = {r.department_id: r for r in compute_results(scheme)}
    got = [(results[d.pk].final_rounded, results[d.pk].rank, results[d.pk].grade) for d in social]
    assert got == [(D(95), 1, "良好"), (D(95), 1, "良好"), (D(91), 3, "良好")]
    assert {results[d.pk].category_size for d in social} == {3}
    other = [(results[d.pk].final_rounded, results[d.pk].grade) for d in economic]
    assert other == [(D(98), "良好"), (D("90.50"), "良好")]
