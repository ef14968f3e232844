"""A department's quarterly report and the general office's quarterly summary as PDF (issue 8
item 2) through documents' path (a DocumentJob generated in the background), under the pages'
rule (Shanghai Art. 17: 每季度向分管副市长报告): a department its own reports, a vice-mayor the
forwarded ones of the portfolio, the office side all; the summary the office always, leaders
once published. Anything else is 404, re-checked on download. The PDF's text is checked with
pypdf and one page of each rendered to PNG."""

import io

import pytest
from pypdf import PdfReader

from accounts.models import LeaderPortfolio
from documents import services as document_services
from documents.models import DocumentJob
from execution.models import QuarterlyReport, QuarterlySummary
from execution.services import quarterly as q
from tests.dashboards import conftest as dashboard_fixtures
from tests.documents.conftest import job_file, pdf_text, render_page
from workflow.errors import NotFoundForUser

pytestmark = pytest.mark.django_db

# The dashboards tests' hand-made city on 20 July 2027 (A1 red with a known reason, …).
today = dashboard_fixtures.today
year = dashboard_fixtures.year
city = dashboard_fixtures.city


@pytest.fixture
def drafted(city, year):
    q.quarterly_draft(plan_year=year, quarter=2)
    return {r.department.code: r for r in QuarterlyReport.objects.select_related("department")}


@pytest.fixture
def report_a(drafted):
    return drafted["fgw"]


@pytest.fixture
def forwarded(report_a, staff_a, head_a, office, vice_mayor):
    items = {i.target.code: i.target_id for i in report_a.items.select_related("target")}
    q.quarterly_report_update(
        report=report_a,
        by=staff_a,
        summary="二季度总体平稳，重点项目按计划推进。",
        next_steps="三季度加快A1施工进度。",
        narratives={items["A1"]: "受原材料涨价影响，进度滞后，已调整施工计划。"},
    )
    q.quarterly_report_submit(report=report_a, by=head_a)
    report = q.quarterly_report_forward(report=report_a, by=office)
    q.quarterly_instruction_create(report=report, by=vice_mayor, body="请加快A1进度，月底前报告。")
    return report


@pytest.fixture
def published(drafted, office):
    summary = QuarterlySummary.objects.get(quarter=2)
    q.quarterly_summary_update(summary=summary, by=office, text="二季度全市目标总体进展顺利。")
    return q.quarterly_summary_publish(summary=summary, by=office)


def flat(content: bytes) -> str:
    return "".join(pdf_text(content).split())


def test_the_report_pdf_has_the_departments_sections_table_and_instruction(
    forwarded, staff_a, generate
):
    content = job_file(generate(staff_a, "quarterly_report", report=forwarded.pk))
    text = flat(content)
    assert "市发展改革委2027年第二季度目标执行情况报告" in text
    for heading in (
        "一、总体情况",
        "二、各目标进展",
        "三、存在问题",
        "四、下一步工作",
        "五、领导批示",
    ):
        assert heading in text
    assert "二季度总体平稳" in text and "三季度加快A1施工进度" in text
    # A1's line: its node target, verified percent, red level and drafted problem.
    assert "A1第二季度节点" in text and "(40.00%)" in text and "进度明显滞后" in text
    assert "受原材料涨价影响" in text
    assert "请加快A1进度" in text and "王副市长" in text
    # The other department's targets are not in it.
    assert "目标B1" not in text
    # The landscape table breaks onto page 2 and its header row is repeated there.
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) >= 2
    second = "".join((pages[1].extract_text() or "").split())
    assert "目标A3" in second and "本季度节点目标" in second and "报送值" in second
    render_page(content, "quarterly-report", page=1)


def test_the_vice_mayor_gets_the_portfolios_forwarded_report(forwarded, vice_mayor, generate):
    job = generate(vice_mayor, "quarterly_report", report=forwarded.pk)
    assert "目标A1" in flat(job_file(job))
    job.refresh_from_db()
    assert document_services.download_allowed(vice_mayor, job)


def test_the_summary_pdf_holds_the_summarys_figures(published, auditor, generate):
    content = job_file(generate(auditor, "quarterly_summary", summary=published.pk))
    text = flat(content)
    assert "2027年第二季度目标执行情况汇总" in text
    assert "二季度全市目标总体进展顺利" in text
    # The red list with its reasons (A1 and B1, both "进度明显滞后"), the portfolios.
    assert "目标A1" in text and "目标B1" in text and "进度明显滞后" in text
    assert "王副市长" in text and "刘副市长" in text
    assert "草稿（尚未印发）" not in text
    render_page(content, "quarterly-summary", page=1)


