"""Writes: every change to a target goes through a function here.

Each function runs in one transaction, checks the permission and the state, saves with
``update_fields``, writes the audit trail (Shanghai Art. 14: 全程记录) and queues notifications
with ``transaction.on_commit`` so nothing is sent for a change that was rolled back.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from accounts.access import Role, access_for
from accounts.errors import Conflict, NotPermitted, ValidationFailed
from accounts.models import Department, User
from audit.models import AuditEvent
from audit.services import audit_diff, audit_event, audit_record, audit_record_many

from . import permissions as perms
from .models import (
    Aspect,
    Milestone,
    PlanYear,
    Target,
    TargetComment,
    TargetDepartment,
    TargetRevision,
)

COMMENT_MAX_LENGTH = 2000
CODE_MAX_LENGTH = Target._meta.get_field("code").max_length
# Codes as people write them in lists: letters, digits and - . _ / (e.g. 2027-0012, HP-3.14).
CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]*$")


@dataclass
class MilestoneInput:
    quarter: int
    description: str
    due_date: datetime.date | None = None
    expected_value: Decimal | None = None


@dataclass
class DepartmentInput:
    department: Department
    role: str
    task: str = ""
    acceptance: str = ""


@dataclass
class TargetInput:
    """The content of a target as a user writes it (page form or API)."""

    kind: str
    title: str
    content: str
    aspect: Aspect
    lead_department: Department
    level: str = Target.Level.DEPARTMENT
    measures: str = ""
    parent: Target | None = None
    is_key_work: bool = False
    indicator: str = ""
    unit: str = ""
    baseline: Decimal | None = None
    target_value: Decimal | None = None
    direction: str = ""
    weight: Decimal = Decimal(1)
    is_public: bool = False
    lead_leader: User | None = None
    cooperating_leaders: list[User] = field(default_factory=list)
    assisting_secretary: User | None = None
    dept_head_name: str = ""
    dept_leader_in_charge: str = ""
    dept_responsible_person: str = ""
    milestones: list[MilestoneInput] = field(default_factory=list)
    departments: list[DepartmentInput] = field(default_factory=list)
    # The number a spreadsheet gives the target (Huangpu's lists number their targets); empty:
    # the next number of the year is generated. Only creating takes it; it never changes.
    code: str = ""


CONTENT_FIELDS = (
    "level",
    "kind",
    "title",
    "content",
    "measures",
    "is_key_work",
    "indicator",
    "unit",
    "baseline",
    "target_value",
    "direction",
    "weight",
    "is_public",
    "dept_head_name",
    "dept_leader_in_charge",
    "dept_responsible_person",
)
RELATED_FIELDS = ("aspect", "parent", "lead_department", "lead_leader", "assisting_secretary")


# --- validation ---------------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _column_value(value, model_field) -> Decimal | None:
    """``value`` as the decimal column stores it, rounded half up (四舍五入) to its places.

    Rounding here rather than in the database keeps the revision and the audit trail equal to
    what was stored (Art. 14). Raises ArithmeticError for what is not a finite number.
    """
    if value is None:
        return None
    value = Decimal(str(value))
    if not value.is_finite():
        raise ArithmeticError(value)
    return value.quantize(Decimal(1).scaleb(-model_field.decimal_places), rounding=ROUND_HALF_UP)


def _decimal_error(value, model_field) -> str:
    """Why ``value`` does not fit the decimal column (``max_digits``/``decimal_places``), or "".
    Too many whole digits would otherwise fail in the database as a server error."""
    try:
        value = _column_value(value, model_field)
    except ArithmeticError:
        return _("请填写有效的数值。")
    whole_digits = model_field.max_digits - model_field.decimal_places
    if value is not None and abs(value) >= Decimal(10) ** whole_digits:
        return _("数值过大：整数部分最多%(n)s位。") % {"n": whole_digits}
    return ""


def target_input_errors(
    *,
    data: TargetInput,
    plan_year: PlanYear,
    target: Target | None = None,
    taken_codes: set[str] | None = None,
):
    """Every rule on a target's content, as ``{field: [message, ...]}``; empty when valid.

    Field names match the API's; nested rows are ``milestones.N.field`` / ``departments.N.field``.
    ``taken_codes``: the year's codes already in use, when the caller has read them once for
    many targets (an imported list); otherwise the database is asked about this one code.
    """
    errors: dict[str, list[str]] = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    if data.level not in Target.Level.values:
        add("level", _("请选择有效的目标层级。"))
    if data.kind not in Target.Kind.values:
        add("kind", _("请选择定性目标或定量目标。"))
    if _blank(data.title):
        add("title", _("请填写目标名称。"))
    elif len(data.title.strip()) > 200:
        add("title", _("目标名称不能超过200字。"))
    if _blank(data.content):
        add("content", _("请填写目标内容。"))
    if target is None and data.code:
        code = data.code.strip()
        if len(code) > CODE_MAX_LENGTH or not CODE_PATTERN.match(code):
            add(
                "code",
                _("编号须为%(n)s位以内的字母、数字或 - . _ /。") % {"n": CODE_MAX_LENGTH},
            )
        elif (
            code in taken_codes
            if taken_codes is not None
            else Target.objects.filter(plan_year=plan_year, code=code).exists()
        ):
            add("code", _("编号“%(code)s”在本年度已被使用。") % {"code": code})
    if data.aspect is None or data.aspect.plan_year_id != plan_year.pk:
        add("aspect", _("请选择本年度的目标方面。"))
    # Art. 6: a quantitative target must be measurable.
    if data.kind == Target.Kind.QUANTITATIVE:
        if _blank(data.indicator):
            add("indicator", _("定量目标须填写指标名称。"))
        if _blank(data.unit):
            add("unit", _("定量目标须填写计量单位。"))
        if data.target_value is None:
            add("target_value", _("定量目标须填写目标值。"))
        if data.direction not in Target.Direction.values:
            add("direction", _("定量目标须选择指标方向（越高越好或越低越好）。"))
        # A value the column cannot hold would otherwise fail in the database as a server error.
        for name in ("baseline", "target_value"):
            message = _decimal_error(getattr(data, name), Target._meta.get_field(name))
            if message:
                add(name, message)
    try:
        weight = _column_value(data.weight, Target._meta.get_field("weight"))
    except ArithmeticError:
        weight = None
    # Judged as stored: 0.001 would be saved as 0.00.
    if weight is None or weight <= 0:
        add("weight", _("权重必须大于0。"))
    elif weight >= Decimal(10000):
        add("weight", _("权重不能超过9999。"))

    # Art. 9: department targets decompose a city target of the same year (锁链式目标体系).
    if data.parent is not None:
        if data.level == Target.Level.CITY:
            add("parent", _("市政府总体目标不能再设上级目标。"))
        elif data.parent.level != Target.Level.CITY or data.parent.plan_year_id != plan_year.pk:
            add("parent", _("上级目标必须是本年度的市政府总体目标。"))
        elif target is not None and data.parent.pk == target.pk:
            add("parent", _("目标不能以自身为上级目标。"))

    if data.lead_department is None:
        add("lead_department", _("每个目标必须有且只有一个牵头部门。"))
    elif not data.lead_department.is_active:
        add("lead_department", _("牵头部门已停用。"))

    for key, leader in [
        ("lead_leader", data.lead_leader),
        ("assisting_secretary", data.assisting_secretary),
    ]:
        if leader is not None and Role.LEADER not in access_for(leader).roles:
            add(key, _("%(name)s不是市领导。") % {"name": leader})
    for leader in data.cooperating_leaders:
        if Role.LEADER not in access_for(leader).roles:
            add("cooperating_leaders", _("%(name)s不是市领导。") % {"name": leader})

    # Art. 7, 16: one role per department, the lead is not also responsible or cooperating, and
    # each cooperating department is told its own task.
    seen = set()
    for i, row in enumerate(data.departments):
        if row.role not in TargetDepartment.Role.values:
            add(f"departments.{i}.role", _("请选择责任部门或配合部门。"))
        if row.department is None:
            add(f"departments.{i}.department", _("请选择部门。"))
            continue
        if data.lead_department is not None and row.department.pk == data.lead_department.pk:
            add(f"departments.{i}.department", _("牵头部门不必再列为责任或配合部门。"))
        elif row.department.pk in seen:
            add(f"departments.{i}.department", _("同一部门只能列一次。"))
        seen.add(row.department.pk)
        if row.role == TargetDepartment.Role.COOPERATING and _blank(row.task):
            add(f"departments.{i}.task", _("请写明该配合部门承担的任务。"))

    quarters_seen = set()
    for i, row in enumerate(data.milestones):
        if row.quarter not in (1, 2, 3, 4):
            add(f"milestones.{i}.quarter", _("季度必须是1至4。"))
            continue
        # One node target per quarter: the quarterly node-target table (Huangpu; 002 三.3).
        if row.quarter in quarters_seen:
            add(f"milestones.{i}.quarter", _("每个季度只能设一个节点目标。"))
        quarters_seen.add(row.quarter)
        if _blank(row.description):
            add(f"milestones.{i}.description", _("请填写节点目标。"))
        if data.kind == Target.Kind.QUANTITATIVE:
            message = _decimal_error(
                row.expected_value, Milestone._meta.get_field("expected_value")
            )
            if message:
                add(f"milestones.{i}.expected_value", message)
        start, end = plan_year.quarter_bounds(row.quarter)
        if row.due_date is not None and not (start <= row.due_date <= end):
            add(
                f"milestones.{i}.due_date",
                _("完成时限须在%(year)s年第%(q)s季度内（%(start)s至%(end)s）。")
                % {"year": plan_year.year, "q": row.quarter, "start": start, "end": end},
            )
    return errors


# --- snapshots, revisions and audit -------------------------------------------------------


def plain_value(value):
    if isinstance(value, Decimal):
        # 6.5 and 6.50 are the same value: compare and show them one way.
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def target_snapshot(target: Target) -> dict:
    """The content of a target as plain JSON: what a revision stores and the audit diff compares."""
    return _snapshot(
        target,
        cooperating_leaders=target.cooperating_leaders.all(),
        departments=target.departments.select_related("department").order_by("role", "id"),
        milestones=target.milestones.order_by("quarter", "due_date", "id"),
    )


def _snapshot(target: Target, *, cooperating_leaders, departments, milestones) -> dict:
    """``target_snapshot`` of a target and its rows as given, read back in the order above: the
    creation path passes the rows it has just inserted instead of reading them again."""
    snap = {name: plain_value(getattr(target, name)) for name in CONTENT_FIELDS}
    snap["weight"] = plain_value(Decimal(str(target.weight)))
    for name in RELATED_FIELDS:
        obj = getattr(target, name)
        snap[name] = str(obj) if obj is not None else None
    snap["cooperating_leaders"] = sorted(str(u) for u in cooperating_leaders)
    snap["departments"] = [
        {
            "department": str(d.department),
            "role": d.role,
            "task": d.task,
            "acceptance": d.acceptance,
        }
        for d in departments
    ]
    snap["milestones"] = [
        {
            "quarter": m.quarter,
            "due_date": plain_value(m.due_date),
            "description": m.description,
            "expected_value": plain_value(m.expected_value),
        }
        for m in milestones
    ]
    return snap


def input_snapshot(data: TargetInput, plan_year: PlanYear, fields) -> dict:
    """``fields`` of ``data`` as ``target_snapshot`` would show them once written: what an
    adjustment request proposes, compared with the current snapshot before anything changes."""
    quantitative = data.kind == Target.Kind.QUANTITATIVE
    snap = {}
    if "target_value" in fields:
        snap["target_value"] = plain_value(
            _column_value(data.target_value, Target._meta.get_field("target_value"))
            if quantitative
            else None
        )
    if "measures" in fields:
        snap["measures"] = (data.measures or "").strip()
    if "departments" in fields:
        # Stored rows are read back ordered by role, then in the order written.
        rows = sorted(data.departments, key=lambda row: row.role)
        snap["departments"] = [
            {
                "department": str(row.department),
                "role": row.role,
                "task": row.task.strip(),
                "acceptance": row.acceptance.strip(),
            }
            for row in rows
        ]
    if "milestones" in fields:
        rows = sorted(
            data.milestones,
            key=lambda row: (row.quarter, row.due_date or plan_year.quarter_bounds(row.quarter)[1]),
        )
        snap["milestones"] = [
            {
                "quarter": row.quarter,
                "due_date": plain_value(row.due_date or plan_year.quarter_bounds(row.quarter)[1]),
                "description": row.description.strip(),
                "expected_value": plain_value(
                    _column_value(row.expected_value, Milestone._meta.get_field("expected_value"))
                    if quantitative
                    else None
                ),
            }
            for row in rows
        ]
    return snap


def _apply_input(target: Target, data: TargetInput) -> None:
    quantitative = data.kind == Target.Kind.QUANTITATIVE
    target.level = data.level
    target.kind = data.kind
    target.title = data.title.strip()
    target.content = data.content.strip()
    target.measures = (data.measures or "").strip()
    target.aspect = data.aspect
    target.parent = data.parent if data.level == Target.Level.DEPARTMENT else None
    target.is_key_work = data.is_key_work
    # A qualitative target carries no indicator (Art. 6); clear what a form may have left behind.
    target.indicator = data.indicator.strip() if quantitative else ""
    target.unit = data.unit.strip() if quantitative else ""
    target.baseline = (
        _column_value(data.baseline, Target._meta.get_field("baseline")) if quantitative else None
    )
    target.target_value = (
        _column_value(data.target_value, Target._meta.get_field("target_value"))
        if quantitative
        else None
    )
    target.direction = data.direction if quantitative else ""
    target.weight = _column_value(data.weight, Target._meta.get_field("weight"))
    target.is_public = data.is_public
    target.lead_department = data.lead_department
    target.lead_leader = data.lead_leader
    target.assisting_secretary = data.assisting_secretary
    target.dept_head_name = data.dept_head_name.strip()
    target.dept_leader_in_charge = data.dept_leader_in_charge.strip()
    target.dept_responsible_person = data.dept_responsible_person.strip()


def _department_rows(target: Target, data: TargetInput) -> list[TargetDepartment]:
    """``data``'s responsible and cooperating departments as unsaved rows of ``target``."""
    return [
        TargetDepartment(
            target=target,
            department=row.department,
            role=row.role,
            task=row.task.strip(),
            acceptance=row.acceptance.strip(),
        )
        for row in data.departments
    ]


