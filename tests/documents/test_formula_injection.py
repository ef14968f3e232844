"""Excel formula injection (issue 17 item 6, 等保 2.0 入侵防范): a text someone typed that starts
like a formula — ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — is written as a string
cell with Excel's quote prefix in every export, never as a live formula in the office's file.
Both exports (the target list and a period's progress reports) are read back with openpyxl and
the cells' data type checked; the value itself is kept as typed, so an exported list imports
again unchanged."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from execution import clock
from execution.services import progress as reports
from targets import services as target_services
from targets.models import PlanYear, Target
from tests.conftest import quantitative_input
from tests.documents.conftest import job_file
from tests.evaluation.conftest import executing_target

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/x","点击查看")'
TYPED = {
    "=": HYPERLINK,
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}


def cells_by_value(content: bytes) -> dict:
    ws = load_workbook(io.BytesIO(content)).active
    return {cell.value: cell for row in ws.iter_rows() for cell in row if cell.value is not None}


def assert_text(cells: dict, value: str) -> None:
    cell = cells[value]
    assert cell.data_type == "s", (value, cell.data_type)
    assert cell.quotePrefix, value


def test_the_target_list_writes_formula_like_text_as_text(
    plan_year, aspect, dept_a, staff_a, office, generate
):
    target_services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=quantitative_input(
            aspect,
            dept_a,
            title=HYPERLINK,
            content=TYPED["+"],
            measures=TYPED["-"],
            indicator=TYPED["@"],
            dept_head_name="-李主任",
        ),
    )
    cells = cells_by_value(job_file(generate(office, "target_list_xlsx", query={"year": "2027"})))
    for value in (HYPERLINK, TYPED["+"], TYPED["-"], TYPED["@"], "-李主任"):
        assert_text(cells, value)
    # Ordinary text and numbers keep their own types: only what starts like a formula changes.
    assert cells["市发展改革委"].data_type == "s" and not cells["市发展改革委"].quotePrefix
    assert cells[6.5].data_type == "n"
    assert not any(cell.data_type == "f" for cell in cells.values())


def test_the_progress_export_writes_formula_like_text_as_text(
    plan_year, aspect, dept_a, staff_a, head_a, office, generate
):
    target = executing_target(
        plan_year, aspect, dept_a, staff=staff_a, head=head_a, office=office, title=TYPED["@"]
    )
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)
    with clock.frozen(datetime.date(2027, 4, 5)):
        report = reports.progress_report_create(
            target=target,
            by=staff_a,
            period_start=datetime.date(2027, 1, 1),
            data=reports.ReportInput(
                actual_value=Decimal("6.1"), narrative=HYPERLINK, problems=TYPED["tab"]
            ),
        )
        reports.progress_report_submit(report=report, by=head_a)
    with clock.frozen(datetime.date(2027, 4, 6)):
        reports.progress_report_verify(
            report=report, by=office, verified_value=Decimal("5.9"), reason=TYPED["cr"]
        )
    report.refresh_from_db()
    content = job_file(
        generate(office, "progress_xlsx", year=2027, period="2027-01-01", department=dept_a.pk)
    )
    cells = cells_by_value(content)
    for value in (TYPED["@"], report.narrative, report.problems, report.verification_reason):
        assert value[:1] in "=+-@\t\r", value
        assert_text(cells, value)
    assert cells[5.9].data_type == "n"
    assert not any(cell.data_type == "f" for cell in cells.values())


def test_an_exported_formula_like_title_imports_back_as_typed(
    plan_year, aspect, dept_a, staff_a, office, generate
):
    """The quote prefix is a style, not a character added to the value: the round trip keeps
    the title exactly as the department typed it."""
    from documents import excel

    target_services.target_create(
        by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a, title=HYPERLINK)
    )
    content = job_file(generate(office, "target_list_xlsx", query={"year": "2027"}))
    # Loaded into a year where the code is new, the row is read in full.
    Target.objects.filter(plan_year=plan_year).delete()
    check = excel.read_target_list(content, user=office, plan_year=plan_year)
    assert [row.status for row in check.rows] == ["new"], check.as_dict()
    assert check.new_rows[0].data.title == HYPERLINK
