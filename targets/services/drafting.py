"""Drafting (拟定目标, Art. 9): creating drafts, one or a year's list at once, and changing a
draft's content while the year is open for drafting; confirmed content is locked (Art. 12).

Every change to a target's content leaves a snapshot as plain JSON, a numbered revision and an
audit row with before/after (Shanghai Art. 14: 全程记录); the snapshot functions here are the one
way both formulation and execution's adjustments (``execution_hooks``) record content.
"""

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_diff, audit_event, audit_record, audit_record_many
from workflow.errors import Conflict, NotPermitted, ValidationFailed
from workflow.transitions import lock

from .. import permissions as perms
from ..models import Milestone, PlanYear, Target, TargetDepartment, TargetRevision
from .inputs import TargetInput, column_value, target_input_errors

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
            column_value(data.target_value, Target._meta.get_field("target_value"))
            if quantitative
            else None
        )
    for name in ("title", "content", "measures"):
        if name in fields:
            snap[name] = (getattr(data, name) or "").strip()
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
                    column_value(row.expected_value, Milestone._meta.get_field("expected_value"))
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
        column_value(data.baseline, Target._meta.get_field("baseline")) if quantitative else None
    )
    target.target_value = (
        column_value(data.target_value, Target._meta.get_field("target_value"))
        if quantitative
        else None
    )
    target.direction = data.direction if quantitative else ""
    target.weight = column_value(data.weight, Target._meta.get_field("weight"))
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
                column_value(row.expected_value, Milestone._meta.get_field("expected_value"))
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
    return lock(target, queryset=Target.objects.select_related("plan_year"))


def require_editable(target: Target, by: User) -> None:
    """Whether ``by`` may change ``target``'s content at all (the edit page asks before it shows
    the form; ``target_update`` again on the locked row): NotPermitted says why not."""
    if target.is_content_locked:
        raise NotPermitted(
            _(
                "目标“%(code)s”处于“%(state)s”状态，内容已锁定，不能修改（第十二条：确需调整的须经批准）。"
            )
            % {"code": target.code, "state": target.get_state_display()}
        )
    if not perms.may_edit_content(target, by):
        raise NotPermitted(_("您无权修改该目标。"))


@transaction.atomic
def target_update(
    *, target: Target, by: User, data: TargetInput, expected_version: int | None = None
) -> Target:
    """Change a draft's content. ``expected_version`` is the version the editor read; if someone
    saved in between, nothing is written and Conflict is raised.

    Side effects: a new revision and an audit row with before/after of each changed field.
    """
    target = _lock(target)
    require_editable(target, by)
    if not perms.may_create(
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