def _milestone_rows(target: Target, data: TargetInput) -> list[Milestone]:
    """``data``'s node targets as unsaved rows of ``target``; a node target without a date is due
    at the end of its quarter."""
    quantitative = data.kind == Target.Kind.QUANTITATIVE
    return [
        Milestone(
            target=target,
            quarter=row.quarter,
            due_date=row.due_date or target.plan_year.quarter_bounds(row.quarter)[1],
            description=row.description.strip(),
            expected_value=(
                _column_value(row.expected_value, Milestone._meta.get_field("expected_value"))
                if quantitative
                else None
            ),
        )
        for row in data.milestones
    ]


def _write_rows(target: Target, data: TargetInput) -> None:
    """Replace an existing target's rows with ``data``'s."""
    target.cooperating_leaders.set(data.cooperating_leaders)
    target.departments.all().delete()
    TargetDepartment.objects.bulk_create(_department_rows(target, data))
    target.milestones.all().delete()
    Milestone.objects.bulk_create(_milestone_rows(target, data))


def _revision(target: Target, by: User, snapshot: dict) -> TargetRevision:
    return TargetRevision(target=target, number=target.version, snapshot=snapshot, created_by=by)


def _save_revision(target: Target, by: User, snapshot: dict) -> TargetRevision:
    revision = _revision(target, by, snapshot)
    revision.save()
    return revision


