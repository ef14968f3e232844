"""问题清单与整改 services (efficiency opinions 保障措施 三: 问题清单制度，明确牵头领导和责任单位;
六.6: 限期整改).

open → plan filed → rectified → verified, or rejected back to the department, which then files
a new plan or a new report. Only the responsible department rectifies; only the general office
and the supervision office record and verify.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from audit.models import AuditEvent
from targets.models import PlanYear
from workflow.transitions import require_transition_permission, transition_apply

from .. import notices
from .. import reminders as kinds
from ..models import ExternalInput, Finding, Inspection, Rectification, SupervisionOrder
from .common import (
    Errors,
    audit_in_scope,
    check_evidence,
    clean_choice,
    clean_targets,
    clean_text,
    lock_plan_year,
    next_number,
    require_supervising,
    resolve_deadline,
    step_event,
)


def _not_supervising() -> str:
    return _("只有市政府办公厅（目标办）和督查室可以登记和验收问题。")


def require_may_record(user: User) -> None:
    """403 unless ``user`` may record findings; pages and the API ask before reading input."""
    require_supervising(user, _("只有市政府办公厅（目标办）和督查室可以登记问题。"))


def _lock(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().select_related("plan_year").get(pk=finding.pk)


def _refused(finding, action_label):
    return _(
        "问题“%(code)s”当前为“%(state)s”状态，不能%(action)s（可能已被他人处理，请刷新）。"
    ) % {"code": finding.code, "state": finding.get_state_display(), "action": action_label}


@transaction.atomic
def finding_record(
    *,
    by: User,
    plan_year: PlanYear,
    source: str,
    title: str,
    description: str,
    responsible_department: Department | None,
    deadline: datetime.date | None = None,
    days: int | None = None,
    responsible_leader: str = "",
    targets=(),
    inspection: Inspection | None = None,
    order: SupervisionOrder | None = None,
    external_input: ExternalInput | None = None,
) -> Finding:
    """登记问题: a problem found by an inspection, an order, an external input, an audit or a
    leader, with the responsible department (required), its leader and a deadline."""
    require_may_record(by)
    errors = Errors()
    clean_choice(errors, "source", source, Finding.Source, label=_("问题来源"))
    title = clean_text(errors, "title", title, label=_("问题"), max_length=200)
    description = clean_text(errors, "description", description, label=_("问题描述"))
    responsible_leader = clean_text(
        errors,
        "responsible_leader",
        responsible_leader,
        label=_("牵头领导"),
        required=False,
        max_length=50,
    )
    if responsible_department is None:
        errors.add("responsible_department", _("请指定问题的责任单位。"))
    elif not responsible_department.is_active:
        errors.add("responsible_department", _("责任单位已停用。"))
    targets = clean_targets(errors, "targets", targets, plan_year=plan_year)
    # The record the finding came from, when it came from one.
    linked = {
        Finding.Source.INSPECTION: ("inspection", inspection, _("来源检查")),
        Finding.Source.ORDER: ("order", order, _("来源督办单")),
        Finding.Source.EXTERNAL_INPUT: ("external_input", external_input, _("来源外部监督事项")),
    }.get(source)
    if linked and linked[1] is None:
        errors.add(linked[0], _("请选择%(label)s。") % {"label": linked[2]})
    for obj in (inspection, order, external_input):
        if obj is not None and obj.plan_year_id != plan_year.pk:
            errors.add("source", _("来源记录不属于%(year)s年度。") % {"year": plan_year.year})
    deadline = resolve_deadline(errors, deadline=deadline, days=days)
    errors.raise_if_any(_("问题未登记，请更正标出的问题。"))

    plan_year = lock_plan_year(plan_year)
    number = next_number(Finding, plan_year)
    finding = Finding.objects.create(
        plan_year=plan_year,
        code=_("问〔%(year)s〕%(n)s号") % {"year": plan_year.year, "n": number},
        source=source,
        inspection=inspection if source == Finding.Source.INSPECTION else None,
        order=order if source == Finding.Source.ORDER else None,
        external_input=external_input if source == Finding.Source.EXTERNAL_INPUT else None,
        title=title,
        description=description,
        responsible_department=responsible_department,
        responsible_leader=responsible_leader,
        deadline=deadline,
        recorded_by=by,
    )
    finding.targets.set(targets)
    event = audit_in_scope(
        actor=by,
        obj=finding,
        action=AuditEvent.Action.CREATE,
        changes={
            "source": [None, source],
            "title": [None, title],
            "responsible_department": [None, str(responsible_department)],
            "deadline": [None, deadline.isoformat()],
            **({"responsible_leader": [None, responsible_leader]} if responsible_leader else {}),
        },
    )
    notices.finding_to_department(finding, kinds.FINDING_ASSIGNED, event)
    return finding


def _department_step(finding, by, name, kind, body, evidence, *, label, body_label):
    finding = _lock(finding)
    forbidden = _("只有问题的责任单位可以报送整改材料。")
    require_transition_permission(finding, name, by, message=forbidden)
    errors = Errors()
    body = clean_text(errors, "body", body, label=body_label)
    checked = check_evidence(errors, "evidence", evidence)
    errors.raise_if_any(_("未报送，请更正标出的问题。"))
    evidence_name = checked.display_name if checked else ""
    finding = transition_apply(
        finding,
        name,
        by=by,
        comment=body,
        changes={"evidence": [None, evidence_name]} if evidence_name else {},
        locked=True,
        forbidden=forbidden,
        refused=_refused(finding, label),
    )
    record = Rectification(
        finding=finding,
        kind=kind,
        body=body,
        department=finding.responsible_department,
        filed_by=by,
        evidence_name=evidence_name,
    )
    if checked:
        record.evidence.save(checked.display_name, evidence, save=False)
    record.save()
    return record


@transaction.atomic
def finding_file_plan(*, finding: Finding, by: User, body: str, evidence=None) -> Rectification:
    """报送整改方案: the responsible department's plan (measures, people, dates)."""
    return _department_step(
        finding,
        by,
        "file_plan",
        Rectification.Kind.PLAN,
        body,
        evidence,
        label=_("报送整改方案"),
        body_label=_("整改方案"),
    )


