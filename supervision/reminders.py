"""What supervision contributes to notifications (issue 7): reminder sources for order deadlines
(Shanghai Art. 18; efficiency opinions 六.1 限期报告) and rectification deadlines (保障措施: 问题
清单与整改), read checks through supervision's own selectors, and the kinds of notification
supervision sends. Registered from ``SupervisionConfig.ready()``.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.access import Role
from notifications.reminders import DueItem

from .models import Finding, OrderAddressee, SupervisionOrder
from .selectors import visible_findings, visible_orders

ORDER_ISSUED = "supervision_order_issued"
ORDER_SENT_BACK = "supervision_order_sent_back"
ORDER_CLOSED = "supervision_order_closed"
ORDER_REPLIED = "supervision_order_replied"
FINDING_ASSIGNED = "finding_assigned"
FINDING_REJECTED = "finding_rejected"
FINDING_VERIFIED = "finding_verified"

KINDS = (
    (ORDER_ISSUED, _("收到督办单"), 70),
    (ORDER_SENT_BACK, _("督办单退回重办"), 71),
    (ORDER_CLOSED, _("督办单办结"), 72),
    (ORDER_REPLIED, _("督办单收到答复"), 73),
    (FINDING_ASSIGNED, _("交办整改问题"), 74),
    (FINDING_REJECTED, _("整改验收未通过"), 75),
    (FINDING_VERIFIED, _("整改问题销号"), 76),
)

# Staff and the head of the addressed / responsible department answer and rectify.
OWNERS = (Role.STAFF, Role.HEAD)


def _readers(selector):
    def check(obj, users):
        return [u for u in users if selector(u).filter(pk=obj.pk).exists()]

    return check


READ_CHECKS = (
    (SupervisionOrder, _readers(visible_orders)),
    (Finding, _readers(visible_findings)),
)


def _pattern(name: str) -> str:
    marker = 987654321
    return reverse(name, args=[marker]).replace(str(marker), "{}")


def orders_awaiting_reply(due_dates) -> list[DueItem]:
    """Each addressed department that has not replied this round to an order awaiting replies,
    whose deadline is one of ``due_dates`` (an addressed department reads its order). One
    query."""
    rows = (
        OrderAddressee.objects.filter(
            answered=False,
            order__state__in=SupervisionOrder.AWAITING_REPLY,
            order__deadline__in=list(due_dates),
        )
        .order_by()
        .values_list(
            "order_id",
            "order__round",
            "order__deadline",
            "order__code",
            "order__title",
            "department_id",
            "department__name",
        )
    )
    pattern = _pattern("supervision:order_detail")
    return [
        DueItem(
            object_id=order_id,
            due_date=deadline,
            department_id=dept_id,
            department_name=dept_name,
            title=f"{code} {title}",
            url=pattern.format(order_id),
            # A send-back opens a new round: the departments owe a reply again, reminded anew.
            instance=f"round{round_}",
        )
        for order_id, round_, deadline, code, title, dept_id, dept_name in rows
    ]


def findings_to_rectify(due_dates) -> list[DueItem]:
    """Findings the responsible department still owes (open, plan filed, or rejected — not yet
    rectified nor verified) whose rectification deadline is one of ``due_dates``. One query."""
    rows = (
        Finding.objects.filter(state__in=Finding.AWAITING_DEPARTMENT, deadline__in=list(due_dates))
        .order_by()
        .values_list(
            "pk",
            "deadline",
            "code",
            "title",
            "responsible_department_id",
            "responsible_department__name",
        )
    )
    pattern = _pattern("supervision:finding_detail")
    return [
        DueItem(
            object_id=pk,
            due_date=deadline,
            department_id=dept_id,
            department_name=dept_name,
            title=f"{code} {title}",
            url=pattern.format(pk),
        )
        for pk, deadline, code, title, dept_id, dept_name in rows
    ]
