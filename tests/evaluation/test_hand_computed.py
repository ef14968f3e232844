"""Results worked out by hand (the expected numbers are arithmetic in this file, never a call
to the code under test): a Zhongshan year, a Baoshan weighting, a Wuhan pass/fail year and a
joint-liability (条块连坐) deduction."""

from decimal import Decimal as D

import pytest

from evaluation import services
from evaluation.models import EvaluationResult, ScoreSheet
from evaluation.scoring import compute_results
from targets.models import Milestone, Target, TargetDepartment
from tests.conftest import Role, make_user
from tests.evaluation.conftest import accountability, executing_target, fill, make_scheme

pytestmark = pytest.mark.django_db


def results_by_dept(scheme):
    return {r.department_id: r for r in EvaluationResult.objects.filter(scheme=scheme)}


def test_zhongshan_year_four_departments_two_categories(plan_year, city, office, government):
    """Zhongshan Art. 19–21: 14 second-level indicators, 2 points per accountability record
    capped at 10, ranking and grades within each category.

    A (economic): full marks except 服务对象满意度 13.5/15 and 创新创优 8/10 → 96.50;
                  one 廉政问题 record → −2 → 94.50.
    B (economic): full marks except 完成重点任务 9/10 and 领导评价 9.5/10 → 98.50;
                  3 廉政 + 2 安全事故 + 1 审计 = 6 records × 2 = 12, capped at 10 → 88.50.
    C (social):   full except 各单位服务基层效果 9/10 and 服务对象满意度 14/15 → 98.00.
    D (social):   full except 重大工作创新成果… 8/10 → 98.00; a tie with C: both rank 1.
    Bands: 优秀 ≥ 90 for at most 20% of the category: floor(20% × 2) = 0 places, so nobody in a
    category of two is 优秀; ≥ 80 → 良好.
    """
    A, B, C, Dd = city["A"], city["B"], city["C"], city["D"]
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[A, B, C, Dd])
    services.scheme_open_scoring(scheme=scheme, by=office)
    fill(scheme, A, {"服务对象满意度": D("13.5"), "重大工作创新成果及受表彰奖励情况": D(8)})
    fill(scheme, B, {"完成重点任务": D(9), "领导评价": D("9.5")})
    fill(scheme, C, {"各单位服务基层效果": D(9), "服务对象满意度": D(14)})
    fill(scheme, Dd, {"重大工作创新成果及受表彰奖励情况": D(8)})
    accountability(plan_year, A, "discipline", 1, by=office)
    accountability(plan_year, B, "discipline", 3, by=office)
    accountability(plan_year, B, "safety_accident", 2, by=office)
    accountability(plan_year, B, "audit", 1, by=office)
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)

    r = results_by_dept(scheme)
    assert (r[A.pk].base_score, r[A.pk].deductions, r[A.pk].final_score) == (
        D("96.50"),
        D("2.00"),
        D("94.50"),
    )
    assert (r[B.pk].base_score, r[B.pk].deductions, r[B.pk].final_score) == (
        D("98.50"),
        D("10.00"),
        D("88.50"),
    )
    assert r[C.pk].final_score == D("98.00") and r[Dd.pk].final_score == D("98.00")
    assert (r[A.pk].rank, r[B.pk].rank) == (1, 2)
    assert (r[C.pk].rank, r[Dd.pk].rank) == (1, 1)
    assert {x.grade for x in r.values()} == {"良好"}
    # Area subtotals: A's 服务效果 = 45 − 1.5 = 43.5; 创新创优 = 8.
    areas = {i.name: i.pk for i in scheme.indicators.filter(parent=None)}
    assert D(r[A.pk].detail["indicators"][str(areas["服务效果"])]) == D("43.5")
    assert D(r[A.pk].detail["indicators"][str(areas["创新创优"])]) == D(8)
    # The deductions name the records behind them; the cap is a line of its own (12 → 10).
    lines = r[B.pk].detail["deductions"]
    assert sum(len(x.get("records", [])) for x in lines) == 6
    assert D([x for x in lines if x["kind"] == "cap"][0]["points"]) == D(-2)