def _check_drafting_open(plan_year: PlanYear) -> None:
    if not plan_year.is_open_for_drafting:
        raise ValidationFailed(
            _("%(year)s年度目标编制未开放（当前阶段：%(status)s），不能新建或修改目标。")
            % {"year": plan_year.year, "status": plan_year.get_status_display()}
        )


def _generated_number(plan_year: PlanYear, code: str) -> int:
    """The number of a generated code (YYYY-NNNN) of the year, or 0: imported codes may be
    numbered any way and do not count."""
    match = re.fullmatch(rf"{plan_year.year}-([0-9]{{4}})", code)
    return int(match[1]) if match else 0


def _refusal(message: str, row: int | None) -> str:
    """``message`` as the creation of one target says it, or naming the row of a list."""
    if row is None:
        return message
    return _("第%(row)s行未能保存：%(reason)s未保存任何目标。") % {"row": row, "reason": message}


def _create_drafts(
    *, by: User, plan_year: PlanYear, inputs: list[TargetInput], imported: bool, rows
) -> list[Target]:
    """The one way drafts are created, one or a list at once: permission, the drafting window,
    ``target_input_errors`` and the code of each, then every row inserted set-wise — targets,
    cooperating leaders, departments, node targets, revision 1 and the audit row of each — in a
    number of queries that does not grow with the list. Nothing is written unless every input
    passes. ``rows``: the number each input is known by in messages (None: a single target)."""
    numbers = rows or [None] * len(inputs)
    for data, row in zip(inputs, numbers, strict=True):
        if not perms.may_create(
            by,
            level=data.level,
            lead_department_id=getattr(data.lead_department, "pk", None),
            importing=imported,
        ):
            raise NotPermitted(
                _refusal(_("您只能为本部门拟定目标；市政府总体目标由市政府办公厅拟定。"), row)
            )
    # The plan year row lock serialises creations, so two cannot take the same number.
    plan_year = PlanYear.objects.select_for_update().get(pk=plan_year.pk)
    _check_drafting_open(plan_year)
    taken = set(Target.objects.filter(plan_year=plan_year).values_list("code", flat=True))
    last = max((_generated_number(plan_year, code) for code in taken), default=0)
    targets = []
    for data, row in zip(inputs, numbers, strict=True):
        # Codes taken earlier in the list count as used, like those already stored.
        errors = target_input_errors(data=data, plan_year=plan_year, taken_codes=taken)
        if errors:
            reason = _("目标未保存，请更正标出的问题。")
            if row is not None:
                reason = "".join(m for messages in errors.values() for m in messages)
            raise ValidationFailed(_refusal(reason, row), field_errors=errors)
        code = data.code.strip() if data.code else f"{plan_year.year}-{last + 1:04d}"
        taken.add(code)
        last = max(last, _generated_number(plan_year, code))
        target = Target(plan_year=plan_year, code=code, created_by=by)
        _apply_input(target, data)
        targets.append(target)
    Target.objects.bulk_create(targets)

    Leaders = Target.cooperating_leaders.through
    leaders, departments, milestones = [], [], []
    for target, data in zip(targets, inputs, strict=True):
        # A leader named twice is one row, as the relation's add() would store it.
        leaders.append(list(dict.fromkeys(data.cooperating_leaders)))
        departments.append(_department_rows(target, data))
        milestones.append(_milestone_rows(target, data))
    Leaders.objects.bulk_create(
        Leaders(target=target, user=user)
        for target, users in zip(targets, leaders, strict=True)
        for user in users
    )
    TargetDepartment.objects.bulk_create(row for group in departments for row in group)
    Milestone.objects.bulk_create(row for group in milestones for row in group)

    revisions, events = [], []
    comment = _("由Excel导入") if imported else ""
    for target, own_leaders, own_departments, own_milestones in zip(
        targets, leaders, departments, milestones, strict=True
    ):
        # The rows in target_snapshot's order (ids are in insertion order), without reading.
        snapshot = _snapshot(
            target,
            cooperating_leaders=own_leaders,
            departments=sorted(own_departments, key=lambda d: (d.role, d.pk)),
            milestones=sorted(own_milestones, key=lambda m: (m.quarter, m.due_date, m.pk)),
        )
        revisions.append(_revision(target, by, snapshot))
        events.append(
            audit_event(
                actor=by,
                obj=target,
                action=AuditEvent.Action.CREATE,
                changes={
                    k: [None, v] for k, v in snapshot.items() if v not in (None, "", [], False)
                },
                comment=comment,
            )
        )
    TargetRevision.objects.bulk_create(revisions)
    audit_record_many(events)
    return targets


