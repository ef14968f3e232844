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


def test_progress_per_body_and_department_and_reminders(client, scoring, office, staff_a, city):
    fill(scoring, city["A"], {})
    client.force_login(office)
    page = client.get(f"/evaluation/schemes/{scoring.pk}/progress/").content.decode()
    assert "按考评主体" in page and "按被考评部门" in page
    # A's 13 sheets (12 bodies + self) are in; B, C, D's are not: 13 of 52.
    assert "已提交 13 / 52" in page
    mail.outbox.clear()
    with_commit = client.post(
        f"/evaluation/schemes/{scoring.pk}/remind/", {"department": city["B"].pk}
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
