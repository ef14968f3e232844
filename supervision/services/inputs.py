"""外部监督 services (Shanghai Art. 22: 人大监督、政协监督、舆论监督、“12345”市民服务热线;
efficiency opinions 七.5: problems found through the hotline are studied and solved — a closed
loop — so an input can become a finding).

Hotline work orders arrive in batches as Excel sheets: ``hotline_parse`` reads a sheet and names
every bad row in Chinese; ``hotline_import`` imports a batch all or nothing.
"""

import datetime
import io
import re
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department, User
from audit.models import AuditEvent
from targets.models import PlanYear, Target
from workflow.errors import ValidationFailed

from ..deadlines import today
from ..models import ExternalInput, Finding
from .common import (
    Errors,
    audit_in_scope,
    clean_choice,
    clean_departments,
    clean_targets,
    clean_text,
    require_supervising,
)
from .findings import finding_record

IMPORT_MAX_ROWS = 2000
IMPORT_MAX_BYTES = 5 * 1024 * 1024
SPLIT = re.compile(r"[、,，;；\s]+")


def require_may_record(user: User) -> None:
    """403 unless ``user`` may record external inputs; pages and the API ask before input."""
    require_supervising(user, _("只有市政府办公厅（目标办）和督查室可以登记外部监督事项。"))


def require_may_import(user: User) -> None:
    """403 unless ``user`` may import hotline batches; pages and the API ask before input."""
    require_supervising(user, _("只有市政府办公厅（目标办）和督查室可以导入热线工单。"))


def _clean_input(
    errors, *, plan_year, source, reference, received_on, summary, departments, targets
):
    clean_choice(errors, "source", source, ExternalInput.Source, label=_("来源"))
    reference = clean_text(errors, "reference", reference, label=_("编号"), max_length=60)
    summary = clean_text(errors, "summary", summary, label=_("内容摘要"))
    departments = clean_departments(errors, "departments", departments, label=_("涉及部门"))
    targets = clean_targets(errors, "targets", targets, plan_year=plan_year)
    if received_on is None:
        errors.add("received_on", _("请填写收到日期。"))
    elif received_on > today():
        errors.add("received_on", _("收到日期不能晚于今天。"))
    if reference and ExternalInput.objects.filter(source=source, reference=reference).exists():
        errors.add("reference", _("编号“%(ref)s”已登记过。") % {"ref": reference})
    return reference, summary, departments, targets


def _create(
    *, by, plan_year, source, reference, received_on, summary, departments, targets, batch=""
):
    item = ExternalInput.objects.create(
        plan_year=plan_year,
        source=source,
        reference=reference,
        received_on=received_on,
        summary=summary,
        recorded_by=by,
        import_batch=batch,
    )
    item.departments.set(departments)
    item.targets.set(targets)
    audit_in_scope(
        actor=by,
        obj=item,
        action=AuditEvent.Action.CREATE,
        changes={
            "source": [None, source],
            "reference": [None, reference],
            "summary": [None, summary],
            "departments": [None, [str(d) for d in departments]],
        },
    )
    return item


@transaction.atomic
def external_input_record(
    *,
    by: User,
    plan_year: PlanYear,
    source: str,
    reference: str,
    received_on: datetime.date | None,
    summary: str,
    departments,
    targets=(),
) -> ExternalInput:
    """登记外部监督事项: source, reference number, date, summary, linked departments and targets."""
    require_may_record(by)
    errors = Errors()
    reference, summary, departments, targets = _clean_input(
        errors,
        plan_year=plan_year,
        source=source,
        reference=reference,
        received_on=received_on,
        summary=summary,
        departments=departments,
        targets=targets,
    )
    errors.raise_if_any(_("未登记，请更正标出的问题。"))
    return _create(
        by=by,
        plan_year=plan_year,
        source=source,
        reference=reference,
        received_on=received_on,
        summary=summary,
        departments=departments,
        targets=targets,
    )


@transaction.atomic
def external_input_to_finding(
    *,
    external_input: ExternalInput,
    by: User,
    title: str,
    responsible_department: Department | None,
    description: str = "",
    deadline: datetime.date | None = None,
    days: int | None = None,
    responsible_leader: str = "",
) -> Finding:
    """转为问题: the input enters the problem list (七.5: 形成工作闭环), keeping its targets."""
    return finding_record(
        by=by,
        plan_year=external_input.plan_year,
        source=Finding.Source.EXTERNAL_INPUT,
        external_input=external_input,
        title=title,
        description=description or external_input.summary,
        responsible_department=responsible_department,
        responsible_leader=responsible_leader,
        deadline=deadline,
        days=days,
        targets=list(external_input.targets.all()),
    )


# --- hotline batches (Excel) --------------------------------------------------------------

HOTLINE_COLUMNS = ("工单编号", "受理日期", "诉求内容", "涉及部门", "涉及目标编号")


@dataclass
class HotlineRow:
    line: int
    reference: str
    received_on: datetime.date | None
    summary: str
    departments: list = field(default_factory=list)
    targets: list = field(default_factory=list)