@transaction.atomic
def target_create(
    *, by: User, plan_year: PlanYear, data: TargetInput, imported: bool = False
) -> Target:
    """Create a draft target (拟定目标, Art. 9) with its milestones and departments.

    ``imported``: the row came from a spreadsheet of the year's list (documents' Excel import),
    which the general office may also load for departments (Art. 10: it gathers the list).

    Side effects: revision 1, an audit row.
    """
    [target] = _create_drafts(
        by=by, plan_year=plan_year, inputs=[data], imported=imported, rows=None
    )
    return target


@transaction.atomic
def targets_create_many(
    *,
    by: User,
    plan_year: PlanYear,
    inputs: Iterable[TargetInput],
    imported: bool = False,
    rows: Iterable[int] | None = None,
) -> list[Target]:
    """Create a list of drafts at once (documents' Excel import: a year's list of a thousand
    rows), exactly as ``target_create`` creates each — the same permission, rules, codes,
    revision 1 and audit row — in a fixed number of queries.

    All or nothing: if one input is refused, nothing is written and the NotPermitted or
    ValidationFailed names its row (``rows``: the spreadsheet's row numbers; by default the
    inputs are counted from 1) and carries its ``field_errors``.
    """
    inputs = list(inputs)
    rows = list(rows) if rows is not None else list(range(1, len(inputs) + 1))
    if not inputs:
        return []  # nothing to create (every row of a re-imported list exists already)
    return _create_drafts(by=by, plan_year=plan_year, inputs=inputs, imported=imported, rows=rows)


