"""办结审核 (Shanghai Art. 14): the lead department files a completion report with evidence; the
general office accepts it — the target is then completed — or returns it. Only an accepted
completion or the year-end evaluation ends a target."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.access import Role
from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from targets import services as target_services
from targets.models import Target
from workflow.errors import Conflict, NotPermitted, ValidationFailed
from workflow.transitions import lock, require_transition_permission, transition_apply

from .. import notices
from ..files import check_evidence_file
from ..models import AdjustmentRequest, CompletionReport
from ..permissions import changes as perms

TEXT_MAX_LENGTH = 4000


def _error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [message]})


@transaction.atomic
def completion_report_file(
    *, target: Target, by: User, summary: str, evidence, actual_value=None
) -> CompletionReport:
    """报请办结: the lead department's head reports an executing target done, with evidence.

    Side effects: an audit row on the target's timeline.
    """
    if not perms.speaks_for_lead(target, by, Role.HEAD):
        raise NotPermitted(_("只有牵头部门主要负责人可以报请办结。"))
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.state != Target.State.EXECUTING:
        raise ValidationFailed(
            _("目标“%(code)s”当前为“%(state)s”状态，只有执行中的目标可以报请办结。")
            % {"code": target.code, "state": target.get_state_display()}
        )
    summary = (summary or "").strip()
    if not summary:
        raise _error("summary", _("请写明目标完成情况。"))
    if len(summary) > TEXT_MAX_LENGTH:
        raise _error("summary", _("完成情况不能超过%(n)s字。") % {"n": TEXT_MAX_LENGTH})
    value = None
    if actual_value not in (None, ""):
        try:
            value = Decimal(str(actual_value))
            if not value.is_finite() or abs(value) >= Decimal(10) ** 14:
                raise InvalidOperation
        except (InvalidOperation, ValueError) as exc:
            raise _error("actual_value", _("请填写有效的数值。")) from exc
    if evidence is None:
        raise _error("evidence", _("请上传佐证材料。"))
    try:
        checked = check_evidence_file(evidence)
    except ValidationFailed as exc:
        raise _error("evidence", exc.message) from exc
    if AdjustmentRequest.objects.filter(target=target, state="pending").exists():
        raise ValidationFailed(_("该目标有待审批的调整申请，请待审批后再报请办结。"))
    if CompletionReport.objects.filter(target=target, state="submitted").exists():
        raise Conflict(_("该目标已有待审核的办结报告。"))
    report = CompletionReport(
        target=target,
        department=target.lead_department,
        summary=summary,
        actual_value=value,
        evidence_name=checked.display_name,
        submitted_by=by,
    )
    report.evidence.save(checked.display_name, evidence, save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise Conflict(_("该目标已有待审核的办结报告。")) from exc
    audit_record(
        actor=by,
        obj=report,
        action=AuditEvent.Action.CREATE,
        comment=summary,
        changes={"evidence": [None, checked.display_name]},
        scope=target,
    )
    return report


REVIEW_FORBIDDEN = _lazy("只有市政府办公厅（目标办）可以审核办结报告。")


def _review(report, by, name, comment) -> CompletionReport:
    """审核通过 or 退回 through the one transition path, in this stage's words."""
    locked = lock(report)
    return transition_apply(
        locked,
        name,
        by=by,
        comment=comment,
        stamps={"reviewed_by": by, "reviewed_at": timezone.now(), "review_comment": comment},
        locked=True,
        forbidden=str(REVIEW_FORBIDDEN),
        refused=_("该办结报告已%(state)s，不能再审核（可能已被他人处理，请刷新）。")
        % {"state": locked.get_state_display()},
    )


def _notify(report, name) -> None:
    event = AuditEvent.objects.with_action(report, name).for_object(report).latest("id")
    notices.completion_decided(report, event)


def _comment(comment, *, required):
    comment = (comment or "").strip()
    if required and not comment:
        raise _error("comment", _("退回时须写明退回意见。"))
    if len(comment) > TEXT_MAX_LENGTH:
        raise _error("comment", _("审核意见不能超过%(n)s字。") % {"n": TEXT_MAX_LENGTH})
    return comment


@transaction.atomic
def completion_report_accept(
    *, report: CompletionReport, by: User, comment: str = ""
) -> CompletionReport:
    """审核通过: the target is completed (已办结).

    Side effects: the target's 办结 transition, audit rows on both; the department is notified.
    """
    require_transition_permission(report, "accept", by, message=str(REVIEW_FORBIDDEN))
    comment = _comment(comment, required=False)
    report = _review(report, by, "accept", comment)
    target_services.target_complete(target=report.target, by=by)
    _notify(report, "accept")
    return report


@transaction.atomic
def completion_report_return(
    *, report: CompletionReport, by: User, comment: str
) -> CompletionReport:
    """退回: the target stays in execution; the department may file again."""
    require_transition_permission(report, "return_report", by, message=str(REVIEW_FORBIDDEN))
    comment = _comment(comment, required=True)
    report = _review(report, by, "return_report", comment)
    _notify(report, "return_report")
    return report
