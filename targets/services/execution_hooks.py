"""The execution stage's hooks on a target: its current content as the start of an adjustment
request, the approved adjustment written (Art. 12; Zhongshan Art. 17), and the two ends of a
target: 办结 on an accepted completion report (Art. 14), 撤销 on an approved cancellation (Art. 12).

Execution's services decide when these may happen and are their only callers; here is how a
target's own rows are written, so formulation and execution share one snapshot, revision and
audit code.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_diff, audit_record
from workflow.errors import Conflict, NotPermitted, ValidationFailed

from .. import permissions as perms
from ..models import Milestone, Target, TargetDepartment
from .drafting import _department_rows, _lock, _save_revision, target_snapshot
from .inputs import (
    DepartmentInput,
    MilestoneInput,
    TargetInput,
    column_value,
    target_input_errors,
)
from .transitions import _transition


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
# The title and content too, so a target whose value changes can say the new figure (issue 16
# item 4: "增长5.5%" over a target value of 5.3 contradicts itself).
ADJUSTABLE_FIELDS = ("target_value", "title", "content", "milestones", "departments", "measures")


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
                column_value(row.expected_value, Milestone._meta.get_field("expected_value"))
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
        target.target_value = column_value(
            data.target_value, Target._meta.get_field("target_value")
        )
        changed.append("target_value")
    for name in ("title", "content", "measures"):
        if name in fields:
            setattr(target, name, (getattr(data, name) or "").strip())
            changed.append(name)
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
    return _transition(target=target, by=by, name="complete")


@transaction.atomic
def target_cancel(*, target: Target, by: User) -> Target:
    """撤销 (Art. 12): the target ends on an approved cancellation request. Called only by
    ``execution``'s adjustment approval, which records the reason on the request."""
    return _transition(target=target, by=by, name="cancel")
