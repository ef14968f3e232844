"""Who execution's events tell, through ``notifications.services.notify`` — the one path (issue 7
item 3: in-app, and e-mail after commit where the user chose it for the kind).

Called by the services inside the event's transaction, after its audit row: the notification
commits or rolls back with the event. Each key names the audit event (or, for what happens once
in an object's life, the object), so a repeated call adds nothing.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.access import Role
from accounts.models import User
from notifications.services import Message, notifications_settle, notify, notify_each
from targets.services import plain_value

from . import reminders as kinds

DEPARTMENT_ROLES = (Role.STAFF, Role.HEAD)


def _members(*department_ids, roles=DEPARTMENT_ROLES) -> list[User]:
    return list(
        User.objects.filter(
            memberships__department_id__in=[d for d in department_ids if d],
            memberships__role__in=roles,
        ).distinct()
    )


def _target_url(target, anchor=""):
    return reverse("targets:target_detail", args=[target.pk]) + anchor


def report_returned(report, comment: str, event) -> None:
    """退回: the department that filed the report (for a main report, the lead department)."""
    target = report.target
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【进展报告退回】%(code)s %(title)s") % {
            "code": target.code,
            "title": target.title,
        }
        body = _("您部门报送的进展报告（%(period)s）已被退回修改。\n\n退回意见：%(comment)s") % {
            "period": report.period_start.isoformat(),
            "comment": comment,
        }
    notify(
        recipients=_members(report.department_id),
        kind=kinds.REPORT_RETURNED,
        title=title,
        body=body,
        url=_target_url(target, "#progress"),
        obj=report,
        key=f"progress_report_returned:{event.pk}",
    )


def report_ready(report, by) -> None:
    """已保存，待负责人报送 (issue 19 item 2): staff saved a report; the department's head, who
    signs it off (Art. 15), is told it waits for them. Once per report and version."""
    heads = [u for u in _members(report.department_id, roles=(Role.HEAD,)) if u.pk != by.pk]
    if not heads:
        return
    target = report.target
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【待报送】%(code)s %(title)s") % {"code": target.code, "title": target.title}
        body = _("%(who)s已保存进展报告（%(period)s），待您审阅后报送。") % {
            "who": by.display_name or by.username,
            "period": report.period_start.isoformat(),
        }
    notify(
        recipients=heads,
        kind=kinds.REPORT_READY,
        title=title,
        body=body,
        url=reverse("execution:handoff"),
        obj=report,
        key=f"progress_report_ready:{report.pk}:{report.version}",
    )


def report_submitted(report) -> None:
    """The head submitted it: the 已保存待报送 notices about it are settled."""
    notifications_settle(kind=kinds.REPORT_READY, obj=report)


def _shown(value, percent) -> str:
    """The value as people write it (6.1, not 6.1000), or the percent complete."""
    if value is not None:
        return str(plain_value(value))
    return f"{plain_value(percent)}%" if percent is not None else "—"


def report_verified_different(report, event) -> None:
    """审核值与填报值不同 (Art. 14): the department that filed the report is told the verified
    value and the reason."""
    target = report.target
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【审核值调整】%(code)s %(title)s") % {"code": target.code, "title": target.title}
        body = _(
            "您部门报送的进展报告（%(period)s）已审核，审核值与填报值不同。\n\n"
            "填报值：%(reported)s；审核值：%(verified)s\n调整理由：%(reason)s"
        ) % {
            "period": report.period_start.isoformat(),
            "reported": _shown(report.actual_value, report.percent_complete),
            "verified": _shown(report.verified_value, report.verified_percent),
            "reason": report.verification_reason,
        }
    notify(
        recipients=_members(report.department_id),
        kind=kinds.REPORT_VERIFIED_DIFFERENT,
        title=title,
        body=body,
        url=_target_url(target, "#progress"),
        obj=report,
        key=f"progress_report_verified:{event.pk}",
    )


def adjustment_decided(adjustment, event) -> None:
    """批准 / 不予批准 (Art. 12): the head who requested the adjustment."""
    target = adjustment.target
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【调整申请%(decision)s】%(code)s %(title)s") % {
            "decision": adjustment.get_state_display(),
            "code": target.code,
            "title": target.title,
        }
        body = _("您提出的目标调整申请%(decision)s。\n\n审批意见：%(comment)s") % {
            "decision": adjustment.get_state_display(),
            "comment": adjustment.decision_comment or "—",
        }
    notify(
        recipients=[adjustment.requested_by_id],
        kind=kinds.ADJUSTMENT_DECIDED,
        title=title,
        body=body,
        url=_target_url(target, "#adjustments"),
        obj=adjustment,
        key=f"adjustment_decided:{adjustment.pk}",
    )


def completion_decided(report, event) -> None:
    """办结审核通过 / 退回 (Art. 14): the lead department."""
    target = report.target
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【办结审核：%(decision)s】%(code)s %(title)s") % {
            "decision": report.get_state_display(),
            "code": target.code,
            "title": target.title,
        }
        body = _("您部门报送的办结报告%(decision)s。\n\n审核意见：%(comment)s") % {
            "decision": report.get_state_display(),
            "comment": report.review_comment or "—",
        }
    notify(
        recipients=_members(report.department_id),
        kind=kinds.COMPLETION_DECIDED,
        title=title,
        body=body,
        url=_target_url(target, "#completion"),
        obj=report,
        key=f"completion_decided:{report.pk}",
    )


def _coordination_url(item_id):
    return reverse("execution:coordination_detail", args=[item_id])


def coordination_escalated(rows) -> None:
    """提请市领导协调 (Art. 16–17): each item's vice-mayor, who reads the items escalated to them
    (``visible_coordination_items``). ``rows``: (item, target code, target title, raising
    department, leader id) — set-based, for the daily escalation of every overdue item."""
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            Message(
                recipient_id=leader_id,
                title=_("【提请协调】%(subject)s") % {"subject": item.subject},
                body=_(
                    "%(department)s就目标“%(code)s %(title)s”提出的需协调事项“%(subject)s”"
                    "（协调时限 %(due)s）已提请您协调。"
                )
                % {
                    "department": department,
                    "code": code,
                    "title": title,
                    "subject": item.subject,
                    "due": item.due_date.isoformat(),
                },
                url=_coordination_url(item.pk),
                obj=item,
                # An item is escalated once in its life (open → escalated).
                key=f"coordination_escalated:{item.pk}",
            )
            for item, code, title, department, leader_id in rows
            if leader_id
        ]
    notify_each(kind=kinds.COORDINATION_ESCALATED, messages=messages)


def coordination_resolved(item, by) -> None:
    """协调解决: the raising department and the departments asked to help, and the vice-mayor if
    it was escalated — not the person who recorded the result."""
    department_ids = [item.raising_department_id, *item.departments.values_list("pk", flat=True)]
    recipients = [u for u in _members(*department_ids) if u.pk != by.pk]
    if item.leader_id and item.escalated_at and item.leader_id != by.pk:
        recipients.append(item.leader)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【协调已解决】%(subject)s") % {"subject": item.subject}
        body = _("需协调事项“%(subject)s”已确认解决。\n\n协调结果：%(resolution)s") % {
            "subject": item.subject,
            "resolution": item.resolution,
        }
    notify(
        recipients=recipients,
        kind=kinds.COORDINATION_RESOLVED,
        title=title,
        body=body,
        url=_coordination_url(item.pk),
        obj=item,
        key=f"coordination_resolved:{item.pk}",
    )


def _correction_url(correction):
    return reverse("execution:correction_detail", args=[correction.pk])


def correction_requested(correction) -> None:
    """申请更正 (Art. 14): the general office, which decides it."""
    report, target = correction.report, correction.report.target
    office = list(
        User.objects.filter(memberships__role=Role.GENERAL_OFFICE, is_active=True).distinct()
    )
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【进展更正申请】%(code)s %(title)s") % {
            "code": target.code,
            "title": target.title,
        }
        body = _(
            "%(department)s申请更正已审核的进展报告（%(period)s）。\n\n"
            "原审核值：%(old)s；申请更正为：%(new)s\n更正理由：%(reason)s"
        ) % {
            "department": correction.department,
            "period": report.period_start.isoformat(),
            "old": _shown(correction.old_value, correction.old_percent),
            "new": _shown(correction.new_value, correction.new_percent),
            "reason": correction.reason,
        }
    notify(
        recipients=office,
        kind=kinds.CORRECTION_REQUESTED,
        title=title,
        body=body,
        url=_correction_url(correction),
        obj=report,
        key=f"correction_requested:{correction.pk}",
    )


def correction_decided(correction) -> None:
    """批准更正 / 不予更正: the department that asked."""
    report, target = correction.report, correction.report.target
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【进展更正%(decision)s】%(code)s %(title)s") % {
            "decision": correction.get_state_display(),
            "code": target.code,
            "title": target.title,
        }
        body = _(
            "您部门对进展报告（%(period)s）的更正申请%(decision)s。\n\n审批意见：%(comment)s"
        ) % {
            "period": report.period_start.isoformat(),
            "decision": correction.get_state_display(),
            "comment": correction.decision_comment or "—",
        }
    notify(
        recipients=_members(correction.department_id),
        kind=kinds.CORRECTION_DECIDED,
        title=title,
        body=body,
        url=_correction_url(correction),
        obj=report,
        key=f"correction_decided:{correction.pk}",
    )