def _lock(target: Target) -> Target:
    # The row lock serialises concurrent changes to one target: the second waits, then sees
    # the first one's result instead of overwriting it.
    return Target.objects.select_for_update().select_related("plan_year").get(pk=target.pk)


@transaction.atomic
def target_update(
    *, target: Target, by: User, data: TargetInput, expected_version: int | None = None
) -> Target:
    """Change a draft's content. ``expected_version`` is the version the editor read; if someone
    saved in between, nothing is written and Conflict is raised.

    Side effects: a new revision and an audit row with before/after of each changed field.
    """
    target = _lock(target)
    if target.is_content_locked:
        raise NotPermitted(
            _(
                "目标“%(code)s”处于“%(state)s”状态，内容已锁定，不能修改（第十二条：确需调整的须经批准）。"
            )
            % {"code": target.code, "state": target.get_state_display()}
        )
    if not perms.may_edit_content(target, by) or not perms.may_create(
        by, level=data.level, lead_department_id=getattr(data.lead_department, "pk", None)
    ):
        raise NotPermitted(_("您无权修改该目标。"))
    if data.level != target.level:
        raise ValidationFailed(
            _("目标层级不能修改。"), field_errors={"level": [_("目标层级不能修改。")]}
        )
    if expected_version is not None and expected_version != target.version:
        raise Conflict(
            _("该目标已被他人修改（现为第%(version)s版），请刷新页面后再编辑。")
            % {"version": target.version}
        )
    _check_drafting_open(target.plan_year)
    errors = target_input_errors(data=data, plan_year=target.plan_year, target=target)
    if errors:
        raise ValidationFailed(_("目标未保存，请更正标出的问题。"), field_errors=errors)
    before = target_snapshot(target)
    savepoint = transaction.savepoint()
    _apply_input(target, data)
    target.save()
    _write_rows(target, data)
    after = target_snapshot(target)
    if after == before:
        # Nothing changed: leave no version, revision or audit row behind.
        transaction.savepoint_rollback(savepoint)
        target.refresh_from_db()
        return target
    transaction.savepoint_commit(savepoint)
    target.version += 1
    target.save(update_fields=["version", "updated_at"])
    _save_revision(target, by, after)
    audit_record(
        actor=by, obj=target, action=AuditEvent.Action.UPDATE, changes=audit_diff(before, after)
    )
    return target


# --- transitions --------------------------------------------------------------------------


def _transition_permitted(target: Target, name: str, user: User) -> bool:
    """The permission declared on the transition, whatever the current state."""
    meta = getattr(Target, name)._django_fsm
    return all(t.has_perm(target, user) for t in meta.transitions.values())


def _require_permission(target: Target, name: str, user: User) -> None:
    """Checked before any input, so a user who may not act is told so (403) rather than asked to
    fill in a field (400); checked again on the locked row in ``_transition``."""
    if not _transition_permitted(target, name, user):
        raise NotPermitted(_("您无权对目标“%(code)s”执行此操作。") % {"code": target.code})


