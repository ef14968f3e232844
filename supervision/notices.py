"""Who supervision's events tell, through ``notifications.services.notify`` — the one path (issue 7
item 3). Called by the services inside the event's transaction, after its audit row; each key
names that audit row, so a repeated call adds nothing.

- An order issued, sent back or closed: the addressed departments (staff and head), Art. 18.
- A reply received: the person who issued the order.
- A finding assigned, rejected or verified: the responsible department (保障措施: 问题清单).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.access import Role
from accounts.models import User
from notifications.services import notify

from . import reminders as kinds


def _members(department_ids) -> list[User]:
    return list(
        User.objects.filter(
            memberships__department_id__in=list(department_ids),
            memberships__role__in=(Role.STAFF, Role.HEAD),
        ).distinct()
    )


def _order_url(order):
    return reverse("supervision:order_detail", args=[order.pk])


def _finding_url(finding):
    return reverse("supervision:finding_detail", args=[finding.pk])


def order_to_departments(order, kind: str, event, *, comment: str = "") -> None:
    """下发 / 退回重办 / 办结: every addressed department."""
    with translation.override(settings.LANGUAGE_CODE):
        heading = {
            kinds.ORDER_ISSUED: _("【督办】%(code)s %(title)s"),
            kinds.ORDER_SENT_BACK: _("【督办退回重办】%(code)s %(title)s"),
            kinds.ORDER_CLOSED: _("【督办办结】%(code)s %(title)s"),
        }[kind] % {"code": order.code, "title": order.title}
        if kind == kinds.ORDER_ISSUED:
            body = _("%(kind)s：%(requirement)s\n\n办理时限：%(deadline)s") % {
                "kind": order.get_kind_display(),
                "requirement": order.requirement,
                "deadline": order.deadline.isoformat(),
            }
        elif kind == kinds.ORDER_SENT_BACK:
            body = _(
                "督办单位退回重办，请重新答复（办理时限：%(deadline)s）。\n\n退回理由：%(comment)s"
            ) % {
                "deadline": order.deadline.isoformat(),
                "comment": comment,
            }
        else:
            body = _("督办单已办结。%(comment)s") % {"comment": comment}
    notify(
        recipients=_members(a.department_id for a in order.addressees.all()),
        kind=kind,
        title=heading,
        body=body,
        url=_order_url(order),
        obj=order,
        key=f"{kind}:{event.pk}",
    )


def order_replied(order, reply, event) -> None:
    """答复: the person who issued the order."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【督办答复】%(department)s答复了%(code)s") % {
            "department": reply.department,
            "code": order.code,
        }
        body = _("%(department)s答复督办单“%(title)s”：\n\n%(body)s") % {
            "department": reply.department,
            "title": order.title,
            "body": reply.body,
        }
    notify(
        recipients=[order.issued_by_id],
        kind=kinds.ORDER_REPLIED,
        title=title,
        body=body,
        url=_order_url(order),
        obj=order,
        key=f"{kinds.ORDER_REPLIED}:{event.pk}",
    )


def finding_to_department(finding, kind: str, event, *, comment: str = "") -> None:
    """交办 / 验收未通过 / 销号: the responsible department."""
    with translation.override(settings.LANGUAGE_CODE):
        title = {
            kinds.FINDING_ASSIGNED: _("【整改交办】%(code)s %(title)s"),
            kinds.FINDING_REJECTED: _("【整改验收未通过】%(code)s %(title)s"),
            kinds.FINDING_VERIFIED: _("【整改销号】%(code)s %(title)s"),
        }[kind] % {"code": finding.code, "title": finding.title}
        if kind == kinds.FINDING_ASSIGNED:
            body = _("%(description)s\n\n整改时限：%(deadline)s") % {
                "description": finding.description,
                "deadline": finding.deadline.isoformat(),
            }
        elif kind == kinds.FINDING_REJECTED:
            body = _("整改验收未通过，请继续整改。\n\n验收意见：%(comment)s") % {"comment": comment}
        else:
            body = _("整改已验收通过，问题销号。%(comment)s") % {"comment": comment}
    notify(
        recipients=_members([finding.responsible_department_id]),
        kind=kind,
        title=title,
        body=body,
        url=_finding_url(finding),
        obj=finding,
        key=f"{kind}:{event.pk}",
    )
