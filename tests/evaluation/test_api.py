"""/api/v1/evaluation/: the same rules as the pages, errors as JSON, fixed query counts."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import Department, User
from evaluation import services
from evaluation.models import EvaluationScheme, ScoreSheet
from tests.conftest import Role, make_user
from tests.evaluation.conftest import fill, make_scheme

pytestmark = pytest.mark.django_db


def as_user(user):
    client = APIClient()
    client.force_authenticate(user=User.objects.get(pk=user.pk))
    return client


@pytest.fixture
def scoring(plan_year, city, office, government):
    scheme = make_scheme(
        "zhongshan_2012", year=plan_year, by=office, departments=list(city.values())
    )
    return services.scheme_open_scoring(scheme=scheme, by=office)


def test_office_builds_opens_locks_and_publishes_through_the_api(
    plan_year, city, office, government
):
    api = as_user(office)
    created = api.post(
        "/api/v1/evaluation/schemes/",
        {"plan_year": plan_year.pk, "template": "wuhan"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    scheme_id = created.json()["id"]
    assert len(created.json()["indicators"]) == 3
    scheme = EvaluationScheme.objects.get(pk=scheme_id)
    services.participants_set(scheme=scheme, by=office, rows=[(city["A"], None)])
    assert api.post(f"/api/v1/evaluation/schemes/{scheme_id}/open-scoring/").status_code == 200
    assert api.post(f"/api/v1/evaluation/schemes/{scheme_id}/lock/").status_code == 200
    refused = api.post(f"/api/v1/evaluation/schemes/{scheme_id}/publish/", {}, format="json")
    assert refused.status_code == 400
    assert "须填写发布说明" in refused.json()["detail"]
    published = api.post(
        f"/api/v1/evaluation/schemes/{scheme_id}/publish/",
        {"reason": "部门自评未按时报送。"},
        format="json",
    )
    assert published.json()["state"] == "published"


def test_rater_saves_and_submits_through_the_api(scoring, city, staff_a):
    sheet = ScoreSheet.objects.get(scheme=scoring, department=city["A"], is_self=True)
    leaves = list(services.sheet_leaves(sheet))
    api = as_user(staff_a)
    body = {
        "entries": [{"indicator": leaf.pk, "points": "99"} for leaf in leaves],
        "summary": "自评总结",
        "submit": True,
    }
    bad = api.post(f"/api/v1/evaluation/sheets/{sheet.pk}/save/", body, format="json")
    assert bad.status_code == 400
    assert any("得分须在0至" in m for ms in bad.json()["errors"].values() for m in ms)
    body["entries"] = [{"indicator": leaf.pk, "points": str(leaf.max_points)} for leaf in leaves]
    ok = api.post(f"/api/v1/evaluation/sheets/{sheet.pk}/save/", body, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "submitted"
    other = ScoreSheet.objects.get(scheme=scoring, department=city["B"], is_self=True)
    assert api.get(f"/api/v1/evaluation/sheets/{other.pk}/").status_code == 404


def test_results_hidden_until_published_then_own_only(scoring, city, office, staff_a):
    api = as_user(staff_a)
    assert api.get("/api/v1/evaluation/results/").json()["count"] == 0
    for dept in city.values():
        fill(scoring, dept, {})
    services.scheme_lock(scheme=scoring, by=office)
    services.scheme_publish(scheme=scoring, by=office)
    rows = api.get("/api/v1/evaluation/results/").json()["results"]
    assert [r["department"] for r in rows] == [city["A"].pk]
    assert Decimal(rows[0]["final_score"]) == Decimal(100)
    assert as_user(office).get("/api/v1/evaluation/results/").json()["count"] == 4


def test_auditor_cannot_act(scoring, auditor):
    api = as_user(auditor)
    assert api.post(f"/api/v1/evaluation/schemes/{scoring.pk}/lock/").status_code == 403
    assert api.get(f"/api/v1/evaluation/schemes/{scoring.pk}/").status_code == 200


def _many_departments(n, office, plan_year):
    departments = Department.objects.bulk_create(
        Department(code=f"d{i}", name=f"部门{i}", category=["economic", "social"][i % 2])
        for i in range(n)
    )
    for dept in departments[:3]:
        make_user(f"s{dept.code}", department=dept, role=Role.STAFF)
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=departments)
    services.scheme_open_scoring(scheme=scheme, by=office)
    return scheme


@pytest.mark.parametrize("n", [10, 300])
def test_sheet_list_query_count_is_fixed(
    n, plan_year, office, government, django_assert_num_queries
):
    """13 sheets per department (12 bodies + self): 130 and 3 900 sheets, one page of 50."""
    _many_departments(n, office, plan_year)
    api = as_user(office)
    with django_assert_num_queries(4):
        response = api.get("/api/v1/evaluation/sheets/")
    assert response.json()["count"] == 13 * n


@pytest.mark.parametrize("n", [10, 300])
def test_result_list_query_count_is_fixed(
    n, plan_year, office, government, django_assert_num_queries
):
    scheme = _many_departments(n, office, plan_year)
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office, reason="测试")
    api = as_user(office)
    with django_assert_num_queries(4):
        response = api.get("/api/v1/evaluation/results/")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [10, 300])
def test_results_page_query_count_is_fixed(
    n, client, plan_year, office, government, django_assert_num_queries
):
    scheme = _many_departments(n, office, plan_year)
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office, reason="测试")
    client.force_login(office)
    # 8 for the page, and the header's unread count
    with django_assert_num_queries(9):
        response = client.get(f"/evaluation/schemes/{scheme.pk}/results/")
    assert response.content.decode().count("/evaluation/schemes/") >= n


def test_office_enters_a_joint_liability_deduction_and_writes_feedback(
    plan_year, aspect, city, office, staff_a, head_a, government
):
    from tests.evaluation.conftest import executing_target

    target = executing_target(
        plan_year, aspect, city["A"], staff=staff_a, head=head_a, office=office
    )
    scheme = make_scheme("baoshan", year=plan_year, by=office, departments=[city["A"]])
    services.scheme_open_scoring(scheme=scheme, by=office)
    api = as_user(office)
    url = f"/api/v1/evaluation/schemes/{scheme.pk}/target-deductions/"
    bad = api.post(url, {"target": target.pk, "points": "0", "reason": ""}, format="json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"points", "reason"}
    ok = api.post(url, {"target": target.pk, "points": "3", "reason": "整治不力"}, format="json")
    assert ok.status_code == 201
    assert (
        as_user(staff_a)
        .post(url, {"target": target.pk, "points": "3", "reason": "x"}, format="json")
        .status_code
        == 403
    )
    fill(scheme, city["A"], {})
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office)
    written = api.post(
        "/api/v1/evaluation/feedback/",
        {"scheme": scheme.pk, "department": city["A"].pk, "suggestions": "加强统筹。"},
        format="json",
    )
    assert written.status_code == 201
    feedback_id = written.json()["id"]
    staff = as_user(staff_a)
    assert (
        staff.post(
            f"/api/v1/evaluation/feedback/{feedback_id}/plan/", {"plan": "x"}, format="json"
        ).status_code
        == 409
    )
    assert staff.post(f"/api/v1/evaluation/feedback/{feedback_id}/acknowledge/").status_code == 200
    filed = staff.post(
        f"/api/v1/evaluation/feedback/{feedback_id}/plan/", {"plan": "按季度整改。"}, format="json"
    )
    assert filed.json()["state"] == "plan_filed"


@pytest.mark.parametrize("n", [10, 300])
def test_result_detail_page_query_count_is_fixed(
    n, client, plan_year, office, government, django_assert_num_queries
):
    scheme = _many_departments(n, office, plan_year)
    services.scheme_lock(scheme=scheme, by=office)
    services.scheme_publish(scheme=scheme, by=office, reason="测试")
    department = scheme.participants.first().department
    client.force_login(office)
    # 14 for the page, and the header's unread count
    with django_assert_num_queries(15):
        response = client.get(f"/evaluation/schemes/{scheme.pk}/results/{department.pk}/")
    assert response.status_code == 200


def test_the_evaluation_api_is_in_the_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in [
        "/api/v1/evaluation/schemes/",
        "/api/v1/evaluation/schemes/{id}/open-scoring/",
        "/api/v1/evaluation/schemes/{id}/lock/",
        "/api/v1/evaluation/schemes/{id}/publish/",
        "/api/v1/evaluation/schemes/{id}/target-deductions/",
        "/api/v1/evaluation/sheets/{id}/save/",
        "/api/v1/evaluation/results/{id}/",
        "/api/v1/evaluation/feedback/{id}/acknowledge/",
    ]:
        assert path in schema["paths"], path


@pytest.mark.parametrize("action", ["open-scoring", "lock", "publish", "new-version", "remind"])
def test_department_staff_may_not_run_a_scheme_through_the_api(
    action, plan_year, city, office, staff_a, government
):
    scheme = make_scheme("wuhan", year=plan_year, by=office, departments=[city["A"]])
    response = as_user(staff_a).post(
        f"/api/v1/evaluation/schemes/{scheme.pk}/{action}/", {}, format="json"
    )
    assert response.status_code == 403
    assert "目标办" in response.json()["detail"]
    scheme.refresh_from_db()
    assert scheme.state == "draft"