def _transition(
    *, target: Target, by: User, name: str, comment: str = "", extra_fields: dict | None = None
) -> Target:
    locked = _lock(target)
    _require_permission(locked, name, by)
    method = getattr(locked, name)
    if not can_proceed(method):
        raise Conflict(
            _("目标“%(code)s”当前为“%(state)s”状态，不能执行此操作（可能已被他人处理，请刷新）。")
            % {"code": locked.code, "state": locked.get_state_display()}
        )
    from_state = locked.state
    method()
    for key, value in (extra_fields or {}).items():
        setattr(locked, key, value)
    try:
        locked.save(update_fields=["state", "updated_at", *(extra_fields or {})])
    except ConcurrentTransition as exc:
        raise Conflict(
            _("目标“%(code)s”已被他人处理，请刷新后查看。") % {"code": locked.code}
        ) from exc
    comment = comment.strip()
    if comment:
        TargetComment.objects.create(
            target=locked,
            author=by,
            author_department=_author_department(locked, by),
            body=comment,
            transition=name,
        )
    audit_record(
        actor=by,
        obj=locked,
        action=AuditEvent.Action.TRANSITION,
        transition=name,
        from_state=from_state,
        to_state=locked.state,
        comment=comment,
        changes={
            k: [None, plain_value(v)]
            for k, v in (extra_fields or {}).items()
            if k.endswith("reference")
        },
    )
    return locked


def _author_department(target: Target, user: User) -> Department | None:
    access = access_for(user)
    if target.lead_department_id in access.member_departments:
        return target.lead_department
    for dept_id, roles in access.dept_roles.items():
        if Role.GENERAL_OFFICE in roles:
            return Department.objects.get(pk=dept_id)
    return None


def _check_comment(comment: str) -> None:
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationFailed(
            _("意见不能超过%(n)s字。") % {"n": COMMENT_MAX_LENGTH},
            field_errors={"comment": [_("意见不能超过%(n)s字。") % {"n": COMMENT_MAX_LENGTH}]},
        )


@transaction.atomic
def target_submit(*, target: Target, by: User, comment: str = "") -> Target:
    """报送: the department head signs off a draft and sends it to the general office (Art. 10)."""
    _require_permission(target, "submit", by)
    _check_comment(comment)
    return _transition(target=target, by=by, name="submit", comment=comment)


@transaction.atomic
def target_return(*, target: Target, by: User, comment: str) -> Target:
    """退回: the general office sends a submitted target back with its reasons (Art. 9 协商).

    Side effects: the comment joins the thread; the lead department's staff and head are
    notified in the same transaction (in-app, and by e-mail after commit if they chose so).
    """
    _require_permission(target, "return_to_department", by)
    comment = (comment or "").strip()
    if not comment:
        message = _("退回时必须填写退回意见。")
        raise ValidationFailed(message, field_errors={"comment": [message]})
    _check_comment(comment)
    target = _transition(target=target, by=by, name="return_to_department", comment=comment)
    _notify_returned(target, comment)
    return target


def _notify_returned(target: Target, reason: str) -> None:
    from notifications.services import notify

    from .reminders import TARGET_RETURNED

    recipients = User.objects.filter(
        memberships__department=target.lead_department_id,
        memberships__role__in=[Role.STAFF, Role.HEAD],
    ).distinct()
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【目标退回】%(code)s %(title)s") % {"code": target.code, "title": target.title}
        body = _(
            "您部门报送的目标“%(title)s”（%(code)s）已被市政府办公厅退回修改。\n\n"
            "退回意见：%(reason)s\n\n请修改后重新报送。"
        ) % {"title": target.title, "code": target.code, "reason": reason}
    notify(
        recipients=list(recipients),
        kind=TARGET_RETURNED,
        title=title,
        body=body,
        url=reverse("targets:target_detail", args=[target.pk]),
        obj=target,
    )


@transaction.atomic
def target_negotiate(*, target: Target, by: User, comment: str = "") -> Target:
    """协商一致: the general office and the department agree on the target (Art. 9)."""
    _require_permission(target, "negotiate", by)
    _check_comment(comment)
    return _transition(target=target, by=by, name="negotiate", comment=comment)


@transaction.atomic
def target_confirm(
    *, target: Target, by: User, approval_reference: str = "", comment: str = ""
) -> Target:
    """确认: recorded on the city government's approval (Art. 10–11), naming the meeting or the
    document. From here on the content is locked (Art. 12)."""
    _require_permission(target, "confirm", by)
    approval_reference = (approval_reference or "").strip()
    if not approval_reference:
        message = _("请填写审定该目标的市政府会议或文件文号。")
        raise ValidationFailed(message, field_errors={"approval_reference": [message]})
    if len(approval_reference) > 200:
        message = _("审定会议或文号不能超过200字。")
        raise ValidationFailed(message, field_errors={"approval_reference": [message]})
    _check_comment(comment)
    return _transition(
        target=target,
        by=by,
        name="confirm",
        comment=comment,
        extra_fields={"approval_reference": approval_reference, "confirmed_at": timezone.now()},
    )


