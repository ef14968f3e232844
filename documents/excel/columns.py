"""The columns of the target list, shared by the export and the import: Huangpu's list (001:
序号, 方面, 目标, node targets Q1–Q4, lead / responsible / cooperating departments, leaders)."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from targets.models import Target

QUARTER_NAMES = {
    1: gettext_lazy("一季度"),
    2: gettext_lazy("二季度"),
    3: gettext_lazy("三季度"),
    4: gettext_lazy("四季度"),
}


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # a lazy translation
    width: int = 14
    required: bool = False


COLUMNS = [
    Column("seq", gettext_lazy("序号"), 6),
    Column("code", gettext_lazy("编号"), 12),
    Column("aspect", gettext_lazy("方面"), 18, required=True),
    Column("title", gettext_lazy("目标名称"), 30, required=True),
    Column("content", gettext_lazy("目标内容"), 40, required=True),
    Column("measures", gettext_lazy("工作措施"), 36),
    Column("kind", gettext_lazy("目标类型"), 10, required=True),
    Column("indicator", gettext_lazy("指标名称"), 16),
    Column("unit", gettext_lazy("计量单位"), 8),
    Column("baseline", gettext_lazy("基期值"), 10),
    Column("target_value", gettext_lazy("目标值"), 10),
    Column("direction", gettext_lazy("指标方向"), 10),
    Column("weight", gettext_lazy("权重"), 6),
    *[
        column
        for q in (1, 2, 3, 4)
        for column in (
            Column(f"q{q}", gettext_lazy("%(q)s节点目标") % {"q": QUARTER_NAMES[q]}, 26),
            Column(f"q{q}_due", gettext_lazy("%(q)s完成时限") % {"q": QUARTER_NAMES[q]}, 12),
        )
    ],
    Column("lead_department", gettext_lazy("牵头部门"), 16, required=True),
    Column("responsible", gettext_lazy("责任部门"), 20),
    Column("cooperating", gettext_lazy("配合部门（部门：任务）"), 30),
    Column("lead_leader", gettext_lazy("牵头市领导"), 10),
    Column("cooperating_leaders", gettext_lazy("配合市领导"), 12),
    Column("assisting_secretary", gettext_lazy("协助分管秘书长"), 10),
    Column("dept_head_name", gettext_lazy("第一责任人"), 10),
    Column("dept_leader_in_charge", gettext_lazy("分管领导"), 10),
    Column("dept_responsible_person", gettext_lazy("责任人"), 10),
    Column("is_key_work", gettext_lazy("市政府重点工作"), 8),
]
STATE_COLUMN = Column("state", gettext_lazy("状态"), 10)
# Lists separate names with 、 or line breaks; a cooperating department's task follows a colon.
NAME_SEPARATORS = re.compile(r"[、,，;；\n]+")
TASK_SEPARATOR = re.compile(r"[:：]")

# How lists mark 市政府重点工作: 是 / √ / Y / 1 (and the English export's "Yes").
YES = {"是", "√", "y", "yes", "1", "true"}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
WRAP = Alignment(wrap_text=True, vertical="top")


def LABELS() -> dict:  # noqa: N802 — read like a constant, translated when called
    """The choice labels the sheet uses, as the messages name them."""
    return {
        "quantitative": Target.Kind.QUANTITATIVE.label,
        "qualitative": Target.Kind.QUALITATIVE.label,
        "higher": Target.Direction.HIGHER.label,
        "lower": Target.Direction.LOWER.label,
    }


# What a spreadsheet program reads as the start of a formula (or of a DDE call): "=", "+", "-",
# "@", and a tab or carriage return before one (issue 17 item 6, OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(ws, value):
    """``value`` for a write-only row, a typed text kept as text: a string that starts like a
    formula becomes a string cell with Excel's quote prefix (shown as typed, never evaluated,
    and still text once someone edits the cell), not openpyxl's formula cell. The value itself
    is unchanged, so an exported list imports again as it was."""
    if type(value) is not str or not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell
