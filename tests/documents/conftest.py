"""Helpers for the documents tests: text and pictures of generated PDFs, spreadsheets built
with openpyxl as an office would fill them in."""

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook
from pypdf import PdfReader

from documents import excel
from documents.models import DocumentJob
from targets import services
from tests.conftest import quantitative_input

# Rendered pages are kept here so a person can look at them (Chinese text, no boxes, tables
# inside the margins). Not under test-results/: pytest-playwright empties that at its start.
RENDER_DIR = Path(__file__).resolve().parent.parent.parent / "build" / "pdf-pages"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def render_page(content: bytes, name: str, page: int = 1) -> Path:
    """Page ``page`` of the PDF as a PNG (poppler's pdftoppm), returned for inspection."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler-utils (pdftoppm) is needed"
    RENDER_DIR.mkdir(parents=True, exist_ok=True)
    source = RENDER_DIR / f"{name}.pdf"
    source.write_bytes(content)
    prefix = RENDER_DIR / name
    subprocess.run(  # noqa: S603
        [
            pdftoppm,
            "-png",
            "-r",
            "60",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(source),
            str(prefix),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")


def queued_job(user, **fields) -> DocumentJob:
    """A target list export asked for by ``user``, not yet run (a cheap job for the worker)."""
    return DocumentJob.objects.create(
        kind=DocumentJob.Kind.TARGET_LIST_XLSX,
        params={"query": {"year": ["2027"]}},
        requested_by=user,
        **fields,
    )


def job_file(job: DocumentJob) -> bytes:
    job.refresh_from_db()
    assert job.state == DocumentJob.State.DONE, job.error
    with job.file.open("rb") as f:
        return f.read()


HEADERS = [str(c.header) for c in excel.COLUMNS]


def sheet(rows: list[dict], *, title_row: bool = False) -> bytes:
    """An .xlsx with the template's header and ``rows`` (dicts keyed by column key)."""
    wb = Workbook()
    ws = wb.active
    if title_row:
        ws.append(["2027年度目标清单"])
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(c.key) for c in excel.COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_row(n: int, *, department="市发展改革委", **overrides) -> dict:
    row = {
        "seq": n,
        "code": f"HP-{n:03d}",
        "aspect": "经济发展与结构调整",
        "title": f"导入目标{n}：全市地区生产总值增长",
        "content": "全年地区生产总值增速达到6.5%左右。",
        "measures": "加快重大项目建设。",
        "kind": "定量目标",
        "indicator": "地区生产总值增速",
        "unit": "%",
        "baseline": 6.0,
        "target_value": 6.5,
        "direction": "越高越好",
        "weight": 2,
        "q1": "一季度增速达到6%",
        "q1_due": datetime.datetime(2027, 3, 31),
        "q2": "上半年增速达到6.2%",
        "q3": "前三季度增速达到6.4%",
        "q4": "全年增速达到6.5%",
        "lead_department": department,
        "dept_head_name": "李主任",
        "is_key_work": "否",
    }
    row.update(overrides)
    return row


@pytest.fixture
def history(draft, staff_a, head_a, office, aspect, dept_a, dept_b):
    """A target with two revisions, a return with a comment, and a resubmission: its last audit
    entry is the office's negotiation with a known comment."""
    services.target_update(
        target=draft,
        by=staff_a,
        data=quantitative_input(
            aspect,
            dept_a,
            target_value=6.8,
            departments=[
                services.DepartmentInput(department=dept_b, role="cooperating", task="资金保障")
            ],
        ),
    )
    services.target_submit(target=draft, by=head_a)
    services.target_return(target=draft, by=office, comment="请细化一季度节点目标。")
    services.target_submit(target=draft, by=head_a)
    services.target_negotiate(target=draft, by=office, comment="协商一致，同意按6.8%安排。")
    draft.refresh_from_db()
    return draft


@pytest.fixture
def generate(django_capture_on_commit_callbacks):
    """``generate(user, kind, **params)``: request a document and run its task (eager Celery,
    queued on commit as in production)."""
    from documents import services as document_services

    def _generate(by, kind, **params):
        with django_capture_on_commit_callbacks(execute=True):
            return document_services.document_request(by=by, kind=kind, params=params)

    return _generate


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """``upload(user, content, name=...)``: upload a list and run its check; the checked job."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents import services as document_services

    def _upload(by, content: bytes, name="2027年度目标清单.xlsx"):
        with django_capture_on_commit_callbacks(execute=True):
            job = document_services.import_upload(by=by, upload=SimpleUploadedFile(name, content))
        job.refresh_from_db()
        return job

    return _upload


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    from documents import services as document_services

    def _confirm(by, job):
        with django_capture_on_commit_callbacks(execute=True):
            apply = document_services.import_confirm(by=by, job=job)
        apply.refresh_from_db()
        return apply

    return _confirm


def errors_of(job) -> list[tuple[int, str, str]]:
    """(row, column header, message) of every problem the check found."""
    return [
        (row["number"], e["header"], e["message"])
        for row in job.result["rows"]
        for e in row["errors"]
    ]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Generated documents and uploads go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def tables_outside_margins(html: str) -> list[str]:
    """Tables and cells that reach past the page's right margin, from WeasyPrint's own layout of
    ``html`` (a table wider than the page pushes its last columns off the paper). Empty when
    every table is inside."""
    from django.conf import settings
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    outside = []
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for box in page_box.descendants():
            if isinstance(box, (boxes.TableBox, boxes.TableCellBox)):
                end = box.position_x + box.margin_width()
                if end > right + 0.5:
                    outside.append(
                        f"page {number}: {type(box).__name__} ends at {end:.0f} > {right:.0f}"
                    )
    return outside


@pytest.fixture
def rendered_html(monkeypatch):
    """The HTML of every PDF generated in the test, in order."""
    from documents import pdf

    pages = []
    original = pdf.render_to_string

    def keep(template, context=None, *args, **kwargs):
        html = original(template, context, *args, **kwargs)
        pages.append(html)
        return html

    monkeypatch.setattr(pdf, "render_to_string", keep)
    return pages


def set_task_routes(routes) -> None:
    """Change Celery's routes for real: the router is built once, at the first message sent in
    the process, so it is rebuilt here (otherwise an earlier test's routes would still apply)."""
    from config.celery import app

    app.conf.task_routes = routes
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
