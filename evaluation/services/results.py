"""Writes on results: target deductions (条块连坐), publication (which freezes the results and
moves the year's targets to 已评估), feedback and improvement plans (Zhongshan Art. 25)."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from targets.models import Target
from workflow.errors import Conflict, NotPermitted, ValidationFailed
from workflow.transitions import require_transition_permission, transition_apply

from .. import permissions
from ..models import EvaluationResult, EvaluationScheme, Feedback, ScoreSheet, TargetDeduction
from ..scoring import as_result, compute_results
from .schemes import lock_scheme, office_only, require_office, require_step

TEXT_MAX = 20000


@transaction.atomic
def target_deduction_add(
    *, scheme: EvaluationScheme, target: Target, by, points, reason: str, reference: str = ""
) -> TargetDeduction:
    """A deduction on a target (Baoshan 条块连坐): it reaches the target's lead, responsible
    and cooperating departments by the scheme's shares when results are computed."""
    require_office(by)
    scheme = lock_scheme(scheme)
    if scheme.state in (EvaluationScheme.State.PUBLISHED, EvaluationScheme.State.SUPERSEDED):
        raise Conflict(_("结果已发布，不能再录入扣分。"))
    if not scheme.joint_liability:
        # Zhongshan deducts only for accountability (Art. 20); 条块连坐 is Baoshan's choice.
        raise ValidationFailed(_("本方案未启用条块连坐，不能录入目标扣分。"))
    errors = {}
    try:
        value = Decimal(str(points))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        value = None
    if value is None or value <= 0 or value > 100 or value.normalize().as_tuple().exponent < -2:
        errors["points"] = [_("扣分须为大于0、不超过100的数字，最多两位小数。")]
    if target.plan_year_id != scheme.plan_year_id:
        errors["target"] = [_("只能对本考评年度的目标扣分。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写扣分事由。")]
    if errors:
        raise ValidationFailed(_("扣分未保存，请更正标出的问题。"), field_errors=errors)
    deduction = TargetDeduction.objects.create(
        scheme=scheme,
        target=target,
        points=value,
        reason=reason,
        reference=(reference or "").strip()[:200],
        created_by=by,
    )
    audit_record(
        actor=by,
        obj=deduction,
        action=AuditEvent.Action.CREATE,
        changes={"points": [None, format(value, "f")], "reason": [None, reason]},
        scope=target,
    )
    return deduction


def missing_sheets(scheme: EvaluationScheme):
    return scheme.sheets.filter(
        state__in=[ScoreSheet.State.ASSIGNED, ScoreSheet.State.DRAFT], is_self=False
    )


def _evaluate_targets(scheme: EvaluationScheme, by) -> int:
    """Move the year's executing and completed targets to 已评估 through the targets' own
    transition (``Target.evaluate``, whose permission is ``targets.permissions.may_evaluate``),
    one locked row at a time, each audited on its own timeline."""
    targets = (
        Target.objects.select_for_update()
        .filter(
            plan_year_id=scheme.plan_year_id,
            state__in=[Target.State.EXECUTING, Target.State.COMPLETED],
        )
        .order_by("pk")
    )
    moved = 0
    for target in targets:
        transition_apply(
            target,
            "evaluate",
            by=by,
            locked=True,
            comment=_("%(scheme)s结果发布") % {"scheme": scheme},
            forbidden=_("您无权将目标“%(code)s”标为已评估。") % {"code": target.code},
            raced=_("目标“%(code)s”已被他人处理，请刷新后重试。") % {"code": target.code},
        )
        moved += 1
    return moved


@transaction.atomic
def scheme_publish(*, scheme: EvaluationScheme, by, reason: str = "") -> EvaluationScheme:
    """发布: compute the results from the stored sheets (``scoring.compute_results``), store them
    (frozen from now on), and move the year's targets to 已评估 (Art. 23–25; Zhongshan Art. 22
    内部通报). Sheets still missing need a recorded reason.

    Side effects: results, target transitions, audit rows."""
    require_transition_permission(scheme, "publish", by, message=office_only())
    scheme = lock_scheme(scheme)
    refused = _("须先锁定评分，才能发布结果（可能已被他人处理，请刷新）。")
    require_step(scheme, "publish", by, refused)
    reason = (reason or "").strip()
    missing = missing_sheets(scheme).count()
    if missing and not reason:
        message = _("尚有%(n)s张评分表未提交；如仍要发布，须填写发布说明。") % {"n": missing}
        raise ValidationFailed(message, field_errors={"reason": [message]})
    if len(reason) > TEXT_MAX:
        raise ValidationFailed(_("发布说明过长。"))
    computed = compute_results(scheme)
    EvaluationResult.objects.bulk_create(as_result(scheme, r) for r in computed)
    moved = _evaluate_targets(scheme, by)
    return transition_apply(
        scheme,
        "publish",
        by=by,
        locked=True,
        comment=reason,
        stamps={"published_at": timezone.now(), "publish_reason": reason},
        changes={
            "results": [None, len(computed)],
            "targets_evaluated": [None, moved],
            "missing_sheets": [None, missing],
        },
        forbidden=office_only(),
        refused=refused,
    )


