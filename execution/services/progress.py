"""Writes for progress reports (进展), node-target status and red-warning explanations
(Shanghai Art. 14–16). Every function runs in one transaction, checks the permission and the
state, locks what races, saves with ``update_fields``, writes the audit trail in the target's
scope (so it shows on the target's timeline) and queues the early-warning recomputation after
commit. A report's state changes only through ``workflow.transitions.transition_apply``.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.access import access_for
from accounts.models import Department, User
from audit.models import AuditEvent
from audit.services import audit_diff, audit_record
from targets.models import Milestone, Target, TargetDepartment
from targets.services import column_value, decimal_error, plain_value
from workflow.errors import Conflict, NotPermitted, ValidationFailed
from workflow.transitions import lock, require_transition_permission, transition_apply

from .. import clock, notices, periods
from ..files import check_evidence_file
from ..models import ProgressReport, ReportEvidence, WarningExplanation, WarningSnapshot
from ..permissions import progress as perms
from ..selectors.progress import explanation_required

TEXT_MAX_LENGTH = 5000
MAX_FILES_PER_REPORT = 10


@dataclass
class ReportInput:
    """What a department writes in a progress report (page form or API)."""

    narrative: str = ""
    actual_value: Decimal | None = None
    percent_complete: Decimal | None = None
    problems: str = ""
    next_steps: str = ""


def report_snapshot(report: ProgressReport) -> dict:
    return {
        "actual_value": plain_value(report.actual_value),
        "percent_complete": plain_value(report.percent_complete),
        "narrative": report.narrative,
        "problems": report.problems,
        "next_steps": report.next_steps,
    }


def _recompute_after_commit():
    from ..tasks import recompute_early_warnings

    recompute_early_warnings.delay()


def _queue_recompute():
    """Recompute the early warning once the change is committed — once per transaction, however
    many verifications it holds (a batch, the demo's year), since one run covers every target."""
    connection = transaction.get_connection()
    if any(func is _recompute_after_commit for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_recompute_after_commit)


def _input_errors(data: ReportInput, *, target: Target, kind: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    if not (data.narrative or "").strip():
        add("narrative", _("请填写进展情况。"))
    for name in ("narrative", "problems", "next_steps"):
        if len(getattr(data, name) or "") > TEXT_MAX_LENGTH:
            add(name, _("不能超过%(n)s字。") % {"n": TEXT_MAX_LENGTH})
    if kind == ProgressReport.Kind.MAIN:
        # Art. 6, 14: a quantitative target reports its value to date, a qualitative one how far
        # it has come.
        if target.kind == Target.Kind.QUANTITATIVE and data.actual_value is None:
            add("actual_value", _("定量目标须填写累计完成值。"))
        if target.kind == Target.Kind.QUALITATIVE and data.percent_complete is None:
            add("percent_complete", _("定性目标须填写完成进度（%）。"))
    if data.actual_value is not None:
        message = decimal_error(data.actual_value, ProgressReport._meta.get_field("actual_value"))
        if message:
            add("actual_value", message)
    if data.percent_complete is not None and not (0 <= data.percent_complete <= 100):
        add("percent_complete", _("完成进度须在0至100之间。"))
    return errors


def _check_files(report_files: int, files) -> list:
    files = [f for f in (files or []) if f]
    if report_files + len(files) > MAX_FILES_PER_REPORT:
        raise ValidationFailed(
            _("每份报告最多上传%(n)s个佐证材料。") % {"n": MAX_FILES_PER_REPORT},
            field_errors={"files": [_("佐证材料过多。")]},
        )
    checked = []
    for upload in files:
        try:
            checked.append((upload, check_evidence_file(upload)))
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field_errors={"files": [exc.message]}) from exc
    return checked


def _store_files(report: ProgressReport, checked, by: User) -> list[str]:
    names = []
    for upload, info in checked:
        ReportEvidence.objects.create(
            report=report,
            file=upload,
            display_name=info.display_name,
            size=info.size,
            uploaded_by=by,
            uploaded_at=clock.now(),
        )
        names.append(info.display_name)
    return names


def _apply(report: ProgressReport, data: ReportInput, target: Target) -> None:
    quantitative = target.kind == Target.Kind.QUANTITATIVE
    report.actual_value = (
        column_value(data.actual_value, ProgressReport._meta.get_field("actual_value"))
        if quantitative
        else None
    )
    report.percent_complete = column_value(
        data.percent_complete, ProgressReport._meta.get_field("percent_complete")
    )
    report.narrative = (data.narrative or "").strip()
    report.problems = (data.problems or "").strip()
    report.next_steps = (data.next_steps or "").strip()


def reporting_department_for(target: Target, user: User) -> Department | None:
    """The department on whose behalf ``user`` reports on ``target``: the lead department if the
    user is in it, else a cooperating department of theirs (Art. 7, 16)."""
    members = access_for(user).member_departments
    if target.lead_department_id in members:
        return target.lead_department
    row = (
        TargetDepartment.objects.filter(
            target=target, role=TargetDepartment.Role.COOPERATING, department_id__in=members
        )
        .select_related("department")
        .first()
    )
    return row.department if row else None


def filing_department(target: Target, user: User) -> Department:
    """The department ``user`` files ``target``'s progress for, or ``NotPermitted`` (403) when
    the user may not file on it now — asked before a page shows the form (Art. 14, 16)."""
    department = reporting_department_for(target, user)
    if department is None:
        raise NotPermitted(_("只有牵头部门和配合部门可以填报该目标的进展。"))
    if target.state != Target.State.EXECUTING:
        raise NotPermitted(_("只有执行中的目标可以填报进展。"))
    return department


def require_may_edit(report: ProgressReport, user: User) -> None:
    """``NotPermitted`` (403) unless ``user`` may edit ``report`` now (before the form shows)."""
    if not perms.may_edit(report, user):
        raise NotPermitted(_("该进展报告当前不能由您修改。"))


def require_may_verify(report: ProgressReport, user: User) -> None:
    """``NotPermitted`` (403) unless ``user`` may verify reports; ``Conflict`` (409) when
    ``report`` no longer awaits 审核 — asked by the page before it shows refused input again."""
    _require_permission(report, "verify", user)
    if report.state != ProgressReport.State.SUBMITTED:
        raise Conflict(_not_awaiting_verification(report))


def _not_awaiting_verification(report: ProgressReport) -> str:
    return _("进展报告当前为“%(state)s”状态，不能审核（可能已被他人处理，请刷新）。") % {
        "state": report.get_state_display()
    }


@transaction.atomic
def progress_report_create(
    *,
    target: Target,
    by: User,
    period_start,
    data: ReportInput,
    department: Department | None = None,
    files=(),
) -> ProgressReport:
    """Draft a progress report for ``target`` and a period (Art. 14; Art. 16 for a cooperating
    department's task report). Refused — nothing saved — for a target not in execution, a period
    that has not started, or a second report of the same department for the same period.

    Side effects: the evidence files are stored; an audit row in the target's scope."""
    target = Target.objects.select_related("plan_year", "lead_department").get(pk=target.pk)
    department = department or reporting_department_for(target, by)
    if department is None or not perms.may_file(by, department_id=department.pk):
        raise NotPermitted(
            _("只有牵头部门和配合部门的填报员、负责人可以填报目标“%(code)s”的进展。")
            % {"code": target.code}
        )
    kind = perms.report_kind_for(
        target,
        department.pk,
        set(
            TargetDepartment.objects.filter(
                target=target, role=TargetDepartment.Role.COOPERATING
            ).values_list("department_id", flat=True)
        ),
    )
    if kind is None:
        raise NotPermitted(
            _("%(dept)s不是目标“%(code)s”的牵头部门或配合部门，不能填报其进展。")
            % {"dept": department.name, "code": target.code}
        )
    if target.state != Target.State.EXECUTING:
        raise ValidationFailed(
            _("目标“%(code)s”当前为“%(state)s”状态，只有执行中的目标可以填报进展。")
            % {"code": target.code, "state": target.get_state_display()}
        )
    period = periods.period_starting(target.plan_year, period_start)
    if period is None:
        message = _("请选择%(year)s年度的报告期。") % {"year": target.plan_year.year}
        raise ValidationFailed(message, field_errors={"period": [message]})
    if period.start > clock.today():
        message = _("%(period)s尚未开始，不能填报该期进展。") % {"period": period.label}
        raise ValidationFailed(message, field_errors={"period": [message]})
    if ProgressReport.objects.filter(
        target=target, department=department, period_start=period.start
    ).exists():
        message = _("%(dept)s已填报目标“%(code)s”%(period)s的进展报告，请在原报告上修改。") % {
            "dept": department.name,
            "code": target.code,
            "period": period.label,
        }
        raise ValidationFailed(message, field_errors={"period": [message]})
    errors = _input_errors(data, target=target, kind=kind)
    if errors:
        raise ValidationFailed(_("进展报告未保存，请更正标出的问题。"), field_errors=errors)
    checked = _check_files(0, files)
    now = clock.now()
    report = ProgressReport(
        target=target,
        department=department,
        kind=kind,
        period_start=period.start,
        period_end=period.end,
        due_date=periods.report_due_date(target.plan_year, period),
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    _apply(report, data, target)
    try:
        # A savepoint, so a concurrent duplicate leaves the outer transaction usable.
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        message = _("%(dept)s已填报该期进展报告，请刷新后在原报告上修改。") % {
            "dept": department.name
        }
        raise ValidationFailed(message, field_errors={"period": [message]}) from exc
    names = _store_files(report, checked, by)
    changes = {k: [None, v] for k, v in report_snapshot(report).items() if v not in (None, "")}
    if names:
        changes["evidence"] = [None, names]
    audit_record(
        actor=by, obj=report, action=AuditEvent.Action.CREATE, changes=changes, scope=target
    )
    notices.report_ready(report, by)
    return report


def _lock(report: ProgressReport) -> ProgressReport:
    # The row lock serialises two people acting on one report: the second waits, then sees the
    # first one's result (and is told so) instead of overwriting it.
    return lock(
        report,
        queryset=ProgressReport.objects.select_related(
            "target__plan_year", "target__lead_department", "department"
        ),
    )


@transaction.atomic
def progress_report_update(
    *,
    report: ProgressReport,
    by: User,
    data: ReportInput,
    files=(),
    expected_version: int | None = None,
) -> ProgressReport:
    """Change a draft or returned report; add evidence files. Side effects: an audit row with
    before/after of each changed field."""
    report = _lock(report)
    if not perms.may_edit(report, by):
        if report.state not in ProgressReport.EDITABLE_STATES:
            raise NotPermitted(
                _("进展报告已%(state)s，不能修改。") % {"state": report.get_state_display()}
            )
        raise NotPermitted(_("您无权修改该进展报告。"))
    if expected_version is not None and expected_version != report.version:
        raise Conflict(_("该进展报告已被他人修改，请刷新页面后再编辑。"))
    errors = _input_errors(data, target=report.target, kind=report.kind)
    if errors:
        raise ValidationFailed(_("进展报告未保存，请更正标出的问题。"), field_errors=errors)
    checked = _check_files(report.evidence.count(), files)
    before = report_snapshot(report)
    _apply(report, data, report.target)
    changes = audit_diff(before, report_snapshot(report))
    names = _store_files(report, checked, by)
    if names:
        changes["evidence"] = [None, names]
    if not changes:
        return report
    report.version += 1
    report.updated_at = clock.now()
    report.save(
        update_fields=[
            "actual_value",
            "percent_complete",
            "narrative",
            "problems",
            "next_steps",
            "version",
            "updated_at",
        ]
    )
    audit_record(
        actor=by, obj=report, action=AuditEvent.Action.UPDATE, changes=changes, scope=report.target
    )
    if report.state == ProgressReport.State.RETURNED:
        notices.report_ready(report, by)  # corrected after a return: ready again
    return report


def _transition(report: ProgressReport, by: User, name: str, *, comment: str = "", **fields):
    """The report's step through the one transition path (``transition_apply``), with this
    stage's words for a refused or raced step. ``report`` is the locked row."""
    return transition_apply(
        report,
        name,
        by=by,
        comment=comment,
        locked=True,
        **fields,
        forbidden=_forbidden(name),
        refused=_("进展报告当前为“%(state)s”状态，不能执行此操作（可能已被他人处理，请刷新）。")
        % {"state": report.get_state_display()},
        raced=_("该进展报告已被他人处理，请刷新后查看。"),
    )


def _forbidden(name: str) -> str:
    return {
        "submit": _("只有本部门主要负责人可以报送进展报告。"),
        "verify": _("只有目标办或督查室可以审核进展报告。"),
        "return_to_department": _("只有目标办或督查室可以退回进展报告。"),
    }[name]


def _require_permission(report: ProgressReport, name: str, by: User) -> None:
    """Asked before any input is read: who may never do it hears 403, not a 400 about a field."""
    require_transition_permission(report, name, by, message=_forbidden(name))


def _event(report: ProgressReport, name: str) -> AuditEvent:
    """The audit event the transition ``name`` just wrote (notifications are keyed by it)."""
    return AuditEvent.objects.for_object(report).with_action(report, name).latest("pk")


def _check_comment(comment: str, *, key="comment") -> str:
    comment = (comment or "").strip()
    if len(comment) > TEXT_MAX_LENGTH:
        message = _("不能超过%(n)s字。") % {"n": TEXT_MAX_LENGTH}
        raise ValidationFailed(message, field_errors={key: [message]})
    return comment


@transaction.atomic
def progress_report_submit(
    *, report: ProgressReport, by: User, comment: str = ""
) -> ProgressReport:
    """报送: the head of the reporting department signs the report off (Art. 14, 15). A report
    sent after its due date is marked late. While the target is red and its lead department has
    not explained why, its main report is not accepted (the explanation comes first)."""
    report = _lock(report)
    _require_permission(report, "submit", by)
    comment = _check_comment(comment)
    if (
        report.kind == ProgressReport.Kind.MAIN
        and report.state in ProgressReport.EDITABLE_STATES
        and explanation_required(report.target)
    ):
        raise ValidationFailed(
            _("目标“%(code)s”处于红色预警，须先填报原因说明和整改措施，再报送进展报告。")
            % {"code": report.target.code}
        )
    now = clock.now()
    report = _transition(
        report,
        by,
        "submit",
        comment=comment,
        values={"is_late": clock.today() > report.due_date},
        stamps={"submitted_by": by, "submitted_at": now, "updated_at": now},
    )
    notices.report_submitted(report)
    return report


def _values_differ(a, b) -> bool:
    return a is not None and b is not None and Decimal(a) != Decimal(b)


@transaction.atomic
def progress_report_verify(
    *,
    report: ProgressReport,
    by: User,
    verified_value: Decimal | None = None,
    verified_percent: Decimal | None = None,
    reason: str = "",
    comment: str = "",
    milestone_status: str | None = None,
) -> ProgressReport:
    """审核: the general office (or the supervision office) accepts the reported values as
    verified (审核值), or records different ones with a reason (Art. 14). Reported and verified
    values are both kept.

    The node target of the quarter this report closes is set from the verified report: as the
    office says, or — for a quantitative target with an expected value — by comparing the
    verified value with it. Side effects: audit rows (report and node target) in the target's
    scope; the early warning is recomputed after commit."""
    _require_permission(report, "verify", by)
    report = _lock(report)
    # The state before the input: a report someone else verified first is 409, not a 400.
    if report.state != ProgressReport.State.SUBMITTED:
        raise Conflict(_not_awaiting_verification(report))
    target = report.target
    reason = _check_comment(reason, key="reason")
    comment = _check_comment(comment)
    if verified_value is None:
        verified_value = report.actual_value
    if verified_percent is None:
        verified_percent = report.percent_complete
    errors: dict[str, list[str]] = {}
    if target.kind != Target.Kind.QUANTITATIVE:
        verified_value = None
    elif verified_value is not None:
        message = decimal_error(verified_value, ProgressReport._meta.get_field("verified_value"))
        if message:
            errors["verified_value"] = [message]
    if verified_percent is not None and not (0 <= verified_percent <= 100):
        errors["verified_percent"] = [_("审核进度须在0至100之间。")]
    differs = _values_differ(verified_value, report.actual_value) or _values_differ(
        verified_percent, report.percent_complete
    )
    if differs and not reason:
        errors["reason"] = [_("审核值与填报值不同，须写明调整理由。")]
    if milestone_status not in (None, "", *Milestone.Status.values):
        errors["milestone_status"] = [_("请选择有效的节点目标完成情况。")]
    if errors:
        raise ValidationFailed(_("未审核，请更正标出的问题。"), field_errors=errors)
    values = {
        "verified_value": column_value(
            verified_value, ProgressReport._meta.get_field("verified_value")
        ),
        "verified_percent": column_value(
            verified_percent, ProgressReport._meta.get_field("verified_percent")
        ),
        "verification_reason": reason if differs else "",
    }
    now = clock.now()
    report = _transition(
        report,
        by,
        "verify",
        comment=reason or comment,
        values=values,
        stamps={
            "verification_comment": comment,
            "verified_by": by,
            "verified_at": now,
            "updated_at": now,
        },
    )
    if differs:
        # Art. 14: the department learns the verified value and why (issue 7: one path).
        notices.report_verified_different(report, _event(report, "verify"))
    if report.kind == ProgressReport.Kind.MAIN:
        _milestone_from_report(report, by, milestone_status or None)
    _queue_recompute()
    return report


def _milestone_from_report(report: ProgressReport, by: User, status: str | None) -> None:
    target = report.target
    period = periods.period_starting(target.plan_year, report.period_start)
    if period is None or not period.ends_quarter:
        return
    milestone = (
        Milestone.objects.select_for_update().filter(target=target, quarter=period.quarter).first()
    )
    if milestone is None:
        return
    if status is None and target.kind == Target.Kind.QUANTITATIVE:
        if milestone.expected_value is None or report.verified_value is None:
            return
        if target.direction == Target.Direction.LOWER:
            met = report.verified_value <= milestone.expected_value
        else:
            met = report.verified_value >= milestone.expected_value
        status = Milestone.Status.ACHIEVED if met else Milestone.Status.MISSED
    if status is None or status == milestone.status:
        return
    _set_milestone(
        milestone,
        by,
        status,
        _("依据%(period)s进展报告的审核结果。") % {"period": period.label},
    )


def _set_milestone(milestone: Milestone, by: User, status: str, reason: str) -> None:
    before = milestone.status
    milestone.status = status
    milestone.save(update_fields=["status"])
    audit_record(
        actor=by,
        obj=milestone,
        action=AuditEvent.Action.UPDATE,
        changes={"status": [before, status]},
        comment=reason,
        scope=milestone.target,
    )


@transaction.atomic
def milestone_set_status(*, milestone: Milestone, by: User, status: str, reason: str) -> Milestone:
    """The general office (or supervision office) sets a node target achieved, missed or back to
    pending, always with a reason — never silently. Side effects: audit row in the target's
    scope; warning recomputed after commit."""
    if not perms.may_set_milestone_status(by):
        raise NotPermitted(_("只有目标办或督查室可以认定节点目标完成情况。"))
    milestone = Milestone.objects.select_for_update().select_related("target").get(pk=milestone.pk)
    errors = {}
    if status not in Milestone.Status.values:
        errors["status"] = [_("请选择有效的节点目标完成情况。")]
    reason = _check_comment(reason, key="reason")
    if not reason:
        errors["reason"] = [_("请写明认定理由。")]
    if milestone.target.state != Target.State.EXECUTING:
        raise ValidationFailed(_("只有执行中目标的节点目标可以认定完成情况。"))
    if errors:
        raise ValidationFailed(_("未保存，请更正标出的问题。"), field_errors=errors)
    if status == milestone.status:
        raise ValidationFailed(
            _("节点目标已是“%(s)s”。") % {"s": Milestone.Status(milestone.status).label},
            field_errors={"status": [_("完成情况没有变化。")]},
        )
    _set_milestone(milestone, by, status, reason)
    _queue_recompute()
    return milestone


@transaction.atomic
def progress_report_return(*, report: ProgressReport, by: User, comment: str) -> ProgressReport:
    """退回: the office sends the report back to the department with its reasons."""
    _require_permission(report, "return_to_department", by)
    report = _lock(report)
    comment = _check_comment(comment)
    if not comment:
        message = _("退回时必须填写退回意见。")
        raise ValidationFailed(message, field_errors={"comment": [message]})
    report = _transition(
        report,
        by,
        "return_to_department",
        comment=comment,
        stamps={"return_comment": comment, "updated_at": clock.now()},
    )
    notices.report_returned(report, comment, _event(report, "return_to_department"))
    return report


@transaction.atomic
def warning_explanation_file(
    *, target: Target, by: User, explanation: str, remedy: str
) -> WarningExplanation:
    """红色预警说明: the lead department explains a red warning and states its remedy; only then
    is its next progress report accepted. Side effects: audit row in the target's scope."""
    if not perms.may_explain(target, by):
        raise NotPermitted(_("只有牵头部门可以填报红色预警说明。"))
    target = Target.objects.select_for_update().get(pk=target.pk)
    snapshot = WarningSnapshot.objects.filter(target=target).order_by("-period_start").first()
    if snapshot is None or snapshot.level != WarningSnapshot.Level.RED or not snapshot.red_since:
        raise ValidationFailed(_("目标“%(code)s”当前不是红色预警。") % {"code": target.code})
    errors = {}
    explanation = _check_comment(explanation, key="explanation")
    remedy = _check_comment(remedy, key="remedy")
    if not explanation:
        errors["explanation"] = [_("请说明红色预警的原因。")]
    if not remedy:
        errors["remedy"] = [_("请填写整改措施。")]
    if errors:
        raise ValidationFailed(_("未保存，请更正标出的问题。"), field_errors=errors)
    if WarningExplanation.objects.filter(target=target, red_since=snapshot.red_since).exists():
        raise ValidationFailed(_("本次红色预警已填报说明。"))
    item = WarningExplanation.objects.create(
        target=target,
        red_since=snapshot.red_since,
        explanation=explanation,
        remedy=remedy,
        filed_by=by,
        filed_at=clock.now(),
    )
    audit_record(
        actor=by,
        obj=item,
        action=AuditEvent.Action.CREATE,
        changes={"explanation": [None, explanation], "remedy": [None, remedy]},
        scope=target,
    )
    return item
