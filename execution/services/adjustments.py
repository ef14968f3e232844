"""调整申请 (Shanghai Art. 12; Zhongshan Art. 17): the only way a confirmed target changes.

The lead department's head proposes new values for named fields (or the target's cancellation),
with a reason from the list, an explanation and an attachment; the general office approves or
rejects with a comment. On approval the change is written by ``targets.services`` in the same
transaction, as a new revision; the old version stays readable.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import Department, User
from audit.models import AuditEvent
from audit.services import audit_record
from targets import services as target_services
from targets.models import Target
from targets.permissions import ADJUSTABLE_STATES
from workflow.errors import Conflict, NotPermitted, ValidationFailed
from workflow.transitions import require_transition_permission

from .. import notices
from ..files import check_evidence_file
from ..models import AdjustmentRequest
from ..permissions import changes as perms
from .decisions import decide, decision_comment

EXPLANATION_MAX_LENGTH = 2000
FIELDS = target_services.ADJUSTABLE_FIELDS


def _error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [message]})


def _decimal(value, key, errors):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(key, []).append(_("请填写有效的数值。"))
        return None
    return number


def _date(value, key, errors):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(key, []).append(_("请填写有效的日期（如 2026-06-30）。"))
        return None


def proposed_input(target: Target, proposed: dict):
    """The target's content with ``proposed`` applied, the fields it names, and the problems
    found, as ``(TargetInput, fields, {field: [message]})``. The rules on content are the ones
    formulation uses (``targets.services.target_input_errors``), not restated here."""
    errors: dict[str, list[str]] = {}
    if not isinstance(proposed, dict):
        return None, [], {"proposed": [_("拟调整内容格式有误。")]}
    unknown = [key for key in proposed if key not in FIELDS]
    if unknown:
        errors["proposed"] = [
            _("不能通过调整申请修改：%(fields)s。") % {"fields": "、".join(map(str, unknown))}
        ]
    data = target_services.target_input_from(target)
    fields = [name for name in FIELDS if name in proposed]
    if "target_value" in proposed:
        if target.kind != Target.Kind.QUANTITATIVE:
            errors.setdefault("target_value", []).append(_("定性目标没有目标值，不能调整目标值。"))
        data.target_value = _decimal(proposed["target_value"], "target_value", errors)
    for name in ("title", "content", "measures"):
        if name in proposed:
            setattr(data, name, str(proposed[name] or ""))
    if "milestones" in proposed:
        rows = proposed["milestones"]
        if not isinstance(rows, list):
            errors.setdefault("milestones", []).append(_("节点目标格式有误。"))
            rows = []
        data.milestones = []
        for i, row in enumerate(rows):
            row = row if isinstance(row, dict) else {}
            try:
                quarter = int(row.get("quarter"))
            except (TypeError, ValueError):
                quarter = 0
            data.milestones.append(
                target_services.MilestoneInput(
                    quarter=quarter,
                    description=str(row.get("description") or ""),
                    due_date=_date(row.get("due_date"), f"milestones.{i}.due_date", errors),
                    expected_value=_decimal(
                        row.get("expected_value"), f"milestones.{i}.expected_value", errors
                    ),
                )
            )
    if "departments" in proposed:
        rows = proposed["departments"]
        if not isinstance(rows, list):
            errors.setdefault("departments", []).append(_("部门分工格式有误。"))
            rows = []
        rows = [row if isinstance(row, dict) else {} for row in rows]
        ids = [row.get("department") for row in rows]
        known = Department.objects.in_bulk([i for i in ids if isinstance(i, int)])
        data.departments = []
        for i, row in enumerate(rows):
            department = known.get(row.get("department"))
            if department is None and row.get("department") is not None:
                errors.setdefault(f"departments.{i}.department", []).append(_("没有该部门。"))
            data.departments.append(
                target_services.DepartmentInput(
                    department=department,
                    role=str(row.get("role") or ""),
                    task=str(row.get("task") or ""),
                    acceptance=str(row.get("acceptance") or ""),
                )
            )
    if not errors:
        errors = target_services.target_input_errors(
            data=data, plan_year=target.plan_year, target=target
        )
    return data, fields, errors


def proposed_changes(target: Target, data, fields) -> dict:
    """``{field: [current, proposed]}`` for the fields whose proposed value differs."""
    before = target_services.target_snapshot(target)
    after = target_services.input_snapshot(data, target.plan_year, fields)
    return {
        name: [before.get(name), after[name]] for name in fields if before.get(name) != after[name]
    }


def _lock_target(target: Target) -> Target:
    return Target.objects.select_for_update().select_related("plan_year").get(pk=target.pk)


def require_requester(target: Target, by: User) -> None:
    """Only the lead department's head asks to adjust a target (Art. 12): the form page asks
    this before it shows the form, the service before it reads any input."""
    if not perms.speaks_for_lead(target, by):
        raise NotPermitted(_("只有牵头部门主要负责人可以申请调整目标。"))


@transaction.atomic
def adjustment_request_create(
    *,
    target: Target,
    by: User,
    kind: str,
    reason: str,
    explanation: str,
    attachment,
    proposed: dict | None = None,
) -> AdjustmentRequest:
    """申请调整: the lead department's head asks to change a confirmed or executing target, or to
    cancel it (Art. 12). At most one open request per target.

    Side effects: an audit row on the target's timeline with the proposed before/after.
    """
    require_requester(target, by)
    target = _lock_target(target)
    if target.state not in ADJUSTABLE_STATES:
        raise ValidationFailed(
            _("目标“%(code)s”当前为“%(state)s”状态，只有已确认或执行中的目标可以申请调整。")
            % {"code": target.code, "state": target.get_state_display()}
        )
    if kind not in AdjustmentRequest.Kind.values:
        raise _error("kind", _("请选择调整内容或撤销目标。"))
    if reason not in AdjustmentRequest.Reason.values:
        raise _error("reason", _("请选择调整原因。"))
    explanation = (explanation or "").strip()
    if not explanation:
        raise _error("explanation", _("请写明调整的具体理由。"))
    if len(explanation) > EXPLANATION_MAX_LENGTH:
        raise _error("explanation", _("调整说明不能超过%(n)s字。") % {"n": EXPLANATION_MAX_LENGTH})
    if attachment is None:
        raise _error("attachment", _("请上传调整申请的书面材料（附件）。"))
    try:
        checked = check_evidence_file(attachment)
    except ValidationFailed as exc:
        raise _error("attachment", exc.message) from exc
    changes = {}
    proposed = proposed or {}
    if kind == AdjustmentRequest.Kind.CHANGE:
        data, fields, errors = proposed_input(target, proposed)
        if errors:
            raise ValidationFailed(_("调整申请未保存，请更正标出的问题。"), field_errors=errors)
        changes = proposed_changes(target, data, fields)
        if not changes:
            raise _error("proposed", _("未提出任何调整：拟调整内容与现行内容相同。"))
        # Keep only what really changes, in the form the approval will write.
        proposed = {name: proposed[name] for name in changes}
    else:
        proposed = {}
        changes = {"state": [target.state, Target.State.CANCELLED]}
    if AdjustmentRequest.objects.filter(target=target, state="pending").exists():
        raise Conflict(_("该目标已有待审批的调整申请，审批后才能再次申请。"))
    adjustment = AdjustmentRequest(
        target=target,
        kind=kind,
        reason=reason,
        explanation=explanation,
        proposed=_json_safe(proposed),
        changes=changes,
        attachment_name=checked.display_name,
        department=target.lead_department,
        requested_by=by,
        base_version=target.version,
    )
    adjustment.attachment.save(checked.display_name, attachment, save=False)
    try:
        with transaction.atomic():
            adjustment.save()
    except IntegrityError as exc:
        # The partial unique index: another request was filed at the same moment.
        raise Conflict(_("该目标已有待审批的调整申请，审批后才能再次申请。")) from exc
    audit_record(
        actor=by,
        obj=adjustment,
        action=AuditEvent.Action.CREATE,
        # The target's fields (AdjustmentRequest.AUDIT_FIELDS), as the request proposes them.
        changes=changes,
        comment=f"{adjustment.get_reason_display()}：{explanation}",
        scope=target,
    )
    return adjustment


def _json_safe(value):
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, Decimal | datetime.date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def _comment(comment: str, *, required: bool) -> str:
    return decision_comment(
        comment,
        required=required,
        missing=_("不予批准时须填写审批意见。"),
        too_long=_("审批意见不能超过%(n)s字。"),
        max_length=EXPLANATION_MAX_LENGTH,
    )


DECIDE_FORBIDDEN = _lazy("只有市政府办公厅（目标办）可以审批调整申请。")


def _decide(adjustment, by, name, comment) -> AdjustmentRequest:
    """批准 or 不予批准 through the one transition path, in this stage's words."""
    return decide(
        adjustment,
        name,
        by=by,
        comment=comment,
        now=timezone.now,
        forbidden=DECIDE_FORBIDDEN,
        refused=_("该调整申请已%(state)s，不能再审批（可能已被他人处理，请刷新）。"),
    )


