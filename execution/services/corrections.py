"""更正申请 (late correction, Shanghai Art. 14 全程记录): the writes. After a progress report is
verified and its period has passed, the head of the department that filed it asks to correct
the verified figures, with a reason and an evidence file; the general office (or the supervision
office) approves or rejects. Nobody edits a verified report in place: the report's edit path
keeps refusing it, and only an approved request changes its effective figures.

On approval, in one transaction: the request's state (``transition_apply``: permission, label,
audit event on the target's timeline), the report's verified figures (an audit event with the old
and new values), the early warning queued for recomputation after commit (dashboards read it),
and the requester's department told. The old figures stay on the request and in both events.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from targets.models import Target
from targets.services import column_value, decimal_error, plain_value
from workflow.errors import Conflict, NotPermitted, ValidationFailed
from workflow.transitions import lock, require_transition_permission

from .. import clock, notices
from ..files import check_evidence_file
from ..models import ProgressCorrection, ProgressReport
from ..permissions import corrections as perms
from .decisions import decide, decision_comment
from .progress import TEXT_MAX_LENGTH, _queue_recompute

DECIDE_FORBIDDEN = _lazy("只有目标办或督查室可以审批更正申请。")


def _error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [message]})


def require_requester(report: ProgressReport, by: User) -> None:
    """Asked before any input is read: whoever may never ask hears 403, not a field error."""
    if not perms.may_request(report, by):
        raise NotPermitted(_("只有报送该进展报告的部门主要负责人可以申请更正。"))


# Once the year-end result is published (evaluated) or the target cancelled, its figures are
# closed: a correction would change what the evaluation already judged.
CORRECTABLE_TARGET_STATES = (Target.State.EXECUTING, Target.State.COMPLETED)


def correction_refusal(report: ProgressReport) -> str:
    """Why ``report`` cannot be corrected now, or "" (the pages hide the button then)."""
    target = report.target
    if target.state not in CORRECTABLE_TARGET_STATES:
        return _("目标“%(code)s”当前为“%(state)s”状态，不能再更正其进展。") % {
            "code": target.code,
            "state": target.get_state_display(),
        }
    if report.state != ProgressReport.State.VERIFIED:
        return _("只有已审核的进展报告可以申请更正；未审核的报告请直接修改或等待审核。")
    if clock.today() <= report.period_end:
        return _("报告期（至%(end)s）尚未结束，不能申请更正。") % {
            "end": report.period_end.isoformat()
        }
    return ""


def _figures(report, new_value, new_percent) -> tuple[Decimal | None, Decimal | None]:
    """The corrected figures judged as the columns store them; a field error otherwise."""
    errors: dict[str, list[str]] = {}
    quantitative = report.target.kind == Target.Kind.QUANTITATIVE
    if not quantitative:
        new_value = None
    if quantitative and new_value is None:
        errors["new_value"] = [_("定量目标须填写更正后的累计完成值。")]
    if not quantitative and new_percent is None:
        errors["new_percent"] = [_("定性目标须填写更正后的完成进度。")]
    if new_value is not None:
        message = decimal_error(new_value, ProgressCorrection._meta.get_field("new_value"))
        if message:
            errors["new_value"] = [message]
    if new_percent is not None:
        try:
            percent_ok = 0 <= Decimal(str(new_percent)) <= 100
        except ArithmeticError:
            percent_ok = False
        if not percent_ok:
            errors["new_percent"] = [_("完成进度须在0至100之间。")]
    if errors:
        raise ValidationFailed(_("更正申请未保存，请更正标出的问题。"), field_errors=errors)
    return (
        column_value(new_value, ProgressCorrection._meta.get_field("new_value")),
        column_value(new_percent, ProgressCorrection._meta.get_field("new_percent")),
    )


@transaction.atomic
def correction_request_create(
    *,
    report: ProgressReport,
    by: User,
    new_value: Decimal | None,
    new_percent: Decimal | None,
    reason: str,
    evidence,
) -> ProgressCorrection:
    """申请更正: the reporting department's head asks to correct a verified report whose period
    has passed. Nothing changes on the report yet. At most one open request per report.

    Side effects: an audit event on the target's timeline with the verified figures before and
    as proposed; the general office is notified."""
    require_requester(report, by)
    report = lock(report, queryset=ProgressReport.objects.select_related("target"))
    refusal = correction_refusal(report)
    if refusal:
        raise Conflict(refusal)
    new_value, new_percent = _figures(report, new_value, new_percent)
    if new_percent is None:
        # A quantitative report's percent stays as verified unless the request says otherwise.
        new_percent = report.verified_percent
    if plain_value(new_value) == plain_value(report.verified_value) and plain_value(
        new_percent
    ) == plain_value(report.verified_percent):
        raise _error("new_value", _("更正值与现审核值相同，无需更正。"))
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", _("请写明更正理由。"))
    if len(reason) > TEXT_MAX_LENGTH:
        raise _error("reason", _("更正理由不能超过%(n)s字。") % {"n": TEXT_MAX_LENGTH})
    if evidence is None:
        raise _error("evidence", _("请上传更正依据（佐证材料）。"))
    try:
        checked = check_evidence_file(evidence)
    except ValidationFailed as exc:
        raise _error("evidence", exc.message) from exc
    if ProgressCorrection.objects.filter(report=report, state="pending").exists():
        raise Conflict(_("该进展报告已有待审批的更正申请，审批后才能再次申请。"))
    correction = ProgressCorrection(
        report=report,
        department_id=report.department_id,
        old_value=report.verified_value,
        old_percent=report.verified_percent,
        new_value=new_value,
        new_percent=new_percent,
        reason=reason,
        evidence_name=checked.display_name,
        requested_by=by,
        requested_at=clock.now(),
    )
    correction.evidence.save(checked.display_name, evidence, save=False)
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError as exc:
        # The partial unique index: another request was filed at the same moment.
        raise Conflict(_("该进展报告已有待审批的更正申请，审批后才能再次申请。")) from exc
    audit_record(
        actor=by,
        obj=correction,
        action=AuditEvent.Action.CREATE,
        changes=figure_changes(correction),
        comment=reason,
        scope=report.target,
    )
    notices.correction_requested(correction)
    return correction


def figure_changes(correction: ProgressCorrection) -> dict:
    """``{field: [old, new]}`` of the report's verified figures the request changes."""
    pairs = {
        "verified_value": (correction.old_value, correction.new_value),
        "verified_percent": (correction.old_percent, correction.new_percent),
    }
    return {
        name: [plain_value(old), plain_value(new)]
        for name, (old, new) in pairs.items()
        if plain_value(old) != plain_value(new)
    }


