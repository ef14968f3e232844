"""The evaluation pages: the office builds and runs a scheme, raters fill their sheets, the
department reads its published result and answers the feedback. Who may not: 404 for what
they may not read, 403 for what they may not do (Shanghai Art. 23–25; Zhongshan Art. 25)."""

from decimal import Decimal

import pytest
from django.core import mail

from evaluation import services
from evaluation.models import EvaluationResult, EvaluationScheme, Feedback, ScoreSheet
from targets.models import Target
from tests.evaluation.conftest import accountability, executing_target, fill, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring(plan_year, city, office, government):
    scheme = make_scheme(
        "zhongshan_2012", year=plan_year, by=office, departments=list(city.values())
    )
    return services.scheme_open_scoring(scheme=scheme, by=office)


@pytest.fixture
def published(scoring, city, office, plan_year):
    for dept in city.values():
        fill(scoring, dept, {"服务对象满意度": Decimal(12)})
    accountability(plan_year, city["A"], "audit", 1, by=office)
    services.scheme_lock(scheme=scoring, by=office)
    return services.scheme_publish(scheme=scoring, by=office)


def test_office_creates_a_scheme_from_the_zhongshan_template(client, office, plan_year, government):
    client.force_login(office)
    response = client.post(
        "/evaluation/schemes/new/", {"plan_year": plan_year.pk, "template": "zhongshan_2012"}
    )
    scheme = EvaluationScheme.objects.get()
    assert response.status_code == 302
    page = client.get(f"/evaluation/schemes/{scheme.pk}/").content.decode()
    for text in [
        "履职效率",
        "重大工作创新成果及受表彰奖励情况",
        "市府督查室",
        "审计结果",
        "开始评分",
    ]:
        assert text in page


def test_department_staff_may_not_create_schemes(client, staff_a, plan_year):
    client.force_login(staff_a)
    response = client.post(
        "/evaluation/schemes/new/", {"plan_year": plan_year.pk, "template": "zhongshan_2012"}
    )
    assert response.status_code == 403
    assert not EvaluationScheme.objects.exists()


def test_a_rater_fills_saves_a_draft_and_submits_on_the_page(client, scoring, staff_a, city):
    sheet = ScoreSheet.objects.get(scheme=scoring, department=city["A"], is_self=True)
    leaves = list(services.sheet_leaves(sheet))
    client.force_login(staff_a)
    data = {"version": sheet.version, "submit": "0", "summary": "全年目标完成良好。"}
    data.update({f"points-{leaf.pk}": str(leaf.max_points) for leaf in leaves})
    data[f"points-{leaves[0].pk}"] = "99"
    response = client.post(f"/evaluation/sheets/{sheet.pk}/", data)
    assert response.status_code == 400
    assert "得分须在0至5分之间" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.state == "assigned" and not sheet.entries.exists()
    data[f"points-{leaves[0].pk}"] = "5"
    data["version"] = sheet.version
    assert client.post(f"/evaluation/sheets/{sheet.pk}/", data).status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == "draft"
    data["submit"] = "1"
    data["version"] = sheet.version
    assert client.post(f"/evaluation/sheets/{sheet.pk}/", data).status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == "submitted" and sheet.submitted_by == staff_a


def test_a_rater_sees_only_their_own_sheets(client, scoring, staff_a, staff_b, city):
    own = ScoreSheet.objects.get(scheme=scoring, department=city["A"], is_self=True)
    other = ScoreSheet.objects.get(scheme=scoring, department=city["B"], is_self=True)
    body_sheet = ScoreSheet.objects.filter(scheme=scoring, department=city["A"], is_self=False)
    client.force_login(staff_a)
    assert client.get(f"/evaluation/sheets/{own.pk}/").status_code == 200
    assert client.get(f"/evaluation/sheets/{other.pk}/").status_code == 404
    assert client.get(f"/evaluation/sheets/{body_sheet.first().pk}/").status_code == 404
    listing = client.get("/evaluation/sheets/").content.decode()
    assert listing.count("部门自评") == 1