@transaction.atomic
def target_start_execution(*, target: Target, by: User, comment: str = "") -> Target:
    """下达任务书: the confirmed target goes into execution (Zhongshan: a task book is issued)."""
    _require_permission(target, "start_execution", by)
    _check_comment(comment)
    return _transition(
        target=target,
        by=by,
        name="start_execution",
        comment=comment,
        extra_fields={"execution_started_at": timezone.now()},
    )


# --- the execution stage's hooks --------------------------------------------------------
# Execution's services decide when these may happen and are their only callers; here is how a
# target's own rows are written, so formulation and execution share one snapshot, revision and
# audit code.


def target_input_from(target: Target) -> TargetInput:
    """A target's current content as a ``TargetInput``: what an adjustment request starts from,
    so the proposed content is judged by ``target_input_errors`` like any other."""
    return TargetInput(
        kind=target.kind,
        title=target.title,
        content=target.content,
        aspect=target.aspect,
        lead_department=target.lead_department,
        level=target.level,
        measures=target.measures,
        parent=target.parent,
        is_key_work=target.is_key_work,
        indicator=target.indicator,
        unit=target.unit,
        baseline=target.baseline,
        target_value=target.target_value,
        direction=target.direction,
        weight=target.weight,
        is_public=target.is_public,
        lead_leader=target.lead_leader,
        cooperating_leaders=list(target.cooperating_leaders.all()),
        assisting_secretary=target.assisting_secretary,
        dept_head_name=target.dept_head_name,
        dept_leader_in_charge=target.dept_leader_in_charge,
        dept_responsible_person=target.dept_responsible_person,
        milestones=[
            MilestoneInput(
                quarter=m.quarter,
                description=m.description,
                due_date=m.due_date,
                expected_value=m.expected_value,
            )
            for m in target.milestones.order_by("quarter", "due_date", "id")
        ],
        departments=[
            DepartmentInput(
                department=d.department, role=d.role, task=d.task, acceptance=d.acceptance
            )
            for d in target.departments.select_related("department").order_by("role", "id")
        ],
    )


# What an adjustment request may change (Art. 12; Zhongshan Art. 17), besides cancelling.
ADJUSTABLE_FIELDS = ("target_value", "milestones", "departments", "measures")


def _write_adjusted_milestones(target: Target, rows: list[MilestoneInput]) -> None:
    # Updated in place by quarter, so a node target keeps its identity and its status (达成与否
    # is recorded in execution against the row); quarters no longer planned are removed.
    quantitative = target.kind == Target.Kind.QUANTITATIVE
    existing = {m.quarter: m for m in target.milestones.all()}
    for row in rows:
        values = {
            "description": row.description.strip(),
            "due_date": row.due_date or target.plan_year.quarter_bounds(row.quarter)[1],
            "expected_value": (
                _column_value(row.expected_value, Milestone._meta.get_field("expected_value"))
                if quantitative
                else None
            ),
        }
        milestone = existing.pop(row.quarter, None)
        if milestone is None:
            Milestone.objects.create(target=target, quarter=row.quarter, **values)
        else:
            for key, value in values.items():
                setattr(milestone, key, value)
            milestone.save(update_fields=list(values))
    if existing:
        Milestone.objects.filter(pk__in=[m.pk for m in existing.values()]).delete()


@transaction.atomic
def target_apply_adjustment(
    *, target: Target, by: User, data: TargetInput, fields, comment: str = ""
) -> tuple[Target, dict]:
    """Write the approved content of an adjustment request (Art. 12) to a confirmed or executing
    target. Only ``execution``'s approval service calls it, after its own checks; formulation's
    ``target_update`` keeps refusing locked content.

    Returns the target and the diff ``{field: [before, after]}`` as the snapshots show it.
    Side effects: a new version and revision (the old one stays readable), an audit row.
    """
    target = _lock(target)
    if not perms.may_close(target, by):
        raise NotPermitted(_("只有市政府办公厅（目标办）可以批准目标调整。"))
    if target.state not in perms.ADJUSTABLE_STATES:
        raise Conflict(
            _("目标“%(code)s”当前为“%(state)s”状态，不能调整。")
            % {"code": target.code, "state": target.get_state_display()}
        )
    unknown = set(fields) - set(ADJUSTABLE_FIELDS)
    if unknown or not fields:
        raise ValidationFailed(_("调整申请须列明要调整的内容。"))
    errors = target_input_errors(data=data, plan_year=target.plan_year, target=target)
    if errors:
        raise ValidationFailed(_("调整后的目标内容有误，未作修改。"), field_errors=errors)
    before = target_snapshot(target)
    changed = ["version", "updated_at"]
    if "target_value" in fields:
        target.target_value = _column_value(
            data.target_value, Target._meta.get_field("target_value")
        )
        changed.append("target_value")
    if "measures" in fields:
        target.measures = (data.measures or "").strip()
        changed.append("measures")
    target.version += 1
    target.save(update_fields=changed)
    if "departments" in fields:
        target.departments.all().delete()
        TargetDepartment.objects.bulk_create(_department_rows(target, data))
    if "milestones" in fields:
        _write_adjusted_milestones(target, data.milestones)
    after = target_snapshot(target)
    diff = audit_diff(before, after)
    _save_revision(target, by, after)
    audit_record(
        actor=by, obj=target, action=AuditEvent.Action.UPDATE, changes=diff, comment=comment
    )
    return target, diff


