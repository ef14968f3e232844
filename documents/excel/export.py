"""Writing the target list and the import template (openpyxl; write-only for long lists)."""

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from targets.models import PlanYear, Target, TargetDepartment

from .columns import COLUMNS, HEADER_FILL, HEADER_FONT, LABELS, STATE_COLUMN, as_text_cell


class RowWriter:
    """Turns target records (``documents.selectors.target_records``) into sheet rows. The
    choice labels are translated once per export, not once per cell: a city's list has 10,000
    rows."""

    def __init__(self):
        self.kinds = {k: str(v) for k, v in Target.Kind.choices}
        self.directions = {k: str(v) for k, v in Target.Direction.choices}
        self.states = {k: str(v) for k, v in Target.State.choices}
        self.yes, self.no = _("是"), _("否")
        self.keys = [c.key for c in (*COLUMNS, STATE_COLUMN)]

    def row(self, seq: int, target: dict) -> list:
        milestones = target["milestones"]
        departments = target["departments"]
        baseline, target_value = target["baseline"], target["target_value"]
        values = {
            "seq": seq,
            "code": target["code"],
            "aspect": target["aspect__name"],
            "title": target["title"],
            "content": target["content"],
            "measures": target["measures"],
            "kind": self.kinds.get(target["kind"], target["kind"]),
            "indicator": target["indicator"],
            "unit": target["unit"],
            # Excel holds numbers as doubles: four decimal places survive the round trip.
            "baseline": float(baseline) if baseline is not None else None,
            "target_value": float(target_value) if target_value is not None else None,
            "direction": self.directions.get(target["direction"], ""),
            "weight": float(target["weight"]),
            "lead_department": target["lead_department__name"],
            "responsible": "、".join(
                name for role, name, _task in departments if role == RESPONSIBLE
            ),
            "cooperating": "\n".join(
                f"{name}：{task}" if task else name
                for role, name, task in departments
                if role == COOPERATING
            ),
            "lead_leader": target["lead_leader"],
            "cooperating_leaders": "、".join(target["cooperating_leaders"]),
            "assisting_secretary": target["assisting_secretary"],
            "dept_head_name": target["dept_head_name"],
            "dept_leader_in_charge": target["dept_leader_in_charge"],
            "dept_responsible_person": target["dept_responsible_person"],
            "is_key_work": self.yes if target["is_key_work"] else self.no,
            "state": self.states.get(target["state"], target["state"]),
        }
        for q in (1, 2, 3, 4):
            description, due_date = milestones.get(q, ("", None))
            values[f"q{q}"] = description
            # A date (not a datetime): openpyxl writes it with the yyyy-mm-dd format.
            values[f"q{q}_due"] = due_date
        return [values[key] for key in self.keys]


RESPONSIBLE = TargetDepartment.Role.RESPONSIBLE.value
COOPERATING = TargetDepartment.Role.COOPERATING.value


def _header_cells(ws, columns):
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def write_target_list(targets, *, title: str, progress=None, total: int | None = None) -> bytes:
    """The targets (records of ``documents.selectors.target_records``) as the Huangpu list, one
    row each (write-only: memory stays flat for 10,000 rows). A text that starts like a formula
    is written as text (issue 17 item 6: ``=HYPERLINK(…)`` in a title is no live link)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("目标清单"))
    columns = [*COLUMNS, STATE_COLUMN]
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "E3"
    ws.append([title])
    ws.append(_header_cells(ws, columns))
    writer = RowWriter()
    for seq, target in enumerate(targets, start=1):
        ws.append([as_text_cell(ws, value) for value in writer.row(seq, target)])
        if progress and total and seq % 500 == 0:
            progress(10 + 80 * seq // total)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_template(plan_year: PlanYear | None) -> bytes:
    """The blank list to fill in, with a sheet of instructions and one of examples."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("目标清单")
    ws.append([str(c.header) for c in COLUMNS])
    for i, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(_("填写说明"))
    year = plan_year.year if plan_year else datetime.date.today().year + 1
    lines = [
        _("一、每行一个目标，只读取第一个工作表“目标清单”；请勿合并单元格，请勿使用公式。"),
        _("二、带*的列必填：方面、目标名称、目标内容、目标类型、牵头部门。"),
        _(
            "三、目标类型填“%(quantitative)s”或“%(qualitative)s”；定量目标须填指标名称、计量单位、目标值、指标方向（%(higher)s/%(lower)s）。"
        )
        % LABELS(),
        _(
            "四、节点目标按季度填写；完成时限须为Excel日期格式，且在%(year)s年该季度内（不填则为季度末）。"
        )
        % {"year": year},
        _(
            "五、部门名称须与系统中的名称或简称一致；多个责任部门用“、”分隔；配合部门每行一个，写作“部门：承担任务”。"
        ),
        _("六、编号可不填（由系统生成）；已存在的编号再次导入时跳过，不会重复创建。"),
        _("七、全部行通过检查后才会导入；导入的目标为“拟定”状态的草稿。"),
    ]
    if plan_year is not None:
        lines.append(
            _("方面：%(aspects)s") % {"aspects": "；".join(str(a) for a in plan_year.aspects.all())}
        )
    for line in lines:
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