def test_ranks_tie_as_1_1_3(plan_year, city, office, government, dept_a):
    """Three departments of one category: 95, 95, 90 → ranks 1, 1, 3."""
    A, B = city["A"], city["B"]
    E = type(A).objects.create(code="kjj", name="市科技局", category="economic")
    make_user("staff_e", department=E, role=Role.STAFF)
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[A, B, E])
    services.scheme_open_scoring(scheme=scheme, by=office)
    fill(scheme, A, {"服务对象满意度": D(10)})
    fill(scheme, B, {"重大工作创新成果及受表彰奖励情况": D(5)})
    fill(scheme, E, {"服务对象满意度": D(5)})
    ranks = {r.department_id: r.rank for r in compute_results(scheme)}
    assert [ranks[A.pk], ranks[B.pk], ranks[E.pk]] == [1, 1, 3]


def _baoshan_targets(plan_year, aspect, dept, *, staff, head, office):
    targets = [
        executing_target(
            plan_year, aspect, dept, staff=staff, head=head, office=office, title=f"目标{i}"
        )
        for i in range(3)
    ]
    # Two of three completed (办结审核 passed — the execution stage's transition; set here).
    Target.objects.filter(pk__in=[t.pk for t in targets[:2]]).update(state="completed")
    # Eight node targets counted (the third target has none), five of them achieved.
    Milestone.objects.filter(target=targets[2]).delete()
    ms = list(Milestone.objects.filter(target__in=targets).order_by("pk"))
    assert len(ms) == 8
    Milestone.objects.filter(pk__in=[m.pk for m in ms[:5]]).update(status="achieved")
    return targets


def test_baoshan_weighting_35_25_20_20(plan_year, aspect, city, office, government, head_a):
    """Baoshan: leaders 35, management departments 25, third party 20, objective data 20.

    A: leaders 87.5/100 → 87.5 × 35% = 30.625
       management 91/100 → 91 × 25% = 22.75
       third party 78.3/100 → 78.3 × 20% = 15.66
       objective: targets completed 2 of 3 → 50 × 2/3 = 33.3333…;
                  milestones achieved 5 of 8 → 50 × 5/8 = 31.25;
                  (33.3333… + 31.25)/100 × 20% = 12.916666…
       total 30.625 + 22.75 + 15.66 + 12.916666… = 81.951666… → 81.95 (half up, at the end).
    """
    A = city["A"]
    _baoshan_targets(plan_year, aspect, A, staff=city_staff(A), head=head_a, office=office)
    scheme = make_scheme("baoshan", year=plan_year, by=office, departments=[A])
    services.scheme_open_scoring(scheme=scheme, by=office)
    fill(
        scheme,
        A,
        {"区领导综合评价": D("87.5"), "区管理部门评价": D(91), "第三方评估": D("78.3")},
    )
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)
    result = EvaluationResult.objects.get(scheme=scheme, department=A)
    assert result.final_score == D("81.95")
    assert result.rank == 1
    sources = {b.name: result.detail["sources"][str(b.pk)] for b in scheme.bodies.all()}
    assert D(sources["区领导综合评价"]["weighted"]) == D("30.625")
    assert D(sources["第三方评估"]["weighted"]) == D("15.66")
    objective = ScoreSheet.objects.get(scheme=scheme, department=A, body__kind="objective")
    inputs = {e.indicator.name: e.inputs for e in objective.entries.select_related("indicator")}
    assert (inputs["目标办结率"]["numerator"], inputs["目标办结率"]["denominator"]) == (2, 3)
    assert (inputs["节点目标完成率"]["numerator"], inputs["节点目标完成率"]["denominator"]) == (
        5,
        8,
    )


def city_staff(dept):
    from accounts.models import User

    return User.objects.filter(memberships__department=dept, memberships__role="staff").first()


def test_wuhan_pass_fail_one_failed_item_fails_the_whole(
    plan_year, aspect, city, office, government, head_a, head_b
):
    """Wuhan 达标管理: A completes everything and the office passes its 必达目标 → 达标;
    B leaves one target in execution → 年度目标全部办结 fails → 不达标;
    C has nothing to count (full) but the office fails its 必达目标 → 不达标."""
    A, B, C = city["A"], city["B"], city["C"]
    a1 = executing_target(plan_year, aspect, A, staff=city_staff(A), head=head_a, office=office)
    b1 = executing_target(
        plan_year, aspect, B, staff=city_staff(B), head=head_b, office=office, title="乙1"
    )
    executing_target(
        plan_year, aspect, B, staff=city_staff(B), head=head_b, office=office, title="乙2"
    )
    Target.objects.filter(pk__in=[a1.pk, b1.pk]).update(state="completed")
    Milestone.objects.filter(target__plan_year=plan_year).update(status="achieved")
    scheme = make_scheme("wuhan", year=plan_year, by=office, departments=[A, B, C])
    services.scheme_open_scoring(scheme=scheme, by=office)
    fill(scheme, A, {})
    fill(scheme, B, {})
    fill(scheme, C, {"必达目标结硬账": False})
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)
    r = results_by_dept(scheme)
    assert (r[A.pk].passed, r[A.pk].grade) == (True, "达标")
    assert (r[B.pk].passed, r[B.pk].grade) == (False, "不达标")
    assert (r[C.pk].passed, r[C.pk].grade) == (False, "不达标")
    assert all(x.rank is None for x in r.values())
    # Publishing moved the year's executing and completed targets to 已评估.
    assert set(Target.objects.filter(plan_year=plan_year).values_list("state", flat=True)) == {
        "evaluated"
    }


