"""需协调事项 and 工作协调单 (Shanghai Art. 16–17).

The lead department raises what it needs from other departments or a leader (what, which
departments, by when). Unresolved at its deadline, the item goes to the responsible vice-mayor
— by the beat task, or earlier by hand. A coordination sheet assigns the duties; a thread
keeps the exchange. States: open → escalated → resolved (open → resolved directly too).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.access import Role
from accounts.models import Department, LeaderPortfolio, User
from audit.models import AuditEvent
from audit.services import audit_diff, audit_record
from targets.models import Target
from workflow.errors import Conflict, NotPermitted, ValidationFailed
from workflow.transitions import (
    lock,
    require_transition_permission,
    transition_apply,
    transition_apply_many,
)

from .. import notices
from ..models import CoordinationDuty, CoordinationItem, CoordinationMessage
from ..permissions import changes as perms

TEXT_MAX_LENGTH = 4000


def _error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [message]})


def _text(value, field, *, label_message, limit=TEXT_MAX_LENGTH):
    value = (value or "").strip()
    if not value:
        raise _error(field, label_message)
    if len(value) > limit:
        raise _error(field, _("内容不能超过%(n)s字。") % {"n": limit})
    return value


def responsible_leader(target: Target) -> User | None:
    """Art. 15: the target's lead vice-mayor; else the vice-mayor whose portfolio (分管) holds
    the lead department."""
    if target.lead_leader_id is not None:
        return target.lead_leader
    portfolio = (
        LeaderPortfolio.objects.filter(department_id=target.lead_department_id)
        .select_related("leader")
        .order_by("id")
        .first()
    )
    return portfolio.leader if portfolio else None


def require_raiser(target: Target, by: User) -> None:
    """Only the lead department (staff or head) raises a coordination item (Art. 16)."""
    if not perms.speaks_for_lead(target, by, Role.STAFF, Role.HEAD):
        raise NotPermitted(_("只有牵头部门可以提出需协调事项。"))


def require_may_raise(target: Target, by: User) -> None:
    """The form page: only the lead department, and only for an executing target."""
    if not perms.may_raise_coordination(target, by):
        raise NotPermitted(_("只有牵头部门可以为执行中的目标提出需协调事项。"))


@transaction.atomic
def coordination_item_raise(
    *,
    target: Target,
    by: User,
    subject: str,
    description: str,
    departments: list[Department],
    due_date: datetime.date | None,
    today: datetime.date | None = None,
) -> CoordinationItem:
    """提出需协调事项 (Art. 16): by the lead department, for an executing target.

    Side effects: an audit row on the target's timeline.
    """
    require_raiser(target, by)
    target = (
        Target.objects.select_for_update(of=("self",))
        .select_related("lead_leader")
        .get(pk=target.pk)
    )
    if target.state != Target.State.EXECUTING:
        raise ValidationFailed(
            _("目标“%(code)s”当前为“%(state)s”状态，只有执行中的目标可以提出协调事项。")
            % {"code": target.code, "state": target.get_state_display()}
        )
    subject = _text(subject, "subject", label_message=_("请填写需协调的事项。"), limit=200)
    description = _text(description, "description", label_message=_("请写明具体情况和诉求。"))
    departments = list({d.pk: d for d in departments or []}.values())
    if not departments:
        raise _error("departments", _("请选择需协调的部门。"))
    if any(d.pk == target.lead_department_id for d in departments):
        raise _error("departments", _("牵头部门不必列为需协调部门。"))
    if any(not d.is_active for d in departments):
        raise _error("departments", _("所选部门已停用。"))
    today = today or timezone.localdate()
    if due_date is None:
        raise _error("due_date", _("请填写协调时限。"))
    if due_date < today:
        raise _error("due_date", _("协调时限不能早于今天。"))
    item = CoordinationItem.objects.create(
        target=target,
        subject=subject,
        description=description,
        raised_by=by,
        raising_department=target.lead_department,
        due_date=due_date,
        leader=responsible_leader(target),
    )
    item.departments.set(departments)
    audit_record(
        actor=by,
        obj=item,
        action=AuditEvent.Action.CREATE,
        changes={
            "subject": [None, subject],
            "departments": [None, [str(d) for d in departments]],
            "due_date": [None, due_date.isoformat()],
            "leader": [None, str(item.leader) if item.leader else None],
        },
        comment=description,
        scope=target,
    )
    return item


def _stale(item) -> str:
    return _("该协调事项当前为“%(state)s”，不能执行此操作（可能已被他人处理，请刷新）。") % {
        "state": item.get_state_display()
    }


ESCALATE_FORBIDDEN = _lazy("只有牵头部门或目标办可以提请市领导协调。")
RESOLVE_FORBIDDEN = _lazy("只有牵头部门、目标办或分管市领导可以确认协调结果。")


def _step(item, name, *, by, forbidden, check=None, **kwargs) -> CoordinationItem:
    """A step of the item through the one transition path, in this stage's words; ``check``
    looks at the locked row first."""
    locked = lock(item)
    if check is not None:
        check(locked)
    return transition_apply(
        locked, name, by=by, locked=True, forbidden=str(forbidden), refused=_stale(locked), **kwargs
    )


def _has_leader(item) -> None:
    # Asked of an open item only: for one already moved on, the transition's 409 says more.
    if item.leader_id is None and item.state == CoordinationItem.State.OPEN:
        raise ValidationFailed(_("该目标没有牵头市领导，牵头部门也不在任何市领导的分管范围内。"))


@transaction.atomic
def coordination_item_escalate(
    *, item: CoordinationItem, by: User, comment: str = ""
) -> CoordinationItem:
    """提请市领导协调 by hand, before the deadline (Art. 16). Side effects: an audit row; the
    vice-mayor is e-mailed after commit."""
    require_transition_permission(item, "escalate", by, message=str(ESCALATE_FORBIDDEN))
    item = _step(
        item,
        "escalate",
        by=by,
        forbidden=ESCALATE_FORBIDDEN,
        check=_has_leader,
        comment=(comment or "").strip()[:TEXT_MAX_LENGTH],
        stamps={"escalated_at": timezone.now(), "escalated_by": by},
        # Whom it went to (fixed when raised), as the beat task's escalations record it.
        changes={"leader": [None, str(item.leader)]},
    )
    notices.coordination_escalated(
        [
            (
                item,
                item.target.code,
                item.target.title,
                str(item.raising_department),
                item.leader_id,
            )
        ]
    )
    return item


@transaction.atomic
def coordination_escalate_overdue(*, today: datetime.date | None = None) -> int:
    """The beat task's work: every open item past its deadline goes to its vice-mayor, who is
    e-mailed after commit.

    Set-based — the same few queries whatever the number of items — and idempotent: an item is
    escalated once, because only those the ``escalate`` transition may leave are picked. Items
    without a responsible leader stay open (the general office sees them in its list). The
    states and the audit event are those of ``CoordinationItem.escalate``, by the system (no
    permission asked), as ``transition_apply`` would write them one by one. Returns how many
    were escalated.
    """
    today = today or timezone.localdate()
    # Locked and skipped when someone is working on them, so a hand escalation or resolution in
    # progress is not overwritten.
    rows = transition_apply_many(
        CoordinationItem.objects.filter(due_date__lt=today, leader__isnull=False)
        .select_related("target", "leader", "raising_department")
        .only(
            "pk",
            "subject",
            "state",
            "due_date",
            "target_id",
            "target__code",
            "target__title",
            "target__state",
            "leader_id",
            "leader__display_name",
            "leader__username",
            "raising_department_id",
            "raising_department__name",
        ),
        "escalate",
        by=None,
        stamps={"escalated_at": timezone.now(), "escalated_by": None},
        changes=lambda item: {"leader": [None, item.leader.display_name or item.leader.username]},
        comment=_("协调时限已过仍未解决，自动提请分管市领导协调。"),
        actor_name=_("系统（到期自动提请）"),
    )
    # Each vice-mayor is told in the same transaction (the outbox), set-based like the rest.
    notices.coordination_escalated(
        (
            item,
            item.target.code,
            item.target.title,
            item.raising_department.name,
            item.leader_id,
        )
        for item in rows
    )
    return len(rows)


@transaction.atomic
def coordination_item_resolve(
    *, item: CoordinationItem, by: User, resolution: str
) -> CoordinationItem:
    """协调解决: the result is recorded and the item closed. Side effects: the departments
    concerned (and the vice-mayor, if it was escalated) are told."""
    require_transition_permission(item, "resolve", by, message=str(RESOLVE_FORBIDDEN))
    resolution = _text(resolution, "resolution", label_message=_("请写明协调结果。"))
    item = _step(
        item,
        "resolve",
        by=by,
        forbidden=RESOLVE_FORBIDDEN,
        comment=resolution,
        stamps={"resolved_at": timezone.now(), "resolved_by": by, "resolution": resolution},
    )
    notices.coordination_resolved(item, by)
    return item


@transaction.atomic
def coordination_message_add(*, item: CoordinationItem, by: User, body: str) -> CoordinationMessage:
    """A message in the item's thread."""
    involved = list(item.departments.values_list("pk", flat=True))
    if not perms.may_post_coordination_message(item, by, involved):
        if item.state == CoordinationItem.State.RESOLVED:
            raise Conflict(_stale(item))
        raise NotPermitted(_("您不能在该协调事项中发表意见。"))
    body = _text(body, "body", label_message=_("请填写意见内容。"))
    message = CoordinationMessage.objects.create(item=item, author=by, body=body)
    audit_record(
        actor=by, obj=item, action=AuditEvent.Action.COMMENT, comment=body, scope=item.audit_scope
    )
    return message


