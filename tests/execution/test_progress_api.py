"""The progress API (/api/v1/): the same rules as the pages — who files, submits, verifies; 404
for another department's report and evidence; bad input; and a fixed number of queries for the
lists at 10 and 300 targets."""

import datetime

import pytest

from execution import clock, early_warning
from execution.models import ProgressReport, WarningSnapshot
from tests.helpers import act_as

from .conftest import PDF, pdf
from .test_early_warning import make_executing_targets

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/progress-reports/"


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


def test_staff_files_with_a_file_head_submits_office_verifies(
    api, target, staff_a, head_a, office, media
):
    response = act_as(api, staff_a).post(
        REPORTS,
        {
            "target": target.pk,
            "period_start": "2027-01-01",
            "actual_value": "6.1",
            "narrative": "一季度进展",
            "files": [pdf()],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft" and body["kind"] == "main"
    assert body["evidence"][0]["display_name"] == "一季度进展.pdf"
    assert body["allowed_actions"] == ["edit"]
    report_id = body["id"]
    assert act_as(api, staff_a).post(f"{REPORTS}{report_id}/submit/").status_code == 403
    response = act_as(api, head_a).post(f"{REPORTS}{report_id}/submit/", {}, format="json")
    assert response.json()["state"] == "submitted"
    response = act_as(api, office).post(
        f"{REPORTS}{report_id}/verify/", {"verified_value": "6.0"}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    response = act_as(api, office).post(
        f"{REPORTS}{report_id}/verify/",
        {"verified_value": "6.0", "reason": "统计快报"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["actual_value"], response.json()["verified_value"]) == ("6.1", "6")


def test_second_report_and_unstarted_period_are_400(api, draft_report, target, staff_a):
    client = act_as(api, staff_a)
    body = {"target": target.pk, "actual_value": "6", "narrative": "x"}
    response = client.post(REPORTS, {**body, "period_start": "2027-01-01"}, format="json")
    assert response.status_code == 400 and "已填报" in response.json()["detail"]
    response = client.post(REPORTS, {**body, "period_start": "2027-07-01"}, format="json")
    assert response.status_code == 400 and "尚未开始" in response.json()["detail"]
    assert ProgressReport.objects.count() == 1


def test_another_department_gets_404_for_report_evidence_and_target(
    api, submitted_report, staff_b, target
):
    client = act_as(api, staff_b)
    evidence = submitted_report.evidence.get()
    assert client.get(f"{REPORTS}{submitted_report.pk}/").status_code == 404
    assert client.get(f"{REPORTS}evidence/{evidence.pk}/").status_code == 404
    assert client.get(REPORTS).json()["count"] == 0
    response = client.post(
        REPORTS,
        {"target": target.pk, "period_start": "2027-01-01", "narrative": "x"},
        format="json",
    )
    assert response.status_code == 404


def test_auditor_reads_and_downloads_but_cannot_verify(api, submitted_report, auditor):
    client = act_as(api, auditor)
    assert client.get(f"{REPORTS}{submitted_report.pk}/").json()["allowed_actions"] == []
    response = client.get(f"{REPORTS}evidence/{submitted_report.evidence.get().pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF
    assert client.post(f"{REPORTS}{submitted_report.pk}/verify/").status_code == 403


def test_return_and_edit_with_version(api, submitted_report, office, staff_a):
    response = act_as(api, office).post(
        f"{REPORTS}{submitted_report.pk}/return/", {"comment": ""}, format="json"
    )
    assert response.status_code == 400
    act_as(api, office).post(
        f"{REPORTS}{submitted_report.pk}/return/", {"comment": "请补充"}, format="json"
    )
    client = act_as(api, staff_a)
    response = client.patch(
        f"{REPORTS}{submitted_report.pk}/", {"actual_value": "6.2", "version": 1}, format="json"
    )
    assert response.status_code == 200 and response.json()["actual_value"] == "6.2"
    response = client.patch(
        f"{REPORTS}{submitted_report.pk}/", {"actual_value": "6.3", "version": 1}, format="json"
    )
    assert response.status_code == 409


def test_milestone_status_and_explanation_endpoints(api, target, office, staff_a, staff_b):
    milestone = target.milestones.get(quarter=1)
    url = f"/api/v1/milestones/{milestone.pk}/status/"
    assert act_as(api, staff_a).post(url, {"status": "missed", "reason": "x"}).status_code == 403
    assert act_as(api, staff_b).post(url, {"status": "missed", "reason": "x"}).status_code == 404
    response = act_as(api, office).post(url, {"status": "missed", "reason": "未按期开工"})
    assert response.status_code == 200 and response.json()["status"] == "missed"
    early_warning.recompute_early_warnings()
    response = act_as(api, staff_a).get("/api/v1/early-warnings/", {"target": target.pk})
    assert response.json()["results"][0]["level"] == "red"
    response = act_as(api, staff_a).post(
        "/api/v1/warning-explanations/",
        {"target": target.pk, "explanation": "原因", "remedy": "措施"},
        format="json",
    )
    assert response.status_code == 201
    assert act_as(api, staff_b).get("/api/v1/early-warnings/").json()["count"] == 0


def test_target_list_api_takes_the_warning_and_report_filters(api, target, office):
    with clock.frozen(datetime.date(2027, 4, 11)):
        early_warning.recompute_early_warnings()
        client = act_as(api, office)
        assert client.get("/api/v1/targets/", {"warning": "red"}).json()["count"] == 1
        assert client.get("/api/v1/targets/", {"warning": "green"}).json()["count"] == 0
        assert client.get("/api/v1/targets/", {"report": "late"}).json()["count"] == 1


def test_todo_endpoint(api, target, staff_a):
    rows = act_as(api, staff_a).get("/api/v1/progress-todo/").json()
    assert [(r["target"], r["period_start"]) for r in rows] == [
        (target.pk, "2027-01-01"),
        (target.pk, "2027-04-01"),
    ]


# --- query counts at 10 and 300 targets --------------------------------------------------------


@pytest.fixture
def many(request, executing_year, aspect, dept_a, staff_a):
    def _make(n):
        targets = make_executing_targets(
            n, plan_year=executing_year, aspect=aspect, lead=dept_a, created_by=staff_a
        )
        early_warning.recompute_early_warnings()
        return targets

    return _make


# Per request: the user's memberships and portfolio (access_for), the count, the page, and
# for reports the year shown when none is asked for (issue 20) and the page's evidence.
@pytest.mark.parametrize("n", [10, 300])
@pytest.mark.parametrize(
    ("url", "queries", "rows"),
    [
        # Reports exist for the targets whose index is not a multiple of three.
        (REPORTS, 6, lambda n: len([i for i in range(n) if i % 3])),
        ("/api/v1/early-warnings/", 4, lambda n: n),
    ],
)
def test_api_lists_run_a_fixed_number_of_queries(
    api, django_assert_num_queries, many, office, n, url, queries, rows
):
    many(n)
    client = act_as(api, office)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == rows(n)


@pytest.mark.parametrize("n", [10, 300])
def test_todo_api_runs_a_fixed_number_of_queries(api, django_assert_num_queries, many, staff_a, n):
    many(n)
    client = act_as(api, staff_a)
    # access (2), cooperating rows, targets, reports, department names
    with django_assert_num_queries(6):
        response = client.get("/api/v1/progress-todo/")
    # Q1 is filed for two thirds of them (verified); Q2 is owed by all.
    assert len(response.json()) == n + n - len([i for i in range(n) if i % 3])


@pytest.mark.parametrize("n", [10, 300])
@pytest.mark.parametrize("params", [{"warning": "red"}, {"report": "late"}])
def test_target_list_api_filters_run_a_fixed_number_of_queries(
    api, django_assert_num_queries, many, office, n, params
):
    many(n)
    client = act_as(api, office)
    # On 11 April, Q1's report is overdue for the third of the targets that have none; the
    # report filter reads the executing plan years once.
    with (
        clock.frozen(datetime.date(2027, 4, 11)),
        django_assert_num_queries(5 if "report" in params else 4),
    ):
        response = client.get("/api/v1/targets/", params)
    assert response.status_code == 200
    expected = len([i for i in range(n) if i % 3 == 0])
    if "warning" in params:
        expected = WarningSnapshot.objects.filter(level="red").count()
        assert 0 < expected < n
    assert response.json()["count"] == expected