def test_auditor_reads_every_sheet_and_changes_none(client, scoring, auditor, city):
    sheet = ScoreSheet.objects.filter(scheme=scoring, is_self=False).first()
    client.force_login(auditor)
    assert client.get(f"/evaluation/sheets/{sheet.pk}/").status_code == 200
    response = client.post(f"/evaluation/sheets/{sheet.pk}/", {"submit": "1"})
    assert response.status_code == 403
    assert client.post(f"/evaluation/schemes/{scoring.pk}/lock/").status_code == 403
    scoring.refresh_from_db()
    assert scoring.state == "scoring"


def test_progress_per_body_and_department_and_reminders(
    client, scoring, office, staff_a, city, django_capture_on_commit_callbacks
):
    fill(scoring, city["A"], {})
    client.force_login(office)
    page = client.get(f"/evaluation/schemes/{scoring.pk}/progress/").content.decode()
    assert "按考评主体" in page and "按被考评部门" in page
    # A's 13 sheets (12 bodies + self) are in; B, C, D's are not: 13 of 52.
    assert "已提交 13 / 52" in page
    mail.outbox.clear()
    # A 催办 button first shows what it will remind (issue 19 item 3), nothing is sent yet …
    page = client.post(f"/evaluation/schemes/{scoring.pk}/remind/", {"department": city["B"].pk})
    assert page.status_code == 200 and len(page.context["sheets"]) == 13
    assert not ScoreSheet.objects.filter(reminded_at__isnull=False).exists()
    # … its own button sends them in the background.
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client.post(
            f"/evaluation/schemes/{scoring.pk}/remind/",
            {"department": city["B"].pk, "confirm": "1", "expected": "13"},
        )
    assert with_commit.status_code == 302
    assert ScoreSheet.objects.filter(department=city["B"], reminded_at__isnull=False).count() == 13


def test_results_are_hidden_from_departments_until_published(client, scoring, staff_a, city):
    client.force_login(staff_a)
    response = client.get(f"/evaluation/schemes/{scoring.pk}/results/{city['A'].pk}/")
    assert response.status_code == 404


def test_department_reads_own_published_result_and_follows_a_number(
    client, published, staff_a, city
):
    client.force_login(staff_a)
    page = client.get(f"/evaluation/schemes/{published.pk}/results/{city['A'].pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    # 100 − 3 (满意度 12/15) − 2 (one 审计结果 record) = 95.
    assert "95.00" in html and "审计结果" in html
    sheet = ScoreSheet.objects.get(
        scheme=published, department=city["A"], body__name="第三方调查机构"
    )
    assert f"/evaluation/sheets/{sheet.pk}/#ind-" in html
    assert client.get(f"/evaluation/sheets/{sheet.pk}/").status_code == 200
    # …but never another department's result.
    other = client.get(f"/evaluation/schemes/{published.pk}/results/{city['B'].pk}/")
    assert other.status_code == 404


def test_vice_mayor_reads_the_portfolio_results_only(client, published, vice_mayor, city):
    client.force_login(vice_mayor)
    url = f"/evaluation/schemes/{published.pk}/results/"
    assert client.get(f"{url}{city['A'].pk}/").status_code == 200
    assert client.get(f"{url}{city['B'].pk}/").status_code == 404
    listing = client.get(url).content.decode()
    assert city["A"].name in listing and city["B"].name not in listing


def test_feedback_written_acknowledged_and_planned(client, published, office, staff_a, city):
    client.force_login(office)
    url = f"/evaluation/schemes/{published.pk}/results/{city['A'].pk}/feedback/"
    client.post(url, {"suggestions": "加强公众沟通，提升满意度。"})
    feedback = Feedback.objects.get()
    client.force_login(staff_a)
    client.post(f"/evaluation/feedback/{feedback.pk}/acknowledge/")
    client.post(f"/evaluation/feedback/{feedback.pk}/plan/", {"plan": "每季度开展满意度回访。"})
    feedback.refresh_from_db()
    assert feedback.state == "plan_filed" and feedback.acknowledged_by == staff_a
    # Department B may not answer A's feedback: not even visible.
    assert EvaluationResult.objects.filter(scheme=published).count() == 4


def test_publishing_moves_targets_to_evaluated_and_results_are_frozen(
    plan_year, aspect, city, office, head_a, staff_a, government
):
    target = executing_target(
        plan_year, aspect, city["A"], staff=staff_a, head=head_a, office=office
    )
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[city["A"]])
    services.scheme_open_scoring(scheme=scheme, by=office)
    fill(scheme, city["A"], {})
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)
    target.refresh_from_db()
    assert target.state == Target.State.EVALUATED
    # Frozen: a record entered after publication does not change the stored result.
    accountability(plan_year, city["A"], "discipline", 1, by=office)
    assert EvaluationResult.objects.get(scheme=scheme).final_score == Decimal("100.00")