@transaction.atomic
def feedback_write(*, scheme: EvaluationScheme, department, by, suggestions: str) -> Feedback:
    """绩效改进建议 (Zhongshan Art. 25; Fujian 五(五)): the office's suggestions to one department,
    after publication. Writing again before the department acknowledges replaces the text."""
    require_office(by)
    scheme = lock_scheme(scheme)
    if scheme.state != EvaluationScheme.State.PUBLISHED:
        raise Conflict(_("结果发布后才能反馈改进建议。"))
    if not scheme.results.filter(department=department).exists():
        raise ValidationFailed(_("“%(dept)s”不是该方案的考评对象。") % {"dept": department})
    suggestions = (suggestions or "").strip()
    if not suggestions:
        message = _("请填写改进建议。")
        raise ValidationFailed(message, field_errors={"suggestions": [message]})
    if len(suggestions) > TEXT_MAX:
        raise ValidationFailed(_("改进建议过长。"))
    feedback = Feedback.objects.select_for_update().filter(scheme=scheme, department=department)
    feedback = feedback.first()
    if feedback is None:
        feedback = Feedback.objects.create(
            scheme=scheme, department=department, suggestions=suggestions, written_by=by
        )
        audit_record(
            actor=by,
            obj=feedback,
            action=AuditEvent.Action.CREATE,
            changes={"suggestions": [None, suggestions]},
            scope=scheme,
        )
        return feedback
    if feedback.state != Feedback.State.SENT:
        raise Conflict(_("部门已签收改进建议，不能再修改。"))
    before = feedback.suggestions
    feedback.suggestions = suggestions
    feedback.written_by = by
    feedback.save(update_fields=["suggestions", "written_by"])
    audit_record(
        actor=by,
        obj=feedback,
        action=AuditEvent.Action.UPDATE,
        changes={"suggestions": [before, suggestions]},
        scope=scheme,
    )
    return feedback


def _lock_feedback(feedback: Feedback) -> Feedback:
    return (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("scheme", "department")
        .get(pk=feedback.pk)
    )


@transaction.atomic
def feedback_acknowledge(*, feedback: Feedback, by) -> Feedback:
    """签收: the department confirms it received the suggestions."""
    forbidden = _("只有被反馈部门的人员可以签收改进建议。")
    require_transition_permission(feedback, "acknowledge", by, message=forbidden)
    return transition_apply(
        _lock_feedback(feedback),
        "acknowledge",
        by=by,
        locked=True,
        stamps={"acknowledged_by": by, "acknowledged_at": timezone.now()},
        forbidden=forbidden,
        refused=_("改进建议已签收。"),
    )


@transaction.atomic
def feedback_file_plan(*, feedback: Feedback, by, plan: str) -> Feedback:
    """整改计划: the department files how it will improve (Fujian 六: 制定整改措施)."""
    forbidden = _("只有被反馈部门的人员可以报送整改计划。")
    require_transition_permission(feedback, "file_plan", by, message=forbidden)
    feedback = _lock_feedback(feedback)
    refused = _("请先签收改进建议，再报送整改计划。")
    require_step(feedback, "file_plan", by, refused)
    plan = (plan or "").strip()
    if not plan:
        message = _("请填写整改计划。")
        raise ValidationFailed(message, field_errors={"plan": [message]})
    if len(plan) > TEXT_MAX:
        raise ValidationFailed(_("整改计划过长。"))
    return transition_apply(
        feedback,
        "file_plan",
        by=by,
        locked=True,
        values={"improvement_plan": plan},
        stamps={"plan_filed_at": timezone.now()},
        forbidden=forbidden,
        refused=refused,
    )


@transaction.atomic
def feedback_link_target(*, feedback: Feedback, target: Target, by) -> Feedback:
    """Name a later year's target of the department as carrying the improvement ("results feed
    next year")."""
    if not (permissions.may_answer_feedback(feedback, by) or permissions.may_manage(by)):
        raise NotPermitted(_("您无权为该改进建议关联目标。"))
    feedback = _lock_feedback(feedback)
    if target.plan_year.year <= feedback.scheme.plan_year.year:
        raise ValidationFailed(_("只能关联以后年度的目标。"))
    if target.lead_department_id != feedback.department_id:
        raise ValidationFailed(_("只能关联本部门牵头的目标。"))
    feedback.linked_targets.add(target)
    audit_record(
        actor=by,
        obj=feedback,
        action=AuditEvent.Action.UPDATE,
        changes={"linked_targets": [None, target.code]},
        scope=target,
    )
    return feedback