def _comment(comment: str, *, required: bool) -> str:
    return decision_comment(
        comment,
        required=required,
        missing=_("不予更正时须填写审批意见。"),
        too_long=_("审批意见不能超过%(n)s字。"),
        max_length=TEXT_MAX_LENGTH,
    )


def _decide(correction, by, name, comment) -> ProgressCorrection:
    """批准 or 不予批准 through the one transition path."""
    return decide(
        correction,
        name,
        by=by,
        comment=comment,
        now=clock.now,
        forbidden=DECIDE_FORBIDDEN,
        refused=_("该更正申请已%(state)s，不能再审批（可能已被他人处理，请刷新）。"),
        queryset=ProgressCorrection.objects.select_related("report__target"),
    )


@transaction.atomic
def correction_approve(
    *, correction: ProgressCorrection, by: User, comment: str = ""
) -> ProgressCorrection:
    """批准更正: the report's effective (verified) figures become the corrected ones, now; the
    early warning is recomputed after commit. Side effects: audit events on the request and on
    the report (old and new figures), both on the target's timeline; the department told."""
    require_transition_permission(correction, "approve", by, message=str(DECIDE_FORBIDDEN))
    comment = _comment(comment, required=False)
    correction = _decide(correction, by, "approve", comment)
    report = lock(correction.report, queryset=ProgressReport.objects.select_related("target"))
    refusal = correction_refusal(report)
    if refusal:
        # The target was evaluated or cancelled meanwhile: nothing is approved (rolled back).
        raise Conflict(refusal)
    changes = figure_changes(correction)
    report.verified_value = correction.new_value
    report.verified_percent = correction.new_percent
    report.version += 1
    report.updated_at = clock.now()
    report.save(update_fields=["verified_value", "verified_percent", "version", "updated_at"])
    audit_record(
        actor=by,
        obj=report,
        action=AuditEvent.Action.UPDATE,
        changes=changes,
        comment=_("依更正申请更正审核值：%(reason)s") % {"reason": correction.reason},
        scope=report.target,
    )
    notices.correction_decided(correction)
    _queue_recompute()
    return correction


@transaction.atomic
def correction_reject(
    *, correction: ProgressCorrection, by: User, comment: str
) -> ProgressCorrection:
    """不予更正: the report keeps its figures; the office says why; the department is told."""
    require_transition_permission(correction, "reject", by, message=str(DECIDE_FORBIDDEN))
    comment = _comment(comment, required=True)
    correction = _decide(correction, by, "reject", comment)
    notices.correction_decided(correction)
    return correction