def test_office_copies_last_years_scheme(client, published, office, city):
    from targets.models import PlanYear

    next_year = PlanYear.objects.create(year=2028, status="preparing")
    client.force_login(office)
    response = client.post(
        "/evaluation/schemes/new/", {"plan_year": next_year.pk, "source": published.pk}
    )
    copy = EvaluationScheme.objects.get(plan_year=next_year)
    assert response.status_code == 302
    assert copy.based_on == published and copy.state == "draft"
    assert copy.indicators.count() == 28 and copy.participants.count() == 4


def test_office_edits_an_indicator_of_a_draft_and_not_after_opening(
    client, plan_year, city, office, government
):
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[city["A"]])
    leaf = scheme.indicators.get(name="行政成本")
    client.force_login(office)
    url = f"/evaluation/schemes/{scheme.pk}/indicators/{leaf.pk}/"
    bad = client.post(url, {"name": "行政成本", "max_points": "abc", "parent": leaf.parent_id})
    assert bad.status_code == 400 and "分值须为数字" in bad.content.decode()
    ok = client.post(
        url,
        {"name": "行政成本控制", "max_points": "5", "parent": leaf.parent_id, "body": leaf.body_id},
    )
    assert ok.status_code == 302
    leaf.refresh_from_db()
    assert leaf.name == "行政成本控制"
    services.scheme_open_scoring(scheme=scheme, by=office)
    frozen = client.post(url, {"name": "x", "max_points": "5", "parent": leaf.parent_id})
    assert "不能再修改" in frozen.content.decode()
    leaf.refresh_from_db()
    assert leaf.name == "行政成本控制"


def test_admin_shows_a_scoring_scheme_read_only(client, scoring):
    from accounts.models import User

    admin = User.objects.create_superuser("root", "root@example.gov.cn", "pass-1234")
    client.force_login(admin)
    url = f"/admin/evaluation/evaluationscheme/{scoring.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    client.post(url, {"name": "改名"})
    scoring.refresh_from_db()
    assert scoring.name != "改名"


def test_objective_indicators_show_their_inputs(
    client, plan_year, aspect, city, office, staff_a, head_a, government
):
    target = executing_target(
        plan_year, aspect, city["A"], staff=staff_a, head=head_a, office=office
    )
    scheme = make_scheme("baoshan", year=plan_year, by=office, departments=[city["A"]])
    services.scheme_open_scoring(scheme=scheme, by=office)
    sheet = ScoreSheet.objects.get(scheme=scheme, body__kind="objective")
    client.force_login(office)
    page = client.get(f"/evaluation/sheets/{sheet.pk}/").content.decode()
    assert "目标办结率：0 / 1" in page and target.code in page
    assert f"/targets/{target.pk}/" in page


def test_target_page_shows_the_improvement_it_carries(
    client, published, office, staff_a, city, aspect, plan_year
):
    from targets import services as target_services
    from targets.models import PlanYear
    from tests.conftest import quantitative_input

    later = PlanYear.objects.create(year=2028, status="drafting")
    later_aspect = later.aspects.create(number=1, name="经济")
    target = target_services.target_create(
        by=staff_a, plan_year=later, data=quantitative_input(later_aspect, city["A"])
    )
    feedback = services.feedback_write(
        scheme=published, department=city["A"], by=office, suggestions="提升公众满意度。"
    )
    services.feedback_acknowledge(feedback=feedback, by=staff_a)
    services.feedback_link_target(feedback=feedback, target=target, by=staff_a)
    client.force_login(staff_a)
    page = client.get(f"/targets/{target.pk}/").content.decode()
    assert "落实的绩效改进建议" in page and "提升公众满意度。" in page