def _sheet_lines(item) -> list[str]:
    return [
        f"{d.department}：{d.duty}" + (f"（{d.due_date.isoformat()}）" if d.due_date else "")
        for d in item.duties.select_related("department").order_by("id")
    ]


@transaction.atomic
def coordination_sheet_set(
    *, item: CoordinationItem, by: User, duties: list[tuple[Department, str, datetime.date | None]]
) -> list[CoordinationDuty]:
    """工作协调单: who does what, among the lead department and the departments concerned.
    Replaces the sheet as a whole (each version is in the audit trail)."""
    if not perms.may_assign_duties(item, by):
        raise NotPermitted(_("只有目标办、分管市领导或牵头部门主要负责人可以下发工作协调单。"))
    item = lock(item)
    if not perms.may_write_sheet(item, by):
        raise Conflict(_stale(item))
    allowed = set(item.departments.values_list("pk", flat=True)) | {item.raising_department_id}
    errors: dict[str, list[str]] = {}
    seen = set()
    clean = []
    for i, (department, duty, due) in enumerate(duties):
        duty = (duty or "").strip()
        if department is None or department.pk not in allowed:
            errors.setdefault(f"duties.{i}.department", []).append(
                _("只能为牵头部门和需协调部门分配事项。")
            )
        elif department.pk in seen:
            errors.setdefault(f"duties.{i}.department", []).append(_("同一部门只能列一次。"))
        if not duty:
            errors.setdefault(f"duties.{i}.duty", []).append(_("请写明该部门承担的事项。"))
        if department is not None:
            seen.add(department.pk)
        clean.append((department, duty, due))
    if not clean:
        errors.setdefault("duties", []).append(_("工作协调单至少要有一项分工。"))
    if errors:
        raise ValidationFailed(_("工作协调单未保存，请更正标出的问题。"), field_errors=errors)
    before = _sheet_lines(item)
    item.duties.all().delete()
    rows = CoordinationDuty.objects.bulk_create(
        CoordinationDuty(item=item, department=d, duty=duty, due_date=due) for d, duty, due in clean
    )
    after = _sheet_lines(item)
    audit_record(
        actor=by,
        obj=item,
        action=AuditEvent.Action.UPDATE,
        changes=audit_diff({"duties": before}, {"duties": after}),
        scope=item.audit_scope,
    )
    return rows
