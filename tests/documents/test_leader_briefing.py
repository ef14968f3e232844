# ruff: noqa: F811 — the city fixtures are imported below and named as test parameters
"""The vice-mayor's quarterly briefing (issue 19 item 10; Shanghai Art. 17: each quarter the
departments report to their vice-mayor, the general office to the mayor): one A4 page for the
portfolio through the documents path — the headline figures, the departments as a vector bar
chart (SVG laid out by WeasyPrint), the quarterly reports awaiting reading and the red list with
its reasons — every figure the leader dashboard's own (dashboards.selectors.leader_dashboard).

The small hand-made city of tests/dashboards/conftest.py (20 July 2027, Q2): 王副市长 holds 市发展
改革委 (A1 red “进度明显滞后”, A2 green, A3 yellow); 刘副市长 holds 市财政局 (B1 red, B2 green)."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import LeaderPortfolio
from dashboards import selectors as dashboard_selectors
from documents import services
from documents.models import DocumentJob
from execution.models import QuarterlyReport
from tests.dashboards.conftest import (  # noqa: F401
    Q2,
    city,
    make_target,
    mayor,
    snapshot,
    today,
    year,
)
from tests.documents.conftest import job_file, pdf_text, render_page
from workflow.errors import NotFoundForUser, ValidationFailed

pytestmark = pytest.mark.django_db


def squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def awaiting(year, dept_a, dept_b, vice_mayor, other_vice_mayor):
    """A's Q2 quarterly report forwarded to 王副市长 and not yet read; B's to 刘副市长."""
    now = timezone.now()
    for dept, leader in ((dept_a, vice_mayor), (dept_b, other_vice_mayor)):
        QuarterlyReport.objects.create(
            plan_year=year,
            quarter=2,
            department=dept,
            state=QuarterlyReport.State.FORWARDED,
            leader=leader,
            drafted_at=now,
            updated_at=now,
            submitted_at=now,
            forwarded_at=now,
        )


def test_the_vice_mayors_briefing_is_the_dashboard_on_one_page(
    city, awaiting, vice_mayor, generate, rendered_html, dept_a
):
    job = generate(vice_mayor, "leader_briefing", year=2027, quarter=2)
    content = job_file(job)
    job.refresh_from_db()
    assert job.result["pages"] == 1
    assert job.result["quarter"] == 2
    assert job.result["department_ids"] == [dept_a.pk]
    text = squeezed(pdf_text(content))
    assert "2027年第二季度目标执行简报" in text
    assert "王副市长" in text  # who generated it, in the footer
    board = dashboard_selectors.leader_dashboard(
        vice_mayor, plan_year=city["A1"].plan_year, quarter=2
    )
    totals = board.totals
    assert (totals["targets"], totals["red"], totals["yellow"], totals["green"]) == (3, 1, 1, 1)
    for figure, label in (
        (totals["targets"], "执行中目标"),
        (totals["red"], "红色预警"),
        (totals["yellow"], "黄色预警"),
        (totals["green"], "绿色"),
    ):
        assert f"{figure}{label}" in text
    # The red list with its reason; the reports awaiting reading; nothing of 刘副市长's.
    assert "A1目标A1" in text and "进度明显滞后" in text
    assert "市发展改革委2027Q2" in text
    assert "B1" not in text and "市财政局" not in text
    # The department chart is vector graphics: an <svg> with the department's bars (one per
    # level it has), drawn as paths and text, no raster image in the PDF.
    html = rendered_html[-1]
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count('<rect class="red"') == 1
    assert svg.count('<rect class="yellow"') == 1
    assert svg.count('<rect class="green"') == 1
    assert 'data-department="市发展改革委"' in svg
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert len(page.images) == 0
    assert b" re" in page.get_contents().get_data() or b" l" in page.get_contents().get_data()
    assert "节点完成率" in text
    render_page(content, "leader-briefing", page=1)


def test_a_city_wide_briefing_stays_on_one_page(
    city, awaiting, mayor, generate, year, dept_a, staff_a
):
    """Many red targets: the page lists the first ones and says how many more there are."""
    for i in range(30):
        target = make_target(year, f"R{i:02d}", dept_a, 1, staff_a)
        snapshot(target, Q2, "red", reason="进度明显滞后，未按期完成节点目标" * 3)
    job = generate(mayor, "leader_briefing", year=2027, quarter=2)
    text = squeezed(pdf_text(job_file(job)))
    job.refresh_from_db()
    assert job.result["pages"] == 1
    assert "全市" in text
    # 32 red (A1, B1 and the 30), 8 listed.
    assert "另有24项红色预警目标见领导驾驶舱。" in text


def test_who_may_not_have_a_briefing(city, staff_a, head_a, outsider, vice_mayor):
    """The dashboard's rule: a department member or an outsider is told there is no such page
    (404) and nothing is queued; bad parameters are refused with a Chinese message."""
    for user in (staff_a, head_a, outsider):
        with pytest.raises(NotFoundForUser):
            services.document_request(by=user, kind="leader_briefing", params={"year": 2027})
    with pytest.raises(NotFoundForUser):
        services.document_request(by=vice_mayor, kind="leader_briefing", params={"year": 2031})
    with pytest.raises(ValidationFailed) as exc:
        services.document_request(
            by=vice_mayor, kind="leader_briefing", params={"year": 2027, "quarter": 5}
        )
    assert "季度须为1至4" in exc.value.message
    with pytest.raises(ValidationFailed):
        services.document_request(by=vice_mayor, kind="leader_briefing", params={})
    assert not DocumentJob.objects.exists()


def test_the_download_is_checked_again(city, vice_mayor, generate, dept_a):
    """A vice-mayor who no longer holds a department the briefing shows may not download it."""
    from accounts.models import User

    job = generate(vice_mayor, "leader_briefing", year=2027, quarter=2)
    job.refresh_from_db()
    assert services.download_allowed(vice_mayor, job)
    LeaderPortfolio.objects.filter(leader=vice_mayor, department=dept_a).delete()
    assert not services.download_allowed(User.objects.get(pk=vice_mayor.pk), job)


def test_the_default_quarter_is_the_dashboards(city, vice_mayor, generate):
    """Asked without a quarter (as the API may), the briefing reads the dashboard's default
    quarter (the one containing today, issue 16 item 2) — whatever that rule says."""
    job = generate(vice_mayor, "leader_briefing", year=2027)
    job.refresh_from_db()
    board = dashboard_selectors.leader_dashboard(vice_mayor, plan_year=city["A1"].plan_year)
    assert job.result["quarter"] == board.quarter


def test_the_dashboard_offers_the_briefing(
    city, vice_mayor, client, django_capture_on_commit_callbacks
):
    client.force_login(vice_mayor)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="briefing-form"' in html and "下载季度简报（PDF）" in html
    board = dashboard_selectors.leader_dashboard(vice_mayor, plan_year=city["A1"].plan_year)
    assert f'name="quarter" value="{board.quarter}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/documents/request/", {"kind": "leader_briefing", "year": "2027", "quarter": "2"}
        )
    job = DocumentJob.objects.get(requested_by=vice_mayor)
    assert response.status_code == 302 and response.url == f"/documents/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.state == DocumentJob.State.DONE
    assert job.params["quarter"] == 2
    download = client.get(f"/documents/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert "2027年第二季度目标执行简报" in squeezed(pdf_text(b"".join(download.streaming_content)))