def test_joint_liability_deduction_reaches_lead_responsible_and_cooperating(
    plan_year, aspect, city, office, government, head_a
):
    """Baoshan 条块连坐 with the template's shares (lead 100%, responsible 50%, cooperating 50%):
    a 4-point deduction on A's target with B responsible and C cooperating costs A 4, B 2, C 2;
    D, not on the target, nothing. Everyone else scores full marks (100) → 96, 98, 98, 100.
    (The objective body: no targets to count for B, C, D → full; A's one target is completed
    with its milestones achieved.)"""
    A, B, C, Dd = city["A"], city["B"], city["C"], city["D"]
    target = executing_target(plan_year, aspect, A, staff=city_staff(A), head=head_a, office=office)
    TargetDepartment.objects.create(target=target, department=B, role="responsible")
    TargetDepartment.objects.create(target=target, department=C, role="cooperating", task="配合")
    Target.objects.filter(pk=target.pk).update(state="completed")
    Milestone.objects.filter(target=target).update(status="achieved")
    scheme = make_scheme("baoshan", year=plan_year, by=office, departments=[A, B, C, Dd])
    services.scheme_open_scoring(scheme=scheme, by=office)
    for dept in (A, B, C, Dd):
        fill(scheme, dept, {})
    services.target_deduction_add(
        scheme=scheme, target=target, by=office, points="4", reason="“治五违”整治不力"
    )
    finals = {r.department_id: r.final_rounded for r in compute_results(scheme)}
    assert finals == {A.pk: D(96), B.pk: D(98), C.pk: D(98), Dd.pk: D(100)}


def _five(office):
    from accounts.models import Department

    depts = []
    for i in range(5):
        dept = Department.objects.create(code=f"e{i}", name=f"经济部门{i}", category="economic")
        make_user(f"staff_e{i}", department=dept, role=Role.STAFF)
        depts.append(dept)
    return depts


def test_grade_bands_by_score_and_share_of_category(plan_year, office, vice_mayor):
    """Template bands: 优秀 ≥ 90 for at most 20% of the category, 良好 ≥ 80, 合格 ≥ 60, else
    不合格. Five departments: floor(20% × 5) = 1 place for 优秀.
    Scores (full marks except 服务对象满意度 and 创新创优): 100−0−5 = 95; 100−2−5 = 93;
    100−4−5 = 91; 100−15−0 = 85; 100−15−10 = 75 →
    优秀 (95, the one place), 良好 (93: ≥ 90 but no room; ≥ 80), 良好 (91), 良好 (85), 合格 (75)."""
    depts = _five(office)
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=depts)
    services.scheme_open_scoring(scheme=scheme, by=office)
    cuts = [(15, 5), (13, 5), (11, 5), (0, 10), (0, 0)]
    for dept, (public, innovation) in zip(depts, cuts, strict=True):
        fill(
            scheme,
            dept,
            {"服务对象满意度": D(public), "重大工作创新成果及受表彰奖励情况": D(innovation)},
            comment="说明",
        )
    results = {r.department_id: r for r in compute_results(scheme)}
    got = [(results[d.pk].final_rounded, results[d.pk].rank, results[d.pk].grade) for d in depts]
    assert got == [
        (D(95), 1, "优秀"),
        (D(93), 2, "良好"),
        (D(91), 3, "良好"),
        (D(85), 4, "良好"),
        (D(75), 5, "合格"),
    ]


def test_departments_tied_for_the_top_share_the_lower_grade(plan_year, office, vice_mayor):
    """Two departments tied at 95 with one 优秀 place: the place cannot be split, so both are
    良好 (the cap "at most 20%" is never exceeded); ranks 1, 1."""
    depts = _five(office)
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=depts)
    services.scheme_open_scoring(scheme=scheme, by=office)
    for dept in depts:
        fill(scheme, dept, {"重大工作创新成果及受表彰奖励情况": D(5)}, comment="说明")
    results = list(compute_results(scheme))
    assert {(r.rank, r.grade) for r in results} == {(1, "良好")}