@transaction.atomic
def finding_report_rectified(
    *, finding: Finding, by: User, body: str, evidence=None
) -> Rectification:
    """报送整改情况: what was done, with evidence, for the supervision office to verify."""
    return _department_step(
        finding,
        by,
        "report_rectified",
        Rectification.Kind.REPORT,
        body,
        evidence,
        label=_("报送整改情况"),
        body_label=_("整改情况"),
    )


def _verification(finding, by, name, label, comment, *, comment_required):
    finding = _lock(finding)
    require_transition_permission(finding, name, by, message=_not_supervising())
    errors = Errors()
    comment = clean_text(errors, "comment", comment, label=_("验收意见"), required=comment_required)
    errors.raise_if_any()
    finding = transition_apply(
        finding,
        name,
        by=by,
        comment=comment,
        stamps={"verified_at": timezone.now()} if name == "verify" else None,
        locked=True,
        forbidden=_not_supervising(),
        refused=_refused(finding, label),
    )
    event = step_event(finding)
    kind = kinds.FINDING_VERIFIED if name == "verify" else kinds.FINDING_REJECTED
    notices.finding_to_department(finding, kind, event, comment=comment)
    return finding


@transaction.atomic
def finding_verify(*, finding: Finding, by: User, comment: str = "") -> Finding:
    """验收通过，销号: the rectification is accepted and the problem closed."""
    return _verification(finding, by, "verify", _("验收"), comment, comment_required=False)


@transaction.atomic
def finding_reject(*, finding: Finding, by: User, comment: str) -> Finding:
    """验收不通过: back to the department, with the reasons (required)."""
    return _verification(finding, by, "reject", _("退回整改"), comment, comment_required=True)
