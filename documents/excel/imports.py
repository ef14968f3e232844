"""Reading a target list: every row as a ``TargetInput`` for ``targets.services``' creation,
with every problem named by row and column in Chinese. Nothing here writes."""

import datetime
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts.access import Role
from accounts.models import Department, User
from targets import permissions as target_perms
from targets import services as target_services
from targets.models import Aspect, PlanYear, Target, TargetDepartment

from .columns import COLUMNS, LABELS, NAME_SEPARATORS, TASK_SEPARATOR, YES


@dataclass
class CellError:
    column: str  # the letter, e.g. "K"
    header: str
    message: str


@dataclass
class ImportRow:
    number: int  # the sheet's row number
    code: str = ""
    title: str = ""
    lead_department: str = ""
    status: str = "new"  # new / exists / error
    errors: list[CellError] = field(default_factory=list)
    data: target_services.TargetInput | None = None

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "code": self.code,
            "title": self.title,
            "lead_department": self.lead_department,
            "status": self.status,
            "errors": [e.__dict__ for e in self.errors],
        }


@dataclass
class ImportCheck:
    file_errors: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(r.status == "error" for r in self.rows)

    @property
    def new_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.status == "new"]

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "file_errors": self.file_errors,
            "rows": [r.as_dict() for r in self.rows],
            "new": len(self.new_rows),
            "exists": sum(1 for r in self.rows if r.status == "exists"),
            "errors": sum(1 for r in self.rows if r.status == "error"),
        }


class BadFile(Exception):
    """The file as a whole cannot be read as a target list; the message says why."""


def max_bytes() -> int:
    return settings.DOCUMENTS_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.DOCUMENTS_IMPORT_MAX_ROWS