def ask(user, kind, **params):
    return document_services.document_request(by=user, kind=kind, params=params)


def test_who_may_not_have_a_report(forwarded, drafted, staff_b, other_vice_mayor, vice_mayor):
    """Another department, a vice-mayor outside the portfolio, a leader before forwarding: 404."""
    with pytest.raises(NotFoundForUser):
        ask(staff_b, "quarterly_report", report=forwarded.pk)
    with pytest.raises(NotFoundForUser):
        ask(other_vice_mayor, "quarterly_report", report=forwarded.pk)
    with pytest.raises(NotFoundForUser):
        ask(vice_mayor, "quarterly_report", report=drafted["czj"].pk)  # B's draft
    with pytest.raises(NotFoundForUser):
        ask(staff_b, "quarterly_report", report="x")
    assert not DocumentJob.objects.exists()


def test_the_summary_before_publication_is_the_offices_alone(drafted, office, vice_mayor, generate):
    summary = QuarterlySummary.objects.get(quarter=2)
    with pytest.raises(NotFoundForUser):
        ask(vice_mayor, "quarterly_summary", summary=summary.pk)
    text = flat(job_file(generate(office, "quarterly_summary", summary=summary.pk)))
    assert "草稿（尚未印发）" in text


def test_the_department_never_has_the_summary(published, staff_a):
    with pytest.raises(NotFoundForUser):
        ask(staff_a, "quarterly_summary", summary=published.pk)


def test_download_is_rechecked_against_the_report_rule(forwarded, vice_mayor, generate):
    """A vice-mayor who no longer holds the portfolio cannot download what he generated."""
    job = generate(vice_mayor, "quarterly_report", report=forwarded.pk)
    job.refresh_from_db()
    assert document_services.download_allowed(vice_mayor, job)
    QuarterlyReport.objects.filter(pk=forwarded.pk).update(leader=None)
    LeaderPortfolio.objects.filter(leader=vice_mayor).delete()
    # The download is a new request: the user (and the roles cached on it) loaded afresh.
    again = type(vice_mayor).objects.get(pk=vice_mayor.pk)
    assert not document_services.download_allowed(again, job)


def test_the_pages_offer_the_pdfs(forwarded, published, client, staff_a, office, staff_b):
    client.force_login(staff_a)
    page = client.get(f"/execution/quarterly/{forwarded.pk}/")
    assert 'data-document="quarterly_report"' in page.content.decode()
    client.force_login(office)
    page = client.get(f"/execution/quarterly-summaries/{published.pk}/")
    assert 'data-document="quarterly_summary"' in page.content.decode()
    response = client.post(
        "/documents/request/", {"kind": "quarterly_summary", "summary": published.pk}
    )
    assert response.status_code == 302
    client.force_login(staff_b)
    response = client.post(
        "/documents/request/", {"kind": "quarterly_report", "report": forwarded.pk}
    )
    assert response.status_code == 404


def test_the_api_asks_for_them_under_the_same_rule(forwarded, published, client, vice_mayor):
    client.force_login(vice_mayor)
    response = client.post(
        "/api/v1/documents/",
        {"kind": "quarterly_report", "report": forwarded.pk},
        content_type="application/json",
    )
    assert response.status_code == 202
    assert response.json()["kind"] == "quarterly_report"
    response = client.post(
        "/api/v1/documents/",
        {
            "kind": "quarterly_report",
            "report": QuarterlyReport.objects.get(quarter=2, department__code="czj").pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 404


def test_an_english_reader_gets_arabic_section_numbers_and_an_english_date(
    forwarded, staff_a, generate
):
    """The job keeps the requester's language: in English the headings are numbered 1. 2. 3.
    and the date is written the English way, not 一、 and 2027年…月…日 inside English text."""
    from django.utils import translation

    from execution import clock

    with translation.override("en"):
        content = job_file(generate(staff_a, "quarterly_report", report=forwarded.pk))
    text = pdf_text(content)
    assert "1. Overall situation" in text and "2. Progress of each target" in text
    assert "一、" not in text
    today = clock.today()  # the report is dated the day it was submitted: today, here
    assert f"{today.day} {today:%B} {today.year}" in text
    render_page(content, "quarterly-report-en", page=1)
    # Chinese readers keep the official numbering.
    chinese = flat(job_file(generate(staff_a, "quarterly_report", report=forwarded.pk)))
    assert "一、总体情况" in chinese and f"{today.year}年{today.month}月{today.day}日" in chinese