def test_a_target_evaluated_from_execution_is_not_counted_as_completed(
    plan_year, aspect, city, office, government, head_a
):
    """Publication moves executing targets to 已评估 as well; the completion share still counts
    only those that passed the completion review first (1 of 2 here)."""
    from evaluation.metrics import targets_completed_share

    A = city["A"]
    done = executing_target(plan_year, aspect, A, staff=city_staff(A), head=head_a, office=office)
    executing_target(
        plan_year, aspect, A, staff=city_staff(A), head=head_a, office=office, title="未办结"
    )
    Target.objects.filter(pk=done.pk).update(state="completed")
    scheme = make_scheme("wuhan", year=plan_year, by=office, departments=[A])
    services.scheme_open_scoring(scheme=scheme, by=office)
    fill(scheme, A, {})
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)
    assert set(Target.objects.values_list("state", flat=True)) == {"evaluated"}
    value = targets_completed_share(plan_year=plan_year, department=A)
    assert (value.numerator, value.denominator) == (1, 2)


def test_share_of_progress_reports_filed_on_time_worked_by_hand(
    plan_year, aspect, city, office, government, head_a, head_b, staff_b, tmp_path, settings
):
    """进展报告按时报送率 (issue 10 "share of reports on time"; Shanghai Art. 14). Quarterly year
    2027, no dates in its calendar: Q1 due 10 April, Q2 due 10 July, Q3 due 10 October. On
    20 July the owed reports are Q1 and Q2 of each of A's two targets — 4.
    - target 1: Q1 filed 5 April (on time), Q2 filed 15 July (late);
    - target 2: Q1 filed 8 April and verified (on time), Q2 still a draft (not on time);
    - B's report on its own target does not count for A.
    On time 2 of 4 owed."""
    import datetime

    from evaluation.metrics import get_metric
    from execution import clock
    from execution.services import progress as reports
    from targets.models import PlanYear

    settings.MEDIA_ROOT = tmp_path
    A, B = city["A"], city["B"]
    staff_a = city_staff(A)
    one = executing_target(plan_year, aspect, A, staff=staff_a, head=head_a, office=office)
    two = executing_target(
        plan_year, aspect, A, staff=staff_a, head=head_a, office=office, title="第二项"
    )
    other = executing_target(plan_year, aspect, B, staff=staff_b, head=head_b, office=office)
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)
    q1, q2 = datetime.date(2027, 1, 1), datetime.date(2027, 4, 1)

    def filed(target, staff, head, start, on):
        with clock.frozen(on):
            report = reports.progress_report_create(
                target=target,
                by=staff,
                period_start=start,
                data=reports.ReportInput(actual_value=D("6.1"), narrative="进展"),
            )
            return reports.progress_report_submit(report=report, by=head)

    filed(one, staff_a, head_a, q1, datetime.date(2027, 4, 5))
    filed(one, staff_a, head_a, q2, datetime.date(2027, 7, 15))
    early = filed(two, staff_a, head_a, q1, datetime.date(2027, 4, 8))
    with clock.frozen(datetime.date(2027, 4, 9)):
        reports.progress_report_verify(report=early, by=office, verified_value=D("6.1"))
    with clock.frozen(datetime.date(2027, 7, 20)):
        reports.progress_report_create(
            target=two,
            by=staff_a,
            period_start=q2,
            data=reports.ReportInput(actual_value=D("6.2"), narrative="草稿"),
        )
    filed(other, staff_b, head_b, q1, datetime.date(2027, 4, 5))

    metric = get_metric("reports_on_time_share")
    assert str(metric.label) == "进展报告按时报送率"
    with clock.frozen(datetime.date(2027, 7, 20)):
        value = metric.compute(plan_year=plan_year, department=A)
        assert (value.numerator, value.denominator) == (2, 4)
        assert [line["completed"] for line in value.lines] == [True, False, True, False]
        value_b = metric.compute(plan_year=plan_year, department=B)
        # B: its Q1 on time, its Q2 never filed.
        assert (value_b.numerator, value_b.denominator) == (1, 2)
    with clock.frozen(datetime.date(2027, 4, 20)):
        # Before Q2's deadline only Q1 is owed: both of A's filed on time.
        value = metric.compute(plan_year=plan_year, department=A)
        assert (value.numerator, value.denominator) == (2, 2)