def check_upload(upload) -> None:
    """Cheap checks done in the request, before anything is stored: a non-empty .xlsx (a ZIP
    container, read from its first bytes, not trusted from the name), within the size limit."""
    name = os.path.basename(upload.name or "")
    if not name.lower().endswith(".xlsx"):
        raise BadFile(_("只能导入Excel文件（.xlsx）。“%(name)s”不是.xlsx文件。") % {"name": name})
    if not upload.size:
        raise BadFile(_("上传的文件是空的。"))
    if upload.size > max_bytes():
        raise BadFile(
            _("文件过大（%(size).1f MB），最大 %(mb)s MB。请分批导入。")
            % {"size": upload.size / 1024 / 1024, "mb": max_bytes() // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raise BadFile(_("文件“%(name)s”不是有效的Excel（.xlsx）文件。") % {"name": name})


def _open_workbook(data: bytes):
    # A small ZIP can unpack into gigabytes (a "zip bomb"); refuse before openpyxl unpacks it.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise BadFile(_("文件不是有效的Excel（.xlsx）文件。")) from exc
    if unpacked > 20 * max_bytes():
        raise BadFile(_("文件解压后过大，请分批导入。"))
    try:
        # Row count first, from the sheet's dimension in read-only mode: cheap.
        quick = load_workbook(io.BytesIO(data), read_only=True)
        sheet = quick.worksheets[0] if quick.worksheets else None
        rows = sheet.max_row if sheet is not None else 0
        if rows is None:
            rows = sum(1 for _row in sheet.iter_rows(values_only=True))
        quick.close()
        if rows and rows > max_rows() + 5:
            raise BadFile(
                _("文件有%(rows)s行，超过单次导入上限%(max)s行。请分批导入。")
                % {"rows": rows, "max": max_rows()}
            )
        return load_workbook(io.BytesIO(data), data_only=False)
    except BadFile:
        raise
    except Exception as exc:
        raise BadFile(_("无法读取该Excel文件，请用Excel另存为.xlsx后重试。")) from exc


def _is_formula(cell) -> bool:
    # A cell marked as text (Excel's quote prefix, as our exports write a typed "=…") is text.
    if cell.quotePrefix and cell.data_type == "s":
        return False
    return cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Lookups:
    """Names in the sheet → objects, loaded once for the whole file."""

    def __init__(self, plan_year: PlanYear):
        self.departments: dict[str, Department] = {}
        for dept in Department.objects.filter(is_active=True):
            self.departments.setdefault(dept.name, dept)
            if dept.short_name:
                self.departments.setdefault(dept.short_name, dept)
        self.aspects: dict[str, Aspect] = {}
        for aspect in Aspect.objects.filter(plan_year=plan_year):
            for key in (aspect.name, str(aspect), str(aspect.number)):
                self.aspects.setdefault(key, aspect)
        self.leaders: dict[str, User] = {}
        for user in User.objects.filter(is_active=True, memberships__role=Role.LEADER).distinct():
            for key in (str(user), user.username):
                self.leaders.setdefault(key, user)
        self.kinds = {str(label): value for value, label in Target.Kind.choices}
        self.kinds.update({"定量": "quantitative", "定性": "qualitative"})
        self.directions = {str(label): value for value, label in Target.Direction.choices}
        self.existing_codes = set(
            Target.objects.filter(plan_year=plan_year).values_list("code", flat=True)
        )


def read_target_list(data: bytes, *, user, plan_year: PlanYear, progress=None) -> ImportCheck:
    """Every row of the first sheet as a target input, with every problem named by row and
    column in Chinese. Writes nothing."""
    check = ImportCheck()
    try:
        wb = _open_workbook(data)
    except BadFile as exc:
        check.file_errors.append(str(exc))
        return check
    ws = wb.worksheets[0]
    if ws.max_row < 1 or ws.max_column < 1 or ws.cell(1, 1).value is None and ws.max_row == 1:
        check.file_errors.append(_("第一个工作表“%(sheet)s”是空的。") % {"sheet": ws.title})
        return check
    if ws.merged_cells.ranges:
        check.file_errors.append(
            _("工作表含合并单元格（%(ranges)s），请取消合并、每行填写完整后再导入。")
            % {"ranges": "、".join(str(r) for r in list(ws.merged_cells.ranges)[:5])}
        )
        return check
    # The header is the first of the top rows that names 目标名称 (a title row may sit above).
    wanted = {str(c.header).rstrip("*"): c for c in COLUMNS}
    wanted.update({str(c.header) + "*": c for c in COLUMNS})
    header_row = None
    for r in range(1, min(ws.max_row, 5) + 1):
        if any(
            _text(ws.cell(r, c).value) == str(COLUMNS[3].header)
            for c in range(1, ws.max_column + 1)
        ):
            header_row = r
            break
    if header_row is None:
        check.file_errors.append(
            _("找不到表头：请使用导入模板，表头须含“%(col)s”等列。") % {"col": COLUMNS[3].header}
        )
        return check
    positions: dict[str, int] = {}
    for c in range(1, ws.max_column + 1):
        column = wanted.get(_text(ws.cell(header_row, c).value))
        if column is not None:
            positions.setdefault(column.key, c)
    missing = [str(c.header) for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        check.file_errors.append(
            _("表头缺少必填列：%(cols)s。请使用导入模板。") % {"cols": "、".join(missing)}
        )
        return check
    headers = {c.key: str(c.header) for c in COLUMNS}
    lookups = _Lookups(plan_year)
    body = [
        r
        for r in range(header_row + 1, ws.max_row + 1)
        if any(ws.cell(r, c).value not in (None, "") for c in positions.values())
    ]
    if not body:
        check.file_errors.append(_("工作表中没有数据行。"))
        return check
    if len(body) > max_rows():
        check.file_errors.append(
            _("文件有%(rows)s行数据，超过单次导入上限%(max)s行。请分批导入。")
            % {"rows": len(body), "max": max_rows()}
        )
        return check
    codes_seen: dict[str, int] = {}
    for i, r in enumerate(body, start=1):
        row = _read_row(ws, r, positions, headers, lookups, user=user, plan_year=plan_year)
        if row.code:
            if row.code in codes_seen:
                row.errors.append(
                    CellError(
                        get_column_letter(positions["code"]),
                        headers["code"],
                        _("编号“%(code)s”与第%(row)s行重复。")
                        % {"code": row.code, "row": codes_seen[row.code]},
                    )
                )
            else:
                codes_seen[row.code] = r
        if row.errors:
            row.status = "error"
        check.rows.append(row)
        if progress and i % 100 == 0:
            progress(10 + 80 * i // len(body))
    return check


def _read_row(ws, r, positions, headers, lookups: _Lookups, *, user, plan_year) -> ImportRow:
    row = ImportRow(number=r)

    def letter(key):
        return get_column_letter(positions[key]) if key in positions else "—"

    def error(key, message):
        row.errors.append(CellError(letter(key), headers.get(key, key), str(message)))

    def cell(key):
        if key not in positions:
            return None
        c = ws.cell(r, positions[key])
        if _is_formula(c):
            error(key, _("单元格含公式，请复制后“粘贴为数值”再导入。"))
            return None
        return c.value

    def text(key):
        return _text(cell(key))

    def decimal(key):
        value = cell(key)
        if value in (None, ""):
            return None
        if isinstance(value, (bool, datetime.datetime)):
            error(key, _("请填写数值。"))
            return None
        try:
            return Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            error(key, _("“%(value)s”不是有效的数值。") % {"value": value})
            return None

    def department(name, key):
        dept = lookups.departments.get(name)
        if dept is None:
            error(
                key, _("部门“%(name)s”不存在（须与系统中的部门名称或简称一致）。") % {"name": name}
            )
        return dept

    def leader(name, key):
        found = lookups.leaders.get(name)
        if found is None:
            error(key, _("“%(name)s”不是系统中的市领导。") % {"name": name})
        return found

    row.code = text("code")
    row.title = text("title")
    row.lead_department = text("lead_department")
    if row.code and row.code in lookups.existing_codes:
        # Loaded before (re-importing the same file): skipped, never duplicated.
        row.status = "exists"
        return row

    aspect_name = text("aspect")
    aspect = lookups.aspects.get(aspect_name)
    if aspect_name and aspect is None:
        error(
            "aspect",
            _("方面“%(name)s”不是%(year)s年度的目标方面。")
            % {"name": aspect_name, "year": plan_year.year},
        )
    kind_label = text("kind")
    kind = lookups.kinds.get(kind_label, "")
    if kind_label and not kind:
        error("kind", _("目标类型须为“%(quantitative)s”或“%(qualitative)s”。") % LABELS())
    direction_label = text("direction")
    direction = lookups.directions.get(direction_label, "")
    if direction_label and not direction:
        error("direction", _("指标方向须为“%(higher)s”或“%(lower)s”。") % LABELS())

    lead = department(row.lead_department, "lead_department") if row.lead_department else None
    if lead is not None and not target_perms.may_create(
        user, level=Target.Level.DEPARTMENT, lead_department_id=lead.pk, importing=True
    ):
        error("lead_department", _("您只能导入本部门牵头的目标。"))

    departments = []
    for name in NAME_SEPARATORS.split(text("responsible")):
        if name.strip():
            dept = department(name.strip(), "responsible")
            if dept is not None:
                departments.append(
                    target_services.DepartmentInput(
                        department=dept, role=TargetDepartment.Role.RESPONSIBLE
                    )
                )
    for line in re.split(r"[\n;；]+", text("cooperating")):
        if not line.strip():
            continue
        name, task = _split_task(line)
        dept = department(name, "cooperating")
        if dept is not None:
            departments.append(
                target_services.DepartmentInput(
                    department=dept, role=TargetDepartment.Role.COOPERATING, task=task
                )
            )

    milestones = []
    milestone_quarters = []
    for q in (1, 2, 3, 4):
        description = text(f"q{q}")
        due_raw = cell(f"q{q}_due")
        due = None
        if isinstance(due_raw, datetime.datetime):
            due = due_raw.date()
        elif isinstance(due_raw, datetime.date):
            due = due_raw
        elif due_raw not in (None, ""):
            error(
                f"q{q}_due",
                _("“%(value)s”是文本，完成时限须为Excel日期格式（如 %(year)s-03-31）。")
                % {"value": due_raw, "year": plan_year.year},
            )
        if description or due is not None:
            milestones.append(
                target_services.MilestoneInput(quarter=q, description=description, due_date=due)
            )
            milestone_quarters.append(q)

    weight = decimal("weight")
    data = target_services.TargetInput(
        kind=kind,
        title=row.title,
        content=text("content"),
        measures=text("measures"),
        aspect=aspect,
        lead_department=lead,
        level=Target.Level.DEPARTMENT,
        is_key_work=text("is_key_work").lower() in YES,
        indicator=text("indicator"),
        unit=text("unit"),
        baseline=decimal("baseline"),
        target_value=decimal("target_value"),
        direction=direction,
        weight=weight if weight is not None else Decimal(1),
        lead_leader=leader(text("lead_leader"), "lead_leader") if text("lead_leader") else None,
        cooperating_leaders=[
            u
            for u in (
                leader(n.strip(), "cooperating_leaders")
                for n in NAME_SEPARATORS.split(text("cooperating_leaders"))
                if n.strip()
            )
            if u is not None
        ],
        assisting_secretary=leader(text("assisting_secretary"), "assisting_secretary")
        if text("assisting_secretary")
        else None,
        dept_head_name=text("dept_head_name"),
        dept_leader_in_charge=text("dept_leader_in_charge"),
        dept_responsible_person=text("dept_responsible_person"),
        milestones=milestones,
        departments=departments,
        code=row.code,
    )
    if not row.title and not text("content") and not kind_label:
        error("title", _("该行缺少目标名称、目标内容和目标类型。"))
    # The service's own rules, the same as the form's (Art. 6, 7, 9), mapped to columns.
    # The year's codes were read once for the whole file (a query per row otherwise).
    for key, messages in target_services.target_input_errors(
        data=data, plan_year=plan_year, taken_codes=lookups.existing_codes
    ).items():
        column = _column_for(key, milestone_quarters, departments)
        for message in messages:
            if column == "lead_department" and lead is None and row.lead_department:
                continue  # already reported as an unknown department
            if column == "aspect" and aspect is None and aspect_name:
                continue
            if column == "kind" and kind_label and not kind:
                continue
            error(column, message)
    row.data = data
    return row


def _split_task(line: str) -> tuple[str, str]:
    """ "市财政局：负责资金保障" → ("市财政局", "负责资金保障")."""
    parts = TASK_SEPARATOR.split(line, maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def _column_for(key: str, milestone_quarters: list[int], departments: list) -> str:
    """The sheet column of a ``target_input_errors`` key (``milestones.1.due_date`` → the due
    date column of the second node target's quarter)."""
    parts = key.split(".")
    if parts[0] == "milestones" and len(parts) == 3:
        quarter = milestone_quarters[int(parts[1])]
        return f"q{quarter}_due" if parts[2] == "due_date" else f"q{quarter}"
    if parts[0] == "departments" and len(parts) == 3:
        role = departments[int(parts[1])].role
        return "cooperating" if role == TargetDepartment.Role.COOPERATING else "responsible"
    return {"lead_leader": "lead_leader", "assisting_secretary": "assisting_secretary"}.get(
        parts[0], parts[0]
    )
