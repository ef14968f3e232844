"""The Zhongshan template as printed, Art. 23's outcomes and objective indicators with nothing to
count (issue 16 items 8–10). Expected numbers are worked out by hand in the docstrings, never
read from the code under test."""

from decimal import Decimal as D

import pytest

from accounts.models import Department
from documents import pdf as document_pdf
from evaluation import services
from evaluation.models import EvaluationResult, ScoreSheet
from evaluation.scoring import compute_results
from tests.conftest import Role, make_user
from tests.documents.conftest import pdf_text
from tests.evaluation.conftest import accountability, executing_target, fill, make_scheme
from workflow.errors import ValidationFailed

pytestmark = pytest.mark.django_db

REFORM = "深化行政审批制度改革"


def results_by_dept(scheme):
    return {r.department_id: r for r in EvaluationResult.objects.filter(scheme=scheme)}


# --- item 8: the template as printed ---------------------------------------------------------


def test_the_reform_indicator_has_both_printed_scoring_bodies(plan_year, office, government):
    """Zhongshan Art. 19(二) and 附件1: 深化行政审批制度改革 is scored by 市编委办 and 市发展改革局
    (附件2: 市发展改革局 协助市编委办) — two bodies, not one body named after both."""
    scheme = services.scheme_create(plan_year=plan_year, by=office, template_key="zhongshan_2012")
    leaf = scheme.indicators.get(name=REFORM)
    assert [leaf.body.name, *[b.name for b in leaf.co_bodies.all()]] == ["市编委办", "市发展改革局"]
    names = list(scheme.bodies.values_list("name", flat=True))
    assert "市发展改革局" in names and "市编委办" in names
    assert not [n for n in names if "、" in n and "市编委办" in n]
    # 市编委办 scores 履行法定职责 and the reform; 市发展改革局 the reform alone.
    assert sorted(
        scheme.indicators.filter(body__name="市编委办").values_list("name", flat=True)
    ) == [
        "履行法定职责",
        REFORM,
    ]


def test_both_bodies_score_the_reform_and_the_indicator_takes_their_average(
    plan_year, city, office, government, staff_a
):
    """市编委办 gives 4 of 5, 市发展改革局 gives 3 of 5 → the indicator scores (4 + 3) ÷ 2 = 3.5;
    every other indicator full → 100 − 5 + 3.5 = 98.50. Each body fills its own sheet."""
    A = city["A"]
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[A])
    services.scheme_open_scoring(scheme=scheme, by=office)
    sheets = ScoreSheet.objects.filter(scheme=scheme, department=A, body__indicators__name=REFORM)
    fagai = ScoreSheet.objects.get(scheme=scheme, department=A, body__name="市发展改革局")
    assert [leaf.name for leaf in services.sheet_leaves(fagai)] == [REFORM]
    assert sheets.count() == 1  # 市编委办's sheet (primary body) ...
    bianwei = sheets.get()
    assert [leaf.name for leaf in services.sheet_leaves(bianwei)] == ["履行法定职责", REFORM]
    reform = scheme.indicators.get(name=REFORM)

    # Fill everything at full marks, then the two bodies' own points for the reform.
    fill(scheme, A, {})
    ScoreSheet.objects.filter(pk__in=[fagai.pk, bianwei.pk]).update(state="draft")
    for sheet, points in [(bianwei, D(4)), (fagai, D(3))]:
        entries = {reform.pk: services.EntryInput(points=points, comment="试点推进偏慢")}
        services.sheet_save(sheet=sheet, by=office, entries=entries, submit=True)
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)
    result = results_by_dept(scheme)[A.pk]
    assert result.final_score == D("98.50")
    assert D(result.detail["indicators"][str(reform.pk)]) == D("3.5")
    joint = result.detail["joint_scores"][str(reform.pk)]
    assert [(j["sheet"], D(j["points"])) for j in joint] == [(bianwei.pk, D(4)), (fagai.pk, D(3))]


def test_joint_liability_is_off_in_zhongshan_and_on_in_baoshan(
    client, plan_year, aspect, city, office, government, staff_a, head_a
):
    """条块连坐 is Baoshan's (001, 试点一), not in the Zhongshan measures: a Zhongshan scheme takes
    no target deduction and its page says the rule does not apply; Baoshan's does."""
    target = executing_target(
        plan_year, aspect, city["A"], staff=staff_a, head=head_a, office=office
    )
    zhongshan = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[city["A"]])
    assert zhongshan.joint_liability is False
    services.scheme_open_scoring(scheme=zhongshan, by=office)
    with pytest.raises(ValidationFailed, match="未启用条块连坐"):
        services.target_deduction_add(
            scheme=zhongshan, target=target, by=office, points="2", reason="整治不力"
        )
    assert not zhongshan.target_deductions.exists()
    client.force_login(office)
    page = client.get(f"/evaluation/schemes/{zhongshan.pk}/").content.decode()
    assert "不适用（本方案不实行目标扣分连坐）" in page
    assert 'id="target-deductions"' not in page

    services.scheme_new_version(scheme=zhongshan, by=office)
    baoshan_year = type(plan_year).objects.create(year=2028, status="drafting")
    baoshan = make_scheme("baoshan", year=baoshan_year, by=office, departments=[city["A"]])
    assert baoshan.joint_liability is True