def _notify(adjustment, name) -> None:
    event = AuditEvent.objects.with_action(adjustment, name).for_object(adjustment).latest("id")
    notices.adjustment_decided(adjustment, event)


@transaction.atomic
def adjustment_request_approve(
    *, adjustment: AdjustmentRequest, by: User, comment: str = ""
) -> AdjustmentRequest:
    """批准: the general office approves; the change applies now, in this transaction — new
    content and revision, or the target's cancellation (Art. 12).

    Side effects: the target's new version and revision (or its cancellation), audit rows on the
    request and the target; the requester is notified.
    """
    require_transition_permission(adjustment, "approve", by, message=str(DECIDE_FORBIDDEN))
    comment = _comment(comment, required=False)
    adjustment = _decide(adjustment, by, "approve", comment)
    target = _lock_target(adjustment.target)
    if adjustment.kind == AdjustmentRequest.Kind.CANCEL:
        target_services.target_cancel(target=target, by=by)
    else:
        data, fields, errors = proposed_input(target, adjustment.proposed)
        if errors:
            raise ValidationFailed(_("调整后的目标内容有误，未作修改。"), field_errors=errors)
        target, diff = target_services.target_apply_adjustment(
            target=target,
            by=by,
            data=data,
            fields=fields,
            comment=_("依调整申请修改（%(reason)s）") % {"reason": adjustment.get_reason_display()},
        )
        # As applied: the snapshots' before/after, and the version the change produced.
        adjustment.changes = diff
        adjustment.result_version = target.version
        adjustment.save(update_fields=["changes", "result_version"])
    _notify(adjustment, "approve")
    return adjustment


@transaction.atomic
def adjustment_request_reject(
    *, adjustment: AdjustmentRequest, by: User, comment: str
) -> AdjustmentRequest:
    """不予批准: the target stays as it is; the office says why."""
    require_transition_permission(adjustment, "reject", by, message=str(DECIDE_FORBIDDEN))
    comment = _comment(comment, required=True)
    adjustment = _decide(adjustment, by, "reject", comment)
    _notify(adjustment, "reject")
    return adjustment