@pytest.mark.parametrize("n", [10, 300])
def test_sheet_list_page_query_count_is_fixed(
    n, client, plan_year, office, government, django_assert_num_queries
):
    from accounts.models import Department

    departments = Department.objects.bulk_create(
        Department(code=f"d{i}", name=f"部门{i}", category="economic") for i in range(n)
    )
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=departments)
    services.scheme_open_scoring(scheme=scheme, by=office)
    client.force_login(office)
    # 7 for the page, and the header's unread count
    with django_assert_num_queries(8):
        response = client.get("/evaluation/sheets/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="badge badge--') == 50
    assert f"共 {13 * n} 张评分表" in html


def test_office_enters_a_target_deduction_on_the_scheme_page(
    client, plan_year, aspect, city, office, staff_a, head_a, government
):
    target = executing_target(
        plan_year, aspect, city["A"], staff=staff_a, head=head_a, office=office
    )
    scheme = make_scheme("baoshan", year=plan_year, by=office, departments=[city["A"]])
    services.scheme_open_scoring(scheme=scheme, by=office)
    client.force_login(office)
    url = f"/evaluation/schemes/{scheme.pk}/target-deductions/"
    client.post(url, {"target": "nope", "points": "2", "reason": "x"})
    assert not scheme.target_deductions.exists()
    client.post(url, {"target": target.code, "points": "2", "reason": "“治五违”整治不力"})
    page = client.get(f"/evaluation/schemes/{scheme.pk}/").content.decode()
    assert scheme.target_deductions.count() == 1 and "“治五违”整治不力" in page


def test_office_sets_weights_raters_and_departments_on_the_edit_page(
    client, plan_year, city, office, government
):
    scheme = make_scheme("baoshan", year=plan_year, by=office, departments=[city["A"]])
    body = scheme.bodies.get(name="第三方评估")
    client.force_login(office)
    url = f"/evaluation/schemes/{scheme.pk}/edit/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"part": "body", "body": body.pk, "weight": "120"})
    assert bad.status_code == 400 and "权重须在0至100之间" in bad.content.decode()
    client.post(
        url,
        {"part": "body", "body": body.pk, "weight": "20", "rater_department": city["C"].pk},
    )
    body.refresh_from_db()
    assert body.rater_department == city["C"]
    client.post(
        url,
        {
            "part": "participants",
            "department": [city["A"].pk, city["C"].pk],
            f"category-{city['A'].pk}": "economic",
            f"category-{city['C'].pk}": "general",
        },
    )
    assert dict(scheme.participants.values_list("department_id", "category")) == {
        city["A"].pk: "economic",
        city["C"].pk: "general",
    }
    client.post(
        url,
        {
            "part": "settings",
            "name": "宝山方案",
            "mode": "weighted",
            "comment_below_percent": "50",
            "deduction_cap": "",
            "joint_lead_percent": "100",
            "joint_responsible_percent": "40",
            "joint_cooperating_percent": "40",
        },
    )
    scheme.refresh_from_db()
    assert scheme.joint_responsible_percent == Decimal(40) and not scheme.self_evaluation


def test_office_sets_deduction_rules_and_grade_bands(client, plan_year, city, office, government):
    scheme = make_scheme("baoshan", year=plan_year, by=office, departments=[city["A"]])
    client.force_login(office)
    url = f"/evaluation/schemes/{scheme.pk}/edit/"
    client.post(
        url,
        {"part": "rule", "category": "audit", "label": "审计结果", "points_each": "3", "cap": "6"},
    )
    rule = scheme.deduction_rules.get()
    assert (rule.points_each, rule.cap) == (Decimal(3), Decimal(6))
    bad = client.post(url, {"part": "band", "name": "优秀", "order": "1", "max_percent": "150"})
    assert bad.status_code == 400 and scheme.grade_bands.count() == 4
    excellent = scheme.grade_bands.get(name="优秀")
    client.post(
        url,
        {
            "part": "band",
            "band": excellent.pk,
            "name": "优秀",
            "order": "1",
            "category": "economic",
            "min_score": "95",
            "max_percent": "15",
        },
    )
    excellent.refresh_from_db()
    assert (excellent.category, excellent.min_score, excellent.max_percent) == (
        "economic",
        Decimal(95),
        Decimal(15),
    )
    services.scheme_open_scoring(scheme=scheme, by=office)
    frozen = client.post(
        url, {"part": "rule", "category": "audit", "label": "x", "points_each": "9"}
    )
    assert frozen.status_code == 400
    rule.refresh_from_db()
    assert rule.points_each == Decimal(3)


@pytest.mark.parametrize("n", [10, 300])
def test_index_query_count_is_fixed(
    n, client, plan_year, office, government, django_assert_num_queries
):
    """The office is the rater of most Zhongshan bodies in a city without those departments:
    13 × n − n (self) − n (leaders) sheets wait for it; the index shows 20 and the count."""
    from accounts.models import Department

    departments = Department.objects.bulk_create(
        Department(code=f"d{i}", name=f"部门{i}", category="economic") for i in range(n)
    )
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=departments)
    services.scheme_open_scoring(scheme=scheme, by=office)
    client.force_login(office)
    # 9 for the page, and the header's unread count
    with django_assert_num_queries(10):
        response = client.get("/evaluation/")
    html = response.content.decode()
    import re

    assert len(re.findall(r'href="/evaluation/sheets/\d+/"', html)) == 20
    assert f"<small>{11 * n}</small>" in html


