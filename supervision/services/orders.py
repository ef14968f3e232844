"""督办单 services (Shanghai Art. 18; efficiency opinions 六.1: 限期报告制度、责任追究制度).

Each function: one transaction, permission first (403), then input (400) and state (409), a
row lock against concurrent steps; state changes through ``workflow.transitions.transition_apply``
(``update_fields`` saves, the audit row on the order and on the timeline of every target it is
about, ``SupervisionOrder.audit_scope``).
"""

import datetime
from itertools import groupby

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from audit.models import AuditEvent
from targets.models import PlanYear
from workflow.errors import NotPermitted, ValidationFailed
from workflow.transitions import require_transition_permission, transition_apply

from .. import notices
from .. import permissions as perms
from .. import reminders as kinds
from ..deadlines import deadline_after, today
from ..models import OrderAddressee, OrderReply, SupervisionOrder
from .common import (
    Errors,
    audit_in_scope,
    check_evidence,
    clean_choice,
    clean_coordination_items,
    clean_departments,
    clean_targets,
    clean_text,
    lock_plan_year,
    next_number,
    require_supervising,
    resolve_deadline,
    step_event,
    supervising_department,
)


def _not_issuer() -> str:
    return _("只有市政府办公厅（目标办）和督查室可以下发和办理督办单。")


def require_may_issue(user: User) -> None:
    """403 unless ``user`` may issue orders; pages and the API ask before reading any input."""
    require_supervising(user, _("只有市政府办公厅（目标办）和督查室可以下发督办单。"))


def _lock(order: SupervisionOrder) -> SupervisionOrder:
    # The row lock serialises concurrent steps on one order: the second waits, then sees the
    # first one's result (closed, sent back…) instead of overwriting it.
    return SupervisionOrder.objects.select_for_update().select_related("plan_year").get(pk=order.pk)


def _refused(order, action_label):
    return _(
        "督办单“%(code)s”当前为“%(state)s”状态，不能%(action)s（可能已被他人处理，请刷新）。"
    ) % {"code": order.code, "state": order.get_state_display(), "action": action_label}


@transaction.atomic
def order_issue(
    *,
    by: User,
    plan_year: PlanYear,
    kind: str,
    title: str,
    requirement: str,
    departments,
    targets=(),
    coordination_items=(),
    matter: str = "",
    deadline: datetime.date | None = None,
    days: int | None = None,
    responsible_leader: str = "",
) -> SupervisionOrder:
    """下发督办单 to one or more departments about targets, coordination items (Art. 16–17)
    and/or a matter.

    Side effects: one audit row per target concerned (its timeline shows the order)."""
    require_may_issue(by)
    errors = Errors()
    clean_choice(errors, "kind", kind, SupervisionOrder.Kind, label=_("督办类别"))
    title = clean_text(errors, "title", title, label=_("督办事项"), max_length=200)
    requirement = clean_text(errors, "requirement", requirement, label=_("督办要求"))
    matter = clean_text(errors, "matter", matter, label=_("事项说明"), required=False)
    responsible_leader = clean_text(
        errors,
        "responsible_leader",
        responsible_leader,
        label=_("责任领导"),
        required=False,
        max_length=50,
    )
    departments = clean_departments(errors, "departments", departments, label=_("承办部门"))
    targets = clean_targets(errors, "targets", targets, plan_year=plan_year)
    coordination_items = clean_coordination_items(
        errors, "coordination_items", coordination_items, plan_year=plan_year
    )
    if not targets and not coordination_items and not matter and not errors.errors.get("title"):
        # An order is about targets, coordination items, or a matter described in words
        # (Art. 18; issue 9 item 1).
        errors.add("matter", _("请选择涉及的目标或协调事项，或写明督办的事项。"))
    deadline = resolve_deadline(errors, deadline=deadline, days=days)
    errors.raise_if_any(_("督办单未下发，请更正标出的问题。"))

    plan_year = lock_plan_year(plan_year)
    number = next_number(SupervisionOrder, plan_year)
    order = SupervisionOrder.objects.create(
        plan_year=plan_year,
        code=_("督〔%(year)s〕%(n)s号") % {"year": plan_year.year, "n": number},
        kind=kind,
        title=title,
        matter=matter,
        requirement=requirement,
        issued_on=today(),
        deadline=deadline,
        responsible_leader=responsible_leader,
        issued_by=by,
        issuing_department=supervising_department(by),
    )
    OrderAddressee.objects.bulk_create(
        OrderAddressee(order=order, department=d) for d in departments
    )
    order.targets.set(targets)
    order.coordination_items.set(coordination_items)
    event = audit_in_scope(
        actor=by,
        obj=order,
        action=AuditEvent.Action.CREATE,
        changes={
            "kind": [None, kind],
            "title": [None, title],
            "requirement": [None, requirement],
            "departments": [None, [str(d) for d in departments]],
            "deadline": [None, deadline.isoformat()],
            **({"responsible_leader": [None, responsible_leader]} if responsible_leader else {}),
            **(
                {"coordination_items": [None, [i.subject for i in coordination_items]]}
                if coordination_items
                else {}
            ),
        },
    )
    notices.order_to_departments(order, kinds.ORDER_ISSUED, event)
    return order


