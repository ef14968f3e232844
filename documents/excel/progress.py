"""Writing the progress of one period (issue 8 item 3: "and of progress for a period"): one row
per progress report with its reported and verified values side by side (Shanghai Art. 14: the
department reports, the general office verifies; both values are kept)."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from execution.models import ProgressReport

from .columns import HEADER_FILL, HEADER_FONT, Column, as_text_cell

PROGRESS_COLUMNS = [
    Column("seq", gettext_lazy("序号"), 6),
    Column("code", gettext_lazy("编号"), 12),
    Column("title", gettext_lazy("目标名称"), 30),
    Column("department", gettext_lazy("填报部门"), 16),
    Column("kind", gettext_lazy("报告类型"), 14),
    Column("due_date", gettext_lazy("报送截止"), 12),
    Column("state", gettext_lazy("状态"), 10),
    Column("submitted_at", gettext_lazy("报送时间"), 12),
    Column("late", gettext_lazy("逾期报送"), 8),
    Column("unit", gettext_lazy("计量单位"), 8),
    Column("actual_value", gettext_lazy("填报值"), 10),
    Column("percent_complete", gettext_lazy("填报完成进度（%）"), 10),
    Column("verified_value", gettext_lazy("审核值"), 10),
    Column("verified_percent", gettext_lazy("审核完成进度（%）"), 10),
    Column("verification_reason", gettext_lazy("审核值调整理由"), 24),
    Column("narrative", gettext_lazy("进展情况"), 40),
    Column("problems", gettext_lazy("存在问题"), 30),
    Column("evidence", gettext_lazy("佐证材料"), 24),
]


def _number(value):
    # Excel holds numbers as doubles: four decimal places survive, as in the target list.
    return float(value) if value is not None else None


def write_progress(reports, *, title: str) -> bytes:
    """``reports`` joined with target, department and evidence (documents.selectors)."""
    kinds = {k: str(v) for k, v in ProgressReport.Kind.choices}
    states = {k: str(v) for k, v in ProgressReport.State.choices}
    yes, no = _("是"), _("否")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("进展报告"))
    for i, column in enumerate(PROGRESS_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "D3"
    ws.append([title])
    header = []
    for column in PROGRESS_COLUMNS:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    ws.append(header)
    for seq, report in enumerate(reports, start=1):
        verified = report.state == ProgressReport.State.VERIFIED
        row = [
            seq,
            report.target.code,
            report.target.title,
            report.department.name,
            kinds.get(report.kind, report.kind),
            report.due_date,
            states.get(report.state, report.state),
            report.submitted_at.date() if report.submitted_at else None,
            yes if report.is_late else no,
            report.target.unit,
            _number(report.actual_value),
            _number(report.percent_complete),
            _number(report.verified_value) if verified else None,
            _number(report.verified_percent) if verified else None,
            report.verification_reason,
            report.narrative,
            report.problems,
            "\n".join(e.display_name for e in report.evidence.all()),
        ]
        # Every text a department typed (narrative, problems, file names) stays text.
        ws.append([as_text_cell(ws, value) for value in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