@dataclass
class HotlineBatch:
    rows: list[HotlineRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def hotline_template() -> bytes:
    """The sheet to fill in: the header row, one example, and how to fill each column."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("热线工单")
    sheet.append(list(HOTLINE_COLUMNS))
    sheet.append(["12345-2027-000001", today(), "反映某路段施工围挡长期未拆除。", "市交通委", ""])
    for column, width in zip("ABCDE", (22, 14, 60, 24, 20), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet(_("填写说明"))
    for line in [
        _("第一行为表头，请勿修改；从第二行起每行一张工单。"),
        _("工单编号：必填，不可重复。受理日期：日期格式，如 2027-03-05。"),
        _("诉求内容：必填。涉及部门：部门全称或简称，多个用顿号分隔。"),
        _("涉及目标编号：可选，如 2027-0012，多个用顿号分隔。"),
        _("任何一行有误时整批不导入。"),
    ]:
        notes.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _cell_text(value).replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def hotline_parse(*, plan_year: PlanYear, upload) -> HotlineBatch:
    """Reads a hotline sheet. Every problem is reported with its row number; nothing is saved."""
    from openpyxl import load_workbook

    batch = HotlineBatch()
    if upload is None or not upload.size:
        batch.errors.append(_("请选择要导入的Excel文件（.xlsx）。"))
        return batch
    if upload.size > IMPORT_MAX_BYTES:
        batch.errors.append(_("文件超过5 MB，请分批导入。"))
        return batch
    try:
        upload.seek(0)
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — any unreadable file gets the same answer
        batch.errors.append(_("无法读取该文件，请使用下载的模板（.xlsx）填写。"))
        return batch
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_cell_text(v) for v in next(rows, ())][: len(HOTLINE_COLUMNS)]
    if tuple(header) != HOTLINE_COLUMNS:
        batch.errors.append(
            _("表头应为：%(columns)s。请使用下载的模板。") % {"columns": "、".join(HOTLINE_COLUMNS)}
        )
        return batch
    departments = {}
    for dept in Department.objects.filter(is_active=True):
        for key in (dept.name, dept.short_name, dept.code):
            if key:
                departments.setdefault(key, dept)
    targets = {t.code: t for t in Target.objects.filter(plan_year=plan_year)}
    known = set(
        ExternalInput.objects.filter(source=ExternalInput.Source.HOTLINE).values_list(
            "reference", flat=True
        )
    )
    seen = {}
    for line, values in enumerate(rows, start=2):
        values = list(values) + [None] * len(HOTLINE_COLUMNS)
        if all(_cell_text(v) == "" for v in values[: len(HOTLINE_COLUMNS)]):
            continue
        if len(batch.rows) >= IMPORT_MAX_ROWS:
            batch.errors.append(_("一次最多导入%(n)s行，请分批导入。") % {"n": IMPORT_MAX_ROWS})
            break
        reference, date_value, summary, dept_text, target_text = values[:5]
        row = HotlineRow(
            line=line,
            reference=_cell_text(reference),
            received_on=_cell_date(date_value),
            summary=_cell_text(summary),
        )
        problems = []
        if not row.reference:
            problems.append(_("工单编号为空"))
        elif len(row.reference) > 60:
            problems.append(_("工单编号超过60字"))
        elif row.reference in known:
            problems.append(_("工单编号“%(ref)s”已登记过") % {"ref": row.reference})
        elif row.reference in seen:
            problems.append(
                _("工单编号“%(ref)s”与第%(other)s行重复")
                % {"ref": row.reference, "other": seen[row.reference]}
            )
        seen.setdefault(row.reference, line)
        if row.received_on is None:
            problems.append(_("受理日期“%(v)s”不是有效日期") % {"v": _cell_text(date_value)})
        elif row.received_on > today():
            problems.append(_("受理日期晚于今天"))
        if not row.summary:
            problems.append(_("诉求内容为空"))
        for name in [n for n in SPLIT.split(_cell_text(dept_text)) if n]:
            if name in departments:
                row.departments.append(departments[name])
            else:
                problems.append(_("没有名为“%(name)s”的部门") % {"name": name})
        if not _cell_text(dept_text):
            problems.append(_("涉及部门为空"))
        for code in [c for c in SPLIT.split(_cell_text(target_text)) if c]:
            if code in targets:
                row.targets.append(targets[code])
            else:
                problems.append(
                    _("%(year)s年度没有编号为“%(code)s”的目标")
                    % {"year": plan_year.year, "code": code}
                )
        if problems:
            batch.errors.append(
                _("第%(line)s行：%(problems)s。") % {"line": line, "problems": "；".join(problems)}
            )
        batch.rows.append(row)
    if not batch.rows and not batch.errors:
        batch.errors.append(_("文件中没有工单。"))
    return batch


@transaction.atomic
def hotline_import(*, by: User, plan_year: PlanYear, upload) -> list[ExternalInput]:
    """导入热线工单: all or nothing — if any row is wrong, nothing is imported and every wrong
    row is named."""
    require_may_import(by)
    batch = hotline_parse(plan_year=plan_year, upload=upload)
    if batch.errors:
        raise ValidationFailed(
            _("未导入任何工单：文件中有%(n)s处问题。") % {"n": len(batch.errors)},
            field_errors={"file": batch.errors},
        )
    batch_id = uuid.uuid4().hex[:12]
    return [
        _create(
            by=by,
            plan_year=plan_year,
            source=ExternalInput.Source.HOTLINE,
            reference=row.reference,
            received_on=row.received_on,
            summary=row.summary,
            departments=list(dict.fromkeys(row.departments)),
            targets=list(dict.fromkeys(row.targets)),
            batch=batch_id,
        )
        for row in batch.rows
    ]
