"""Benchmarks of the documents app (issue 8), printed, not asserted:

- PDF pages per second of the year ledger (目标台账) of a city-scale year, built here with bulk
  inserts, and the peak memory of the process that runs the job (as a Celery worker would);
- pages per second of a department's dossier in the same run, and the ledger's rate over it;
  and for both, the text lines laid out per page and the CPU time per line (a ledger page
  carries about four times a dossier page's text: pages per second alone compares unlike pages);
- rows per second of the Excel export of 10,000 targets, and of openpyxl's write-only mode
  writing the same rows in the same run (the export's floor; the goal is at most 2× it);
- seconds to check and import 1,000 rows (all or nothing, through targets.services'
  ``targets_create_many``, as the import's apply job calls it).

Run on PostgreSQL (a throwaway database ``bench_<name>`` is created and dropped):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mubiao .venv/bin/python -m benchmarks.documents
"""

import datetime
import io
import os
import resource
import sys
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

LEDGER_TARGETS = int(os.environ.get("BENCH_LEDGER_TARGETS", "1200"))
EXPORT_TARGETS = int(os.environ.get("BENCH_EXPORT_TARGETS", "10000"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1000"))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    """Wall and CPU seconds of a block: on a shared machine the CPU time says what the code
    costs, the wall time what the user waited."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def rate(self, n) -> str:
        return f"{n / self.wall:.1f}/s wall, {n / self.cpu:.1f}/s CPU ({self.wall:.1f} s, {self.cpu:.1f} s CPU)"


def build_year(year: int, n: int, *, departments, aspects_count=8, creator):
    """A plan year with ``n`` executing targets over ``aspects_count`` aspects, each with Q1–Q4
    node targets and two other departments (bulk inserts: the benchmark measures documents, not
    the creation service)."""
    from targets.models import Aspect, Milestone, PlanYear, Target, TargetDepartment

    plan_year = PlanYear.objects.create(year=year, status=PlanYear.Status.EXECUTING)
    aspects = Aspect.objects.bulk_create(
        Aspect(plan_year=plan_year, number=i + 1, name=f"第{i + 1}方面：经济发展与民生保障")
        for i in range(aspects_count)
    )
    targets = Target.objects.bulk_create(
        Target(
            plan_year=plan_year,
            code=f"{year}-{i + 1:04d}",
            aspect=aspects[i % aspects_count],
            kind="quantitative",
            title=f"全市重点项目第{i + 1}项：完成年度投资和建设任务",
            content="按照年度计划推进项目建设，确保完成年度投资目标，形成实物工作量。",
            measures="建立项目推进机制，按月调度，协调解决项目建设中的困难和问题。",
            indicator="完成投资",
            unit="亿元",
            baseline=Decimal("10.5"),
            target_value=Decimal("12.8"),
            direction="higher",
            lead_department=departments[i % len(departments)],
            created_by=creator,
            state="executing",
            dept_head_name="李主任",
        )
        for i in range(n)
    )
    Milestone.objects.bulk_create(
        Milestone(
            target=t,
            quarter=q,
            due_date=plan_year.quarter_bounds(q)[1],
            description=f"第{q}季度完成年度投资的{25 * q}%，形成阶段性成果",
        )
        for t in targets
        for q in (1, 2, 3, 4)
    )
    TargetDepartment.objects.bulk_create(
        TargetDepartment(
            target=t,
            department=departments[(i + k) % len(departments)],
            role=role,
            task="负责配合推进相关工作" if role == "cooperating" else "",
        )
        for i, t in enumerate(targets)
        for k, role in ((1, "responsible"), (2, "cooperating"))
    )
    return plan_year


def main():
    from accounts.models import Department, Membership, User
    from documents import excel, services
    from documents.models import DocumentJob
    from targets.models import Aspect, PlanYear

    departments = Department.objects.bulk_create(
        Department(code=f"d{i:02d}", name=f"市第{i + 1}委办局", short_name=f"第{i + 1}局")
        for i in range(40)
    )
    office_dept = Department.objects.create(code="bgt", name="市政府办公厅")
    office = User.objects.create_user(username="office", display_name="目标办")
    Membership.objects.create(user=office, department=office_dept, role="general_office")

    # 1. The year ledger.
    build_year(2026, LEDGER_TARGETS, departments=departments, creator=office)
    job = DocumentJob.objects.create(kind="year_ledger", params={"year": 2026}, requested_by=office)
    with Timer() as timer:
        services.job_run(job_id=job.pk)
    job.refresh_from_db()
    pages = job.result["pages"]
    print(
        f"year ledger: {LEDGER_TARGETS} targets, {pages} pages (A4 landscape):"
        f" {timer.rate(pages)} pages; peak memory of the process {peak_mb():.0f} MB"
    )
    ledger_rate = pages / timer.cpu
    ledger_lines = text_lines(job)
    ledger_cpu = timer.cpu
    job = DocumentJob.objects.create(
        kind="department_dossier",
        params={"department": departments[0].pk, "year": 2026},
        requested_by=office,
    )
    with Timer() as timer:
        services.job_run(job_id=job.pk)
    job.refresh_from_db()
    print(
        f"department dossier: {len(job.result['target_ids'])} targets, {job.result['pages']} pages:"
        f" {timer.rate(job.result['pages'])} pages"
    )
    dossier_rate = job.result["pages"] / timer.cpu
    dossier_lines = text_lines(job)
    print(f"ledger pages per CPU second ÷ dossier's: {ledger_rate / dossier_rate:.2f} (goal ≥ 1)")
    ledger_ms, dossier_ms = (
        1000 * ledger_cpu / ledger_lines,
        1000 * timer.cpu / dossier_lines,
    )
    print(
        f"text lines: ledger {ledger_lines:,} ({ledger_lines / pages:.0f} a page),"
        f" dossier {dossier_lines:,} ({dossier_lines / job.result['pages']:.0f} a page);"
        f" CPU per line: ledger {ledger_ms:.2f} ms, dossier {dossier_ms:.2f} ms"
        f" (ledger ÷ dossier {ledger_ms / dossier_ms:.2f})"
    )

    # 2. The Excel export of 10,000 targets.
    build_year(2025, EXPORT_TARGETS, departments=departments, creator=office)
    job = DocumentJob.objects.create(
        kind="target_list_xlsx", params={"query": {"year": ["2025"]}}, requested_by=office
    )
    with Timer() as timer:
        services.job_run(job_id=job.pk)
    job.refresh_from_db()
    rows = job.result["rows"]
    print(
        f"Excel export: {rows} targets: {timer.rate(rows)} rows"
        f" ({job.file.size / 1024 / 1024:.1f} MB); peak memory {peak_mb():.0f} MB"
    )
    # The library's own speed, side by side (issue 20 item 3): openpyxl's write-only mode
    # writing the very same rows (already built, as plain values) — the export's floor.
    exported = timer.cpu
    values = plain_rows(2025)
    with Timer() as raw:
        raw_write(values)
    print(
        f"openpyxl write-only, the same {len(values)} rows × {len(values[0])} columns:"
        f" {raw.rate(len(values))} rows — the export costs {exported / raw.cpu:.2f}× (CPU;"
        f" {timer.wall / raw.wall:.2f}× wall); goal ≤ 2×"
    )

    # 3. Importing 1,000 rows into a year open for drafting.
    plan_year = PlanYear.objects.create(year=2027, status=PlanYear.Status.DRAFTING)
    Aspect.objects.create(plan_year=plan_year, number=1, name="经济发展与结构调整")
    content = import_sheet(IMPORT_ROWS, departments)
    with Timer() as checked:
        check = excel.read_target_list(content, user=office, plan_year=plan_year)
    assert check.ok, check.as_dict()["rows"][:3]
    from django.db import transaction

    from targets import services as target_services

    rows = check.new_rows
    with Timer() as created, transaction.atomic():
        target_services.targets_create_many(
            by=office,
            plan_year=plan_year,
            inputs=[row.data for row in rows],
            imported=True,
            rows=[row.number for row in rows],
        )
    print(
        f"Excel import: {IMPORT_ROWS} rows checked in {checked.wall:.1f} s"
        f" ({checked.cpu:.1f} s CPU), created in {created.wall:.1f} s ({created.cpu:.1f} s CPU)"
        f" — {checked.wall + created.wall:.1f} s in all"
        f" ({checked.cpu + created.cpu:.1f} s CPU; all or nothing, through targets_create_many)"
    )


def text_lines(job) -> int:
    """Lines of text in the job's PDF: WeasyPrint writes each laid-out line with one
    text-showing operator (``Tj``/``TJ``), so this counts what the layout had to break and
    place (read after the timing, with pypdf)."""
    import pypdf
    from pypdf.generic import ContentStream

    with job.file.open("rb") as f:
        reader = pypdf.PdfReader(io.BytesIO(f.read()))
        return sum(
            1
            for page in reader.pages
            for _operands, operator in ContentStream(page.get_contents(), reader).operations
            if operator in (b"Tj", b"TJ")
        )


def plain_rows(year: int) -> list[list]:
    """The export's rows of ``year`` as plain values (what ``RowWriter`` hands openpyxl)."""
    from documents import excel, selectors
    from targets.models import Target

    writer = excel.RowWriter()
    records = selectors.target_records(
        Target.objects.filter(plan_year__year=year).order_by("aspect__number", "code")
    )
    return [writer.row(seq, record) for seq, record in enumerate(records, start=1)]


def raw_write(values: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("rows")
    for row in values:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_sheet(n: int, departments) -> bytes:
    from openpyxl import Workbook

    from documents import excel

    wb = Workbook()
    ws = wb.active
    ws.append([str(c.header) for c in excel.COLUMNS])
    for i in range(n):
        values = {
            "seq": i + 1,
            "code": f"IMP-{i + 1:04d}",
            "aspect": "经济发展与结构调整",
            "title": f"导入目标{i + 1}",
            "content": "全年完成目标任务。",
            "kind": "定量目标",
            "indicator": "完成投资",
            "unit": "亿元",
            "target_value": 12.5,
            "direction": "越高越好",
            "weight": 1,
            "q1": "完成25%",
            "q1_due": datetime.datetime(2027, 3, 31),
            "q2": "完成50%",
            "q3": "完成75%",
            "q4": "全部完成",
            "lead_department": departments[i % len(departments)].name,
            "responsible": departments[(i + 1) % len(departments)].name,
            "cooperating": f"{departments[(i + 2) % len(departments)].name}：配合推进",
        }
        ws.append([values.get(c.key) for c in excel.COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


if __name__ == "__main__":
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark on PostgreSQL (DATABASE_URL=postgres://…).")
    import tempfile

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="mubiao-bench-")
    connection.settings_dict["TEST"]["NAME"] = "bench_" + connection.settings_dict["NAME"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"{os.cpu_count()} CPUs, load average {load}; PostgreSQL;"
            f" fonts {settings.DOCUMENTS_PDF_FONTS}"
        )
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