def test_grade_bands_are_marked_as_the_systems_default_until_edited(
    client, plan_year, office, government
):
    """The measures name categories and results (Art. 21–23), not bands: the template's bands
    are labelled 系统默认 on the scheme, and an edited band no longer is."""
    scheme = services.scheme_create(plan_year=plan_year, by=office, template_key="zhongshan_2012")
    assert [(b.name, b.is_default) for b in scheme.grade_bands.order_by("order")] == [
        ("优秀", True),
        ("良好", True),
        ("合格", True),
        ("不合格", True),
    ]
    client.force_login(office)
    page = client.get(f"/evaluation/schemes/{scheme.pk}/").content.decode()
    assert 'id="bands-default"' in page and page.count("系统默认") >= 5
    band = scheme.grade_bands.get(name="优秀")
    services.grade_band_save(
        scheme=scheme, by=office, band=band, name="优秀", order=1, min_score="92", max_percent="15"
    )
    band.refresh_from_db()
    assert band.is_default is False and band.min_score == D(92)


# --- item 9: Art. 23's outcomes -------------------------------------------------------------


@pytest.fixture
def five(government):
    """Five departments of one category, each with a staff member for its self-evaluation; a
    市领导 to fill the leaders' sheets."""
    make_user("vm_o", department=government, role=Role.LEADER, display_name="王副市长")
    depts = []
    for i, name in enumerate(["甲局", "乙局", "丙局", "丁局", "戊局"]):
        dept = Department.objects.create(code=f"o{i}", name=f"市{name}", category="economic")
        make_user(f"staff_o{i}", department=dept, role=Role.STAFF)
        make_user(f"head_o{i}", department=dept, role=Role.HEAD)
        depts.append(dept)
    return depts


def test_art_23_outcomes_on_the_result_sheet_and_in_the_results_pdf(
    client, plan_year, aspect, five, office, government, auditor
):
    """Zhongshan Art. 23 with the template's (system default) settings: 绩效奖金 from 合格 up,
    +10% for 优秀, −10% for a department held accountable or that missed a 市政府重点工作 task.

    Scores (one category of five: floor(20% × 5) = 1 place for 优秀):
      甲 full → 100.00 优秀 → 100% + 10% = 110%;
      乙 服务对象满意度 10/15 → 95.00; 优秀 is full → 良好 → 100%;
      丙 服务对象满意度 0/15 → 85.00, one 廉政问题 record −2 → 83.00 良好 → 100% − 10% = 90%;
      丁 满意度 0, 创新 0, 基层 0, 领导评价 0 → 100 − 45 = 55.00 不合格 → 0%;
      戊 创新 2/10 → 92.00 良好, leads a 重点工作 target still executing at publication →
        100% − 10% = 90%."""
    a, b, c, d, e = five
    key_target = executing_target(
        plan_year,
        aspect,
        e,
        staff=e.memberships.get(role="staff").user,
        head=e.memberships.get(role="head").user,
        office=office,
        is_key_work=True,
    )
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=five)
    services.scheme_open_scoring(scheme=scheme, by=office)
    fill(scheme, a, {})
    fill(scheme, b, {"服务对象满意度": D(10)})
    fill(scheme, c, {"服务对象满意度": D(0)})
    fill(
        scheme,
        d,
        {
            "服务对象满意度": D(0),
            "重大工作创新成果及受表彰奖励情况": D(0),
            "各单位服务基层效果": D(0),
            "领导评价": D(0),
        },
    )
    fill(scheme, e, {"重大工作创新成果及受表彰奖励情况": D(2)})
    accountability(plan_year, c, "discipline", 1, by=office)
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)

    r = results_by_dept(scheme)
    expected = {
        a: (D("100.00"), "优秀", D(110)),
        b: (D("95.00"), "良好", D(100)),
        c: (D("83.00"), "良好", D(90)),
        d: (D("55.00"), "不合格", D(0)),
        e: (D("92.00"), "良好", D(90)),
    }
    for dept, (score, grade, bonus) in expected.items():
        res = r[dept.pk]
        assert (res.final_score, res.grade) == (score, grade), dept.name
        assert D(res.detail["outcome"]["bonus_percent"]) == bonus, dept.name
    cut = [x for x in r[e.pk].detail["outcome"]["lines"] if x["kind"] == "cut"][0]
    assert cut["targets"] == [key_target.code] and cut["records"] == []
    # Recomputing the published scheme (targets now evaluated from executing) gives the same.
    again = {x.department_id: x.outcome["bonus_percent"] for x in compute_results(scheme)}
    assert {k: D(v) for k, v in again.items()} == {dept.pk: v[2] for dept, v in expected.items()}

    client.force_login(office)
    sheet = client.get(f"/evaluation/schemes/{scheme.pk}/results/{c.pk}/").content.decode()
    assert "年度绩效奖金：90%" in sheet
    assert "扣减绩效奖金 -10%（被行政问责1项）" in sheet
    sheet_e = client.get(f"/evaluation/schemes/{scheme.pk}/results/{e.pk}/").content.decode()
    assert f"未完成市政府重点工作：{key_target.code}" in sheet_e
    sheet_d = client.get(f"/evaluation/schemes/{scheme.pk}/results/{d.pk}/").content.decode()
    assert "不发放年度绩效奖金（等次未达到“合格”）" in sheet_d

    rendered = document_pdf.evaluation_results(user=auditor, scheme_id=scheme.pk)
    text = "".join(pdf_text(rendered.content).split())
    assert "绩效奖金" in text
    for percent in ("110%", "90%", "0%"):
        assert percent in text
    assert "绩效突出，增发绩效奖金+10%" in text
    sheet_pdf = document_pdf.evaluation_result_sheet(
        user=auditor, scheme_id=scheme.pk, department_id=c.pk
    )
    assert "扣减绩效奖金-10%（被行政问责1项）" in "".join(pdf_text(sheet_pdf.content).split())


