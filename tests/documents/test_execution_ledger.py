"""The ledger (目标台账) is an execution ledger (issue 16 item 12): every row names its
responsible department (the lead itself when none other is named), the latest value and % the
general office verified (审核值, Shanghai Art. 14: the department reports, the office verifies),
the warning level of the latest period, and each quarter's node target with its status — 逾期
once past its due date without a result (issue 16 item 3). A target's dossier prints its title
once. Read from the generated PDFs with pypdf."""

import datetime
import re
from decimal import Decimal

import pytest

from execution import clock
from execution.early_warning import recompute_early_warnings
from execution.models import WarningSnapshot
from execution.services import progress as reports
from targets import services as target_services
from targets.models import PlanYear
from targets.templatetags.target_values import plain_number
from tests.conftest import qualitative_input
from tests.documents.conftest import job_file, pdf_text
from tests.evaluation.conftest import executing_target

pytestmark = pytest.mark.django_db

ON = datetime.date(2027, 4, 12)


def squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def ledger_year(plan_year, aspect, dept_a, dept_b, dept_c, staff_a, head_a, office):
    """Two executing targets of department A on 12 April 2027: the first with its Q1 report
    (6.1) verified at 5.9 and its Q1 node target achieved; the second (with 市教委 as its
    responsible department) never reported, its Q1 node target (due 31 March) without result."""
    first = executing_target(
        plan_year, aspect, dept_a, staff=staff_a, head=head_a, office=office, title="第一项执行目标"
    )
    second = executing_target(
        plan_year,
        aspect,
        dept_a,
        staff=staff_a,
        head=head_a,
        office=office,
        title="第二项执行目标",
        departments=[target_services.DepartmentInput(department=dept_c, role="responsible")],
    )
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)
    first.milestones.filter(quarter=1).update(status="achieved")
    with clock.frozen(datetime.date(2027, 4, 5)):
        report = reports.progress_report_create(
            target=first,
            by=staff_a,
            period_start=datetime.date(2027, 1, 1),
            data=reports.ReportInput(actual_value=Decimal("6.1"), narrative="一季度进展"),
        )
        reports.progress_report_submit(report=report, by=head_a)
    with clock.frozen(datetime.date(2027, 4, 6)):
        reports.progress_report_verify(
            report=report, by=office, verified_value=Decimal("5.9"), reason="以统计局核定数为准"
        )
    with clock.frozen(ON):
        recompute_early_warnings(today=ON)
    report.refresh_from_db()
    return {"first": first, "second": second, "report": report}


def ledger_rows(text: str, codes: list[str]) -> dict[str, str]:
    """Each target's row of the ledger's text, from its code to the next code (squeezed)."""
    flat = squeezed(text)
    starts = sorted((flat.index(code), code) for code in codes)
    rows = {}
    for i, (start, code) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(flat)
        rows[code] = flat[start:end]
    return rows


