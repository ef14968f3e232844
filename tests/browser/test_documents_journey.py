"""Documents in a real browser (issue 8):

1. the auditor opens a target, asks for its dossier (卷宗), watches the progress bar while a
   worker generates it, downloads the PDF — which holds the target's title and its last audit
   entry (Art. 14: 全程记录);
2. the general office downloads the import template, fills in the year's list with two bad
   rows, sees each error named by row and column, fixes the file, and imports it as drafts.
"""

import datetime
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from audit.models import AuditEvent
from config.celery import app
from documents.models import DocumentJob
from documents.tasks import run_document_job
from targets import services
from targets.models import Target
from tests.conftest import quantitative_input
from tests.documents.conftest import good_row, pdf_text, set_task_routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE = "mubiao-test-browser-documents"
# Screenshots for a person to look at (layout of the progress bar and of the error list).
SHOTS = Path(__file__).resolve().parent.parent.parent / "test-results"


@pytest.fixture
def worker_later(settings, tmp_path):
    """Document tasks wait in the broker instead of running at once, so the page shows its
    progress bar; the test then plays the worker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    app.conf.task_always_eager = False
    set_task_routes({"documents.tasks.run_document_job": {"queue": QUEUE}})
    try:
        yield
    finally:
        app.conf.task_always_eager = True
        set_task_routes(None)
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(QUEUE)


@pytest.fixture(autouse=True)
def _shots_dir():
    SHOTS.mkdir(exist_ok=True)


def test_auditor_downloads_a_targets_dossier(
    worker_later, sign_in, auditor, staff_a, head_a, office, plan_year, aspect, dept_a
):
    target = services.target_create(
        by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a)
    )
    services.target_submit(target=target, by=head_a)
    services.target_return(target=target, by=office, comment="请补充季度节点目标的完成标准。")
    services.target_submit(target=target, by=head_a)
    services.target_negotiate(target=target, by=office, comment="经协商，同意按6.5%安排。")
    last = AuditEvent.objects.for_timeline(target).last()

    page = sign_in("auditor")
    page.goto(f"/targets/{target.pk}/")
    page.get_by_role("button", name="生成卷宗PDF").click()
    status = page.locator("#job-status")
    expect(status).to_have_attribute("data-state", "queued")
    expect(status.locator("progress")).to_be_visible()
    page.screenshot(path=str(SHOTS / "documents-progress.png"), full_page=True)

    # The worker picks it up; the page, polling every second, turns into a download link.
    job = DocumentJob.objects.get(requested_by=auditor)
    run_document_job.apply(args=[job.pk])
    link = page.get_by_role("link", name="下载")
    expect(link).to_be_visible(timeout=15_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith("目标卷宗.pdf")
    text = pdf_text(open(download.path(), "rb").read())  # noqa: SIM115
    assert target.title in text
    assert last.comment == "经协商，同意按6.5%安排。"
    assert last.comment in text


def _fill(template: bytes, rows: list[dict]) -> bytes:
    from documents import excel

    wb = load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    for row in rows:
        ws.append([row.get(c.key) for c in excel.COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_office_imports_the_years_list(
    sign_in, office, plan_year, dept_a, dept_b, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = sign_in("office")
    page.get_by_role("link", name="文档").click()
    page.screenshot(path=str(SHOTS / "documents-index.png"), full_page=True)
    page.get_by_role("link", name="导入目标清单").first.click()
    with page.expect_download() as info:
        page.locator("a[data-template]").click()
    template = open(info.value.path(), "rb").read()  # noqa: SIM115

    rows = [
        good_row(1),
        good_row(2, lead_department="市宇宙局"),
        good_row(3, department="市财政局"),
        good_row(4, q1_due="2027年3月31日"),
    ]
    bad = tmp_path / "2027年度目标清单.xlsx"
    bad.write_bytes(_fill(template, rows))
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="上传并检查").click()
    errors = page.locator("table.import-errors")
    expect(errors).to_contain_text("第3行")
    expect(errors).to_contain_text("部门“市宇宙局”不存在")
    expect(errors).to_contain_text("第5行")
    expect(errors).to_contain_text("一季度完成时限")
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "documents-import-errors.png"), full_page=True)
    assert Target.objects.count() == 0

    rows[1]["lead_department"] = "市发展改革委"
    rows[3]["q1_due"] = datetime.datetime(2027, 3, 31)
    fixed = tmp_path / "2027年度目标清单（修改）.xlsx"
    fixed.write_bytes(_fill(template, rows))
    page.get_by_role("link", name="重新上传").first.click()
    page.set_input_files("#id_file", str(fixed))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#import-preview")).to_contain_text("新目标 4 行")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-result")).to_contain_text("已导入 4 个目标")
    assert sorted(Target.objects.values_list("code", flat=True)) == [
        "HP-001",
        "HP-002",
        "HP-003",
        "HP-004",
    ]
    assert set(Target.objects.values_list("state", flat=True)) == {"draft"}