def test_a_scheme_without_outcomes_shows_none_and_outcome_grades_must_exist(
    plan_year, city, office, government
):
    """Outcomes are the scheme's: Baoshan's template ties none; a grade that is not one of the
    scheme's bands is refused with a clear message and nothing saved."""
    scheme = make_scheme("baoshan", year=plan_year, by=office, departments=[city["A"]])
    assert scheme.bonus_min_grade == ""
    with pytest.raises(ValidationFailed) as caught:
        services.scheme_update(scheme=scheme, by=office, bonus_min_grade="卓越")
    assert caught.value.field_errors["bonus_min_grade"] == ["“卓越”不是本方案的等次。"]
    scheme.refresh_from_db()
    assert scheme.bonus_min_grade == ""
    with pytest.raises(ValidationFailed):
        services.scheme_update(scheme=scheme, by=office, extra_bonus_percent="120")
    services.scheme_update(
        scheme=scheme, by=office, bonus_min_grade="良好", extra_bonus_percent="15"
    )
    scheme.refresh_from_db()
    assert (scheme.bonus_min_grade, scheme.extra_bonus_percent) == ("良好", D(15))


# --- item 10: objective indicators with nothing to count ------------------------------------


def _baoshan(plan_year, office, departments, choice=None):
    scheme = make_scheme("baoshan", year=plan_year, by=office, departments=departments)
    if choice:
        services.scheme_update(scheme=scheme, by=office, empty_objective=choice)
    services.scheme_open_scoring(scheme=scheme, by=office)
    return scheme


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        # leaders 80, management 90, third party 70 (each of 100), objective 0 of 0 on both:
        # excluded: (80×35 + 90×25 + 70×20) ÷ 100 = 64.5 over the counted weights 80 → ×100/80
        #           = 80.625 → 80.63;
        # full:     64.5 + 20 = 84.50;
        # zero:     64.5 + 0 = 64.50.
        (None, D("80.63")),
        ("full", D("84.50")),
        ("zero", D("64.50")),
    ],
)
def test_nothing_to_count_is_the_schemes_choice(
    choice, expected, client, plan_year, city, office, government
):
    """Issue 16 item 10 (Baoshan's objective data): a department leading no target has 0 of 0
    on both objective indicators; the scheme decides — excluded and the rest re-weighted
    (default), full marks, or zero — and the result sheet says which."""
    A = city["A"]
    scheme = _baoshan(plan_year, office, [A], choice)
    fill(scheme, A, {"区领导综合评价": D(80), "区管理部门评价": D(90), "第三方评估": D(70)})
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)
    result = results_by_dept(scheme)[A.pk]
    assert result.final_score == expected
    client.force_login(office)
    page = client.get(f"/evaluation/schemes/{scheme.pk}/results/{A.pk}/").content.decode()
    label = {None: "不计入，其余指标按比例折算", "full": "按满分计", "zero": "按0分计"}[choice]
    assert f"客观指标无可计数对象时：{label}（方案设定）" in page
    assert "0/0" in page
    if choice is None:
        assert 'id="rescale"' in page and "无可计数对象，不计入" in page


def test_an_indicator_with_something_to_count_is_never_excluded(
    plan_year, aspect, city, office, government, staff_a, head_a
):
    """The department leads one executing target: 目标办结率 0 of 1 and 节点目标完成率 0 of its
    node targets are counted (0 points), nothing is excluded: leaders, management and third
    party at 100 → 35 + 25 + 20 + 0 = 80.00 (the choice applies only to 0 of 0)."""
    A = city["A"]
    executing_target(plan_year, aspect, A, staff=staff_a, head=head_a, office=office)
    scheme = _baoshan(plan_year, office, [A])
    fill(scheme, A, {})
    r = {x.department_id: x for x in compute_results(scheme)}[A.pk]
    assert r.final_rounded == D("80.00") and r.excluded == [] and r.rescale == {}