def test_the_ledger_shows_verified_progress_warning_and_node_status(
    ledger_year, office, generate, rendered_html
):
    first, second, report = ledger_year["first"], ledger_year["second"], ledger_year["report"]
    with clock.frozen(ON):
        text = pdf_text(job_file(generate(office, "year_ledger", year=2027)))
    flat = squeezed(text)
    for header in ("最新审核进展", "预警", "责任部门"):
        assert header in flat
    rows = ledger_rows(text, [first.code, second.code])
    # The office's figure, not the department's: 5.9 (reported 6.1), with its % and date.
    assert (report.actual_value, report.verified_value) == (Decimal("6.1"), Decimal("5.9"))
    assert "5.9%" in rows[first.code] and "6.1" not in rows[first.code]
    # % complete by the warnings' rule: baseline 6.0 → target 6.5, verified 5.9: −20%.
    assert first.baseline == Decimal("6.0") and first.target_value == Decimal("6.5")
    assert f"完成{plain_number(Decimal('-20.00'))}%" in rows[first.code]
    assert "截至3月31日" in rows[first.code]
    # The warning level each target has now, as the warnings recorded it.
    for target in (first, second):
        level = WarningSnapshot.objects.filter(target=target).latest("period_start").level
        label = {"red": "红色", "yellow": "黄色", "green": "绿色"}[level]
        assert label in rows[target.code]
    # Node targets with their status: Q1 achieved / past due without result; Q2–Q4 not due.
    html = rendered_html[-1]
    cells = {
        code: re.findall(r"<td>[^<]*?\n(\d+月\d+日)\n([^<\n]*)</td>", html.split(code, 1)[1])[:4]
        for code in (first.code, second.code)
    }
    assert [status for _day, status in cells[first.code]] == [
        "已完成",
        "未到期",
        "未到期",
        "未到期",
    ]
    assert [status for _day, status in cells[second.code]] == ["逾期", "未到期", "未到期", "未到期"]
    assert "逾期" in rows[second.code]
    # Never reported: no verified figure, a dash in its place.
    assert "截至" not in rows[second.code] and "—" in rows[second.code]


def test_the_ledger_names_a_responsible_department_in_every_row(
    ledger_year, office, generate, rendered_html, dept_a, dept_c
):
    """A target with a named responsible department shows it; one without shows its lead
    department, which delivers it (the column is never empty)."""
    first, second = ledger_year["first"], ledger_year["second"]
    with clock.frozen(ON):
        generate(office, "year_ledger", year=2027)
    html = rendered_html[-1]

    def cells(code):
        row = html.split(f"<td>{code}</td>", 1)[1].split("</tr>", 1)[0]
        return re.findall(r"<td>([^<]*)</td>", row)

    lead_a = dept_a.short_name or dept_a.name
    # Columns after the four quarters: lead, responsible, cooperating, leaders, progress, level.
    assert cells(first.code)[-6:-4] == [lead_a, lead_a]
    assert cells(second.code)[-6:-4] == [lead_a, dept_c.short_name or dept_c.name]


def test_the_ledger_keeps_its_header_on_one_line(ledger_year, office, generate):
    """The header's cells fit their columns: page text reads the header in one run (the
    header-repeat test reads it so on every page)."""
    with clock.frozen(ON):
        text = squeezed(pdf_text(job_file(generate(office, "year_ledger", year=2027))))
    assert "序号编号目标一季度节点目标二季度节点目标三季度节点目标四季度节点目标" in text
    assert "牵头部门责任部门配合部门责任领导最新审核进展预警" in text


def test_a_target_dossier_prints_the_targets_title_once(history, auditor, generate):
    """The subtitle under the document's title names the target; its heading is not repeated
    before the first section (the 目标内容 table still lists the 目标名称 field)."""
    text = pdf_text(job_file(generate(auditor, "target_dossier", target=history.pk)))
    head = squeezed(text.split("第 1 页", 1)[0].split("一、目标内容", 1)[0])
    assert head.count(squeezed(history.title)) == 1
    assert head.count(history.code) == 1


def test_a_department_dossier_still_heads_each_target(
    history, office, staff_a, plan_year, aspect, dept_a, generate
):
    other = target_services.target_create(
        by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a)
    )
    text = squeezed(
        pdf_text(job_file(generate(office, "department_dossier", department=dept_a.pk, year=2027)))
    )
    # The summary table and each target's own heading.
    for target in (history, other):
        assert text.count(squeezed(target.title)) >= 2


def test_the_ledger_prints_a_generated_code_on_one_line(ledger_year, office, generate):
    """A code the system gives (year-number, "2027-0001") fits its column: at the old 6% it
    broke before its last digit, and a code read as "2027-000" is another target's."""
    with clock.frozen(ON):
        text = pdf_text(job_file(generate(office, "year_ledger", year=2027)))
    for target in (ledger_year["first"], ledger_year["second"]):
        assert len(target.code) == len("2027-0001")
        assert target.code in text.split()