@transaction.atomic
def orders_issue_for_targets(
    *,
    by: User,
    targets,
    kind: str,
    requirement: str,
    deadline: datetime.date | None = None,
    days: int | None = None,
    responsible_leader: str = "",
) -> list[SupervisionOrder]:
    """Bulk issue from a selection of targets (a red list, once execution's warning levels
    land): one order per lead department, about that department's targets. All or nothing."""
    require_may_issue(by)
    targets = sorted(
        {t.pk: t for t in targets}.values(), key=lambda t: (t.lead_department_id, t.pk)
    )
    if not targets:
        raise ValidationFailed(
            _("请至少选择一个目标。"), field_errors={"ids": [_("请至少选择一个目标。")]}
        )
    years = {t.plan_year_id for t in targets}
    if len(years) > 1:
        message = _("所选目标须属于同一年度。")
        raise ValidationFailed(message, field_errors={"ids": [message]})
    plan_year = targets[0].plan_year
    orders = []
    for _dept_id, group in groupby(targets, key=lambda t: t.lead_department_id):
        group = list(group)
        first = group[0]
        title = (
            _("关于“%(title)s”的督办") % {"title": first.title}
            if len(group) == 1
            else _("关于“%(title)s”等%(n)s项目标的督办") % {"title": first.title, "n": len(group)}
        )
        orders.append(
            order_issue(
                by=by,
                plan_year=plan_year,
                kind=kind,
                title=title[:200],
                requirement=requirement,
                departments=[first.lead_department],
                targets=group,
                deadline=deadline,
                days=days,
                responsible_leader=responsible_leader,
            )
        )
    return orders


def _replying_addressee(order, by, department: Department | None) -> OrderAddressee:
    mine = [
        a
        for a in order.addressees.select_related("department")
        if a.department_id in perms.answering_departments(by)
    ]
    if department is not None:
        mine = [a for a in mine if a.department_id == department.pk]
    if not mine:
        raise NotPermitted(_("只有督办单的承办部门可以答复。"))
    if len(mine) > 1:
        message = _("您属于多个承办部门，请选择以哪个部门答复。")
        raise ValidationFailed(message, field_errors={"department": [message]})
    return mine[0]


@transaction.atomic
def order_reply(
    *,
    order: SupervisionOrder,
    by: User,
    body: str,
    evidence=None,
    department: Department | None = None,
) -> OrderReply:
    """答复: an addressed department reports what it has done, with evidence. When every
    addressed department has answered this round, the order becomes 已答复.

    Side effects: the evidence file is stored; an audit row per target concerned."""
    order = _lock(order)
    require_transition_permission(order, "reply", by, message=_("只有督办单的承办部门可以答复。"))
    if order.state == SupervisionOrder.State.CLOSED:
        raise ValidationFailed(_("督办单“%(code)s”已办结，不能再答复。") % {"code": order.code})
    addressee = _replying_addressee(order, by, department)
    if order.state not in SupervisionOrder.AWAITING_REPLY or addressee.answered:
        raise ValidationFailed(
            _("本部门已答复督办单“%(code)s”，请等待督办单位办理。") % {"code": order.code}
        )
    errors = Errors()
    body = clean_text(errors, "body", body, label=_("办理情况"))
    checked = check_evidence(errors, "evidence", evidence)
    errors.raise_if_any(_("答复未提交，请更正标出的问题。"))

    reply = OrderReply(
        order=order,
        department=addressee.department,
        round=order.round,
        body=body,
        replied_by=by,
        evidence_name=checked.display_name if checked else "",
    )
    if checked:
        reply.evidence.save(checked.display_name, evidence, save=False)
    reply.save()
    now = timezone.now()
    addressee.answered = True
    addressee.last_replied_at = now
    addressee.save(update_fields=["answered", "last_replied_at"])
    changes = {
        "department": [None, str(addressee.department)],
        **({"evidence": [None, reply.evidence_name]} if reply.evidence_name else {}),
    }
    if order.addressees.filter(answered=False).exists():
        # Others still to answer: the reply is recorded, the order stays where it is.
        event = audit_in_scope(actor=by, obj=order, action="reply", comment=body, changes=changes)
    else:
        # The last reply of the round: 已答复.
        order = transition_apply(
            order,
            "reply",
            by=by,
            comment=body,
            changes=changes,
            locked=True,
            refused=_refused(order, _("答复")),
        )
        event = step_event(order)
    notices.order_replied(order, reply, event)
    return reply