def test_pass_fail_sheet_on_the_page(client, plan_year, city, office, staff_a, government):
    """Wuhan 达标: the rater marks each item passed or failed; a failed item needs a reason."""
    scheme = make_scheme("wuhan", year=plan_year, by=office, departments=[city["A"]])
    services.scheme_open_scoring(scheme=scheme, by=office)
    own = ScoreSheet.objects.get(scheme=scheme, department=city["A"], is_self=True)
    services.sheet_save(  # the self-evaluation comes first
        sheet=own,
        by=staff_a,
        entries={leaf.pk: services.EntryInput(passed=True) for leaf in services.sheet_leaves(own)},
        summary="自评",
        submit=True,
    )
    sheet = ScoreSheet.objects.get(scheme=scheme, department=city["A"], body__name="市目标办")
    leaf = scheme.indicators.get(name="必达目标结硬账")
    client.force_login(office)
    url = f"/evaluation/sheets/{sheet.pk}/"
    refused = client.post(url, {"submit": "1", f"passed-{leaf.pk}": "no"})
    assert refused.status_code == 400 and "评为不达标，须填写说明" in refused.content.decode()
    client.post(url, {"submit": "1", f"passed-{leaf.pk}": "no", f"comment-{leaf.pk}": "未达确定值"})
    entry = ScoreSheet.objects.get(pk=sheet.pk).entries.get()
    assert entry.passed is False and entry.comment == "未达确定值"


def test_the_targets_timeline_names_the_evaluation(
    client, plan_year, aspect, city, office, staff_a, head_a, government
):
    target = executing_target(
        plan_year, aspect, city["A"], staff=staff_a, head=head_a, office=office
    )
    scheme = make_scheme("wuhan", year=plan_year, by=office, departments=[city["A"]])
    services.scheme_open_scoring(scheme=scheme, by=office)
    fill(scheme, city["A"], {})
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)
    client.force_login(staff_a)
    timeline = client.get(f"/targets/{target.pk}/").content.decode().split('id="timeline"')[1]
    assert "考评结果发布" in timeline and "已评估" in timeline


def test_results_page_compares_with_last_year(
    client, plan_year, city, office, government, vice_mayor
):
    from targets.models import PlanYear

    last = PlanYear.objects.create(year=plan_year.year - 1, status="closed")
    for year, public in [(last, Decimal(10)), (plan_year, Decimal(15))]:
        scheme = make_scheme("zhongshan_2012", year=year, by=office, departments=[city["A"]])
        services.scheme_open_scoring(scheme=scheme, by=office)
        fill(scheme, city["A"], {"服务对象满意度": public}, comment="说明")
        services.scheme_lock(scheme=scheme, by=office)
        services.scheme_publish(scheme=scheme, by=office)
    client.force_login(office)
    html = client.get(f"/evaluation/schemes/{scheme.pk}/results/").content.decode()
    # 2026: 100 − 5 = 95.00 (rank 1); 2027: 100.00 → +5.00.
    assert "95.00（1）" in html and "+5.00" in html
