# ruff: noqa: F811 — the city fixtures are imported below and named as test parameters
"""The vice-mayor downloads the quarterly briefing from the dashboard (issue 19 item 10; Shanghai
Art. 17): 王副市长 opens his dashboard on Q2 of the hand-made city (tests/dashboards/conftest.py),
asks for the one-page briefing, waits on the job page while the worker generates it, downloads
the PDF — whose text (pypdf) holds the quarter's headline figures, his department and the red
target with its reason, and nothing of another vice-mayor's portfolio."""

import pytest
from playwright.sync_api import expect

from tests.dashboards.conftest import city, today, year  # noqa: F401
from tests.documents.conftest import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_vice_mayor_downloads_the_quarterly_briefing(media, city, sign_in, vice_mayor):
    page = sign_in("vm_a", to_list=False)
    page.goto("/dashboard/?quarter=2")
    page.get_by_role("button", name="下载季度简报（PDF）").click()
    page.wait_for_url("**/documents/jobs/*/")
    link = page.get_by_role("link", name="下载")
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith("季度简报.pdf")
    with open(download.path(), "rb") as f:
        text = "".join(pdf_text(f.read()).split())
    assert "2027年第二季度目标执行简报" in text
    for figure in ("3执行中目标", "1红色预警", "1黄色预警", "1绿色"):
        assert figure in text
    assert "市发展改革委" in text
    assert "A1目标A1" in text and "进度明显滞后" in text
    assert "市财政局" not in text and "B1" not in text