@transaction.atomic
def order_close(*, order: SupervisionOrder, by: User, comment: str = "") -> SupervisionOrder:
    """办结: the issuer accepts the replies. Two people closing at once: one wins (row lock and
    ConcurrentTransitionMixin), the other is told it was already handled."""
    order = _lock(order)
    require_transition_permission(order, "close", by, message=_not_issuer())
    errors = Errors()
    comment = clean_text(errors, "comment", comment, label=_("办结意见"), required=False)
    errors.raise_if_any()
    order = transition_apply(
        order,
        "close",
        by=by,
        comment=comment,
        stamps={"closed_at": timezone.now()},
        locked=True,
        forbidden=_not_issuer(),
        refused=_refused(order, _("办结")),
    )
    event = step_event(order)
    notices.order_to_departments(order, kinds.ORDER_CLOSED, event, comment=comment)
    return order


@transaction.atomic
def order_send_back(*, order: SupervisionOrder, by: User, comment: str) -> SupervisionOrder:
    """退回重办: the replies are not enough (or a closed order must be taken up again); every
    addressed department answers anew, in a new round. The reason is required."""
    order = _lock(order)
    require_transition_permission(order, "send_back", by, message=_not_issuer())
    errors = Errors()
    comment = clean_text(errors, "comment", comment, label=_("退回理由"))
    errors.raise_if_any()
    order = transition_apply(
        order,
        "send_back",
        by=by,
        comment=comment,
        # A new round of replies (the event tells it; the round number is no change to list).
        stamps={"round": order.round + 1, "closed_at": None},
        locked=True,
        forbidden=_not_issuer(),
        refused=_refused(order, _("退回")),
    )
    order.addressees.update(answered=False)
    event = step_event(order)
    notices.order_to_departments(order, kinds.ORDER_SENT_BACK, event, comment=comment)
    return order


@transaction.atomic
def order_extend(
    *,
    order: SupervisionOrder,
    by: User,
    reason: str,
    deadline: datetime.date | None = None,
    days: int | None = None,
) -> SupervisionOrder:
    """延期: a later deadline, with the reason (required). ``days`` counts from the current
    deadline through the one deadline function."""
    order = _lock(order)
    if not perms.may_act_as_issuer(order, by):
        raise NotPermitted(_not_issuer())
    if order.state not in SupervisionOrder.OPEN_STATES:
        raise ValidationFailed(_("督办单“%(code)s”已办结，不能延期。") % {"code": order.code})
    errors = Errors()
    reason = clean_text(errors, "reason", reason, label=_("延期理由"))
    if deadline is None and days is not None and days >= 1:
        deadline = deadline_after(order.deadline, days)
    new = resolve_deadline(errors, deadline=deadline, days=days)
    if new is not None and new <= order.deadline:
        errors.add("deadline", _("延期后的时限须晚于原时限%(date)s。") % {"date": order.deadline})
    errors.raise_if_any(_("未延期，请更正标出的问题。"))
    old = order.deadline
    order.deadline = new
    order.save(update_fields=["deadline", "updated_at"])
    audit_in_scope(
        actor=by,
        obj=order,
        action="extend",
        comment=reason,
        changes={"deadline": [old.isoformat(), new.isoformat()]},
    )
    return order
