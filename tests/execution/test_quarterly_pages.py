# ruff: noqa: F811 — the city fixtures are imported below and named as test parameters
"""The quarterly report and summary pages and API (季度报告、季度汇总, Shanghai Art. 17): who
reads what, what the pages refuse and how they say it (moved from tests/dashboards with the
services' tests, issue 15 item 7)."""

import pytest

from execution.models import QuarterlyReport, QuarterlySummary
from execution.services import quarterly as q
from tests.dashboards.conftest import city, mayor, today, year  # noqa: F401

from .test_quarterly_services import drafted, forwarded, report_a  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who, status",
    [
        ("staff_a", 200),
        ("head_a", 200),
        ("office", 200),
        ("auditor", 200),
        ("vice_mayor", 200),
        ("staff_b", 404),
        ("other_vice_mayor", 404),
        ("outsider", 404),
    ],
)
def test_who_reads_a_forwarded_report(client, request, forwarded, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/execution/quarterly/{forwarded.pk}/").status_code == status
    assert client.get(f"/api/v1/quarterly-reports/{forwarded.pk}/").status_code == status


@pytest.mark.parametrize(
    "who, status", [("staff_a", 200), ("office", 404), ("vice_mayor", 404), ("auditor", 404)]
)
def test_a_draft_is_the_departments_own(client, request, report_a, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/execution/quarterly/{report_a.pk}/").status_code == status


def test_auditor_changes_nothing_through_the_pages(client, forwarded, auditor):
    client.force_login(auditor)
    response = client.post(f"/execution/quarterly/{forwarded.pk}/instruct/", {"body": "审计意见"})
    assert response.status_code == 403
    assert not forwarded.instructions.exists()


def test_pages_show_the_red_narrative_error_in_chinese(client, report_a, head_a):
    client.force_login(head_a)
    response = client.post(f"/execution/quarterly/{report_a.pk}/submit/", follow=True)
    assert "红色预警目标须填写情况说明后才能报送：A1" in response.content.decode()
    report_a.refresh_from_db()
    assert report_a.state == QuarterlyReport.State.DRAFT


def test_api_chain(client, report_a, staff_a, head_a, office, vice_mayor, city):
    client.force_login(staff_a)
    r = client.post(
        f"/api/v1/quarterly-reports/{report_a.pk}/edit/",
        {"summary": "总体", "narratives": {str(city["A1"].pk): "说明"}},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    client.force_login(head_a)
    assert client.post(f"/api/v1/quarterly-reports/{report_a.pk}/submit/").status_code == 200
    client.force_login(office)
    r = client.post(f"/api/v1/quarterly-reports/{report_a.pk}/forward/")
    assert r.json()["state"] == "forwarded"
    client.force_login(vice_mayor)
    r = client.post(
        f"/api/v1/quarterly-reports/{report_a.pk}/instruct/",
        {"body": "抓紧推进"},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert client.get(f"/api/v1/quarterly-reports/{report_a.pk}/").json()["state"] == "read"


def test_summary_readers(client, drafted, office, vice_mayor, staff_a):
    summary = QuarterlySummary.objects.get()
    client.force_login(vice_mayor)
    assert client.get(f"/execution/quarterly-summaries/{summary.pk}/").status_code == 404
    client.force_login(office)
    assert client.get(f"/execution/quarterly-summaries/{summary.pk}/").status_code == 200
    q.quarterly_summary_update(summary=summary, by=office, text="说明")
    q.quarterly_summary_publish(summary=summary, by=office)
    client.force_login(vice_mayor)
    assert client.get(f"/execution/quarterly-summaries/{summary.pk}/").status_code == 200
    client.force_login(staff_a)
    assert client.get(f"/execution/quarterly-summaries/{summary.pk}/").status_code == 404


def test_office_drafts_on_demand(client, city, year, office, staff_a, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(staff_a)
    assert (
        client.post("/execution/quarterly/draft/", {"plan_year": year.pk, "quarter": 3}).status_code
        == 403
    )
    client.force_login(office)
    client.post("/execution/quarterly/draft/", {"plan_year": year.pk, "quarter": 3})
    assert QuarterlyReport.objects.filter(quarter=3).count() == 2


def test_answer_with_a_bad_instruction_id_is_404(client, forwarded, staff_a):
    client.force_login(staff_a)
    url = f"/execution/quarterly/{forwarded.pk}/answer/"
    assert client.post(url, {"instruction": "x", "answer": "好"}).status_code == 404
    assert client.post(url, {"instruction": "999999", "answer": "好"}).status_code == 404