@transaction.atomic
def target_complete(*, target: Target, by: User) -> Target:
    """办结 (Art. 14): the target ends on an accepted completion report. Called only by
    ``execution``'s completion review, which records the office's comment on the report."""
    _require_permission(target, "complete", by)
    return _transition(target=target, by=by, name="complete")


@transaction.atomic
def target_cancel(*, target: Target, by: User) -> Target:
    """撤销 (Art. 12): the target ends on an approved cancellation request. Called only by
    ``execution``'s adjustment approval, which records the reason on the request."""
    _require_permission(target, "cancel", by)
    return _transition(target=target, by=by, name="cancel")


def transition_kwargs(
    action: str, *, comment: str | None = "", approval_reference: str | None = ""
) -> dict:
    """The keyword arguments the service for ``action`` takes, from what a page or API request
    sent (only confirming carries the approval reference)."""
    kwargs = {"comment": comment or ""}
    if action == "confirm":
        kwargs["approval_reference"] = approval_reference or ""
    return kwargs


TRANSITIONS = {
    "submit": target_submit,
    "return": target_return,
    "negotiate": target_negotiate,
    "confirm": target_confirm,
    "start_execution": target_start_execution,
}


@transaction.atomic
def targets_transition_many(*, targets, by: User, action: str, **kwargs) -> list[Target]:
    """The same transition on many targets at once (a head submitting the department's drafts;
    the office confirming the year's set). All or nothing: if one cannot move, none moves and the
    message names it."""
    service = TRANSITIONS[action]
    # The same target named twice moves once (it would otherwise fail its own second move);
    # sorting by id makes concurrent batches lock rows in one order.
    targets = sorted({t.pk: t for t in targets}.values(), key=lambda t: t.pk)
    if not targets:
        raise ValidationFailed(_("请至少选择一个目标。"))
    return [service(target=t, by=by, **kwargs) for t in targets]


# The year-wide steps and the state a target must be in to take part in them.
YEAR_ACTIONS = {
    "confirm": Target.State.NEGOTIATED,
    "start_execution": Target.State.CONFIRMED,
}


@transaction.atomic
def plan_year_transition_all(
    *,
    plan_year: PlanYear,
    by: User,
    action: str,
    expected_ids: Iterable[int] | None = None,
    **kwargs,
) -> list[Target]:
    """The whole year's set at once: confirm every negotiated target on the city government's
    approval (Art. 10–11), or issue the task book for every confirmed one. All or nothing, like
    ``targets_transition_many``, whose checks (permission, state, audit) apply to each target.

    ``expected_ids`` are the targets the person was shown and agreed to move (the confirmation
    page, issue 11): if the year's set is no longer exactly those, nothing moves and Conflict
    says so, so one click never moves a target nobody looked at."""
    if action not in YEAR_ACTIONS:
        raise ValidationFailed(_("不支持的年度操作。"))
    targets = list(
        Target.objects.filter(plan_year=plan_year, state=YEAR_ACTIONS[action]).order_by("pk")
    )
    if not targets:
        raise ValidationFailed(
            _("%(year)s年度没有处于“%(state)s”状态的目标。")
            % {"year": plan_year.year, "state": YEAR_ACTIONS[action].label}
        )
    # Who may is told first (403), before any talk of which targets.
    _require_permission(targets[0], perms.TRANSITION_METHODS[action], by)
    if expected_ids is not None and {t.pk for t in targets} != set(expected_ids):
        raise Conflict(
            _(
                "%(year)s年度处于“%(state)s”状态的目标已有变化（现为%(n)s个），未执行任何操作，"
                "请核对新的清单后再确认。"
            )
            % {"year": plan_year.year, "state": YEAR_ACTIONS[action].label, "n": len(targets)}
        )
    return targets_transition_many(targets=targets, by=by, action=action, **kwargs)


@transaction.atomic
def target_comment_add(*, target: Target, by: User, body: str) -> TargetComment:
    """A message in the negotiation thread, visible to the department and the general office."""
    if not perms.may_comment(target, by):
        raise NotPermitted(_("您不能在该目标的协商记录中发表意见。"))
    body = (body or "").strip()
    if not body:
        message = _("请填写意见内容。")
        raise ValidationFailed(message, field_errors={"body": [message]})
    if len(body) > COMMENT_MAX_LENGTH:
        message = _("意见不能超过%(n)s字。") % {"n": COMMENT_MAX_LENGTH}
        raise ValidationFailed(message, field_errors={"body": [message]})
    comment = TargetComment.objects.create(
        target=target, author=by, author_department=_author_department(target, by), body=body
    )
    audit_record(actor=by, obj=target, action=AuditEvent.Action.COMMENT, comment=body)
    return comment
