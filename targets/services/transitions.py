"""The state transitions of formulation: 报送 (submit, Art. 10), 退回 (return, Art. 9 协商),
协商一致 (negotiate, Art. 9), 确认 (confirm on the city government's approval, Art. 10–11; the
content locks, Art. 12) and 下达任务书 (start execution) — for one target, a chosen set, or the
whole year's set at once.

Each runs under the target's row lock, checks the permission declared on the transition before
any input (403 before 400), joins its comment to the negotiation thread and writes the audit row
(Shanghai Art. 14: 全程记录); a return also tells the lead department why.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import Role
from accounts.models import User
from workflow.errors import Conflict, NotPermitted, ValidationFailed
from workflow.transitions import require_transition_permission, transition_apply

from .. import permissions as perms
from ..models import PlanYear, Target, TargetComment
from .comments import _author_department, _check_comment
from .drafting import _lock


def _require_permission(target: Target, name: str, user: User) -> None:
    """Checked before any input, so a user who may not act is told so (403) rather than asked to
    fill in a field (400); checked again on the locked row by ``transition_apply``."""
    require_transition_permission(target, name, user, message=_forbidden_message(target))


def _forbidden_message(target: Target) -> str:
    return _("您无权对目标“%(code)s”执行此操作。") % {"code": target.code}


def _transition(
    *,
    target: Target,
    by: User,
    name: str,
    comment: str = "",
    values: dict | None = None,
    stamps: dict | None = None,
) -> Target:
    """The target's step through the one transition path; its comment also joins the thread."""
    locked = _lock(target)
    moved = transition_apply(
        locked,
        name,
        by=by,
        comment=comment,
        values=values,
        stamps=stamps,
        locked=True,
        forbidden=_forbidden_message(locked),
        refused=_(
            "目标“%(code)s”当前为“%(state)s”状态，不能执行此操作（可能已被他人处理，请刷新）。"
        )
        % {"code": locked.code, "state": locked.get_state_display()},
        raced=_("目标“%(code)s”已被他人处理，请刷新后查看。") % {"code": locked.code},
    )
    comment = comment.strip()
    if comment:
        TargetComment.objects.create(
            target=moved,
            author=by,
            author_department=_author_department(moved, by),
            body=comment,
            transition=name,
        )
    return moved


@transaction.atomic
def target_submit(*, target: Target, by: User, comment: str = "") -> Target:
    """报送: the department head signs off a draft and sends it to the general office (Art. 10)."""
    _require_permission(target, "submit", by)
    _check_comment(comment)
    return _transition(target=target, by=by, name="submit", comment=comment)


@transaction.atomic
def target_return(*, target: Target, by: User, comment: str) -> Target:
    """退回: the general office sends a submitted target back with its reasons (Art. 9 协商).

    Side effects: the comment joins the thread; the lead department's staff and head are
    notified in the same transaction (in-app, and by e-mail after commit if they chose so).
    """
    _require_permission(target, "return_to_department", by)
    comment = (comment or "").strip()
    if not comment:
        message = _("退回时必须填写退回意见。")
        raise ValidationFailed(message, field_errors={"comment": [message]})
    _check_comment(comment)
    target = _transition(target=target, by=by, name="return_to_department", comment=comment)
    _notify_returned(target, comment)
    return target


def _notify_returned(target: Target, reason: str) -> None:
    from notifications.services import notify

    from ..reminders import TARGET_RETURNED

    recipients = User.objects.filter(
        memberships__department=target.lead_department_id,
        memberships__role__in=[Role.STAFF, Role.HEAD],
    ).distinct()
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【目标退回】%(code)s %(title)s") % {"code": target.code, "title": target.title}
        body = _(
            "您部门报送的目标“%(title)s”（%(code)s）已被市政府办公厅退回修改。\n\n"
            "退回意见：%(reason)s\n\n请修改后重新报送。"
        ) % {"title": target.title, "code": target.code, "reason": reason}
    notify(
        recipients=list(recipients),
        kind=TARGET_RETURNED,
        title=title,
        body=body,
        url=reverse("targets:target_detail", args=[target.pk]),
        obj=target,
    )


@transaction.atomic
def target_negotiate(*, target: Target, by: User, comment: str = "") -> Target:
    """协商一致: the general office and the department agree on the target (Art. 9)."""
    _require_permission(target, "negotiate", by)
    _check_comment(comment)
    return _transition(target=target, by=by, name="negotiate", comment=comment)


@transaction.atomic
def target_confirm(
    *, target: Target, by: User, approval_reference: str = "", comment: str = ""
) -> Target:
    """确认: recorded on the city government's approval (Art. 10–11), naming the meeting or the
    document. From here on the content is locked (Art. 12)."""
    _require_permission(target, "confirm", by)
    approval_reference = (approval_reference or "").strip()
    if not approval_reference:
        message = _("请填写审定该目标的市政府会议或文件文号。")
        raise ValidationFailed(message, field_errors={"approval_reference": [message]})
    if len(approval_reference) > 200:
        message = _("审定会议或文号不能超过200字。")
        raise ValidationFailed(message, field_errors={"approval_reference": [message]})
    _check_comment(comment)
    return _transition(
        target=target,
        by=by,
        name="confirm",
        comment=comment,
        values={"approval_reference": approval_reference},
        stamps={"confirmed_at": timezone.now()},
    )


@transaction.atomic
def target_start_execution(*, target: Target, by: User, comment: str = "") -> Target:
    """下达任务书: the confirmed target goes into execution (Zhongshan: a task book is issued)."""
    _require_permission(target, "start_execution", by)
    _check_comment(comment)
    return _transition(
        target=target,
        by=by,
        name="start_execution",
        comment=comment,
        stamps={"execution_started_at": timezone.now()},
    )


def transition_kwargs(
    action: str, *, comment: str | None = "", approval_reference: str | None = ""
) -> dict:
    """The keyword arguments the service for ``action`` takes, from what a page or API request
    sent (only confirming carries the approval reference)."""
    kwargs = {"comment": comment or ""}
    if action == "confirm":
        kwargs["approval_reference"] = approval_reference or ""
    return kwargs


TRANSITIONS = {
    "submit": target_submit,
    "return": target_return,
    "negotiate": target_negotiate,
    "confirm": target_confirm,
    "start_execution": target_start_execution,
}


@transaction.atomic
def targets_transition_many(*, targets, by: User, action: str, **kwargs) -> list[Target]:
    """The same transition on many targets at once (a head submitting the department's drafts;
    the office confirming the year's set). All or nothing: if one cannot move, none moves and the
    message names it."""
    service = TRANSITIONS[action]
    # The same target named twice moves once (it would otherwise fail its own second move);
    # sorting by id makes concurrent batches lock rows in one order.
    targets = sorted({t.pk: t for t in targets}.values(), key=lambda t: t.pk)
    if not targets:
        raise ValidationFailed(_("请至少选择一个目标。"))
    return [service(target=t, by=by, **kwargs) for t in targets]


def require_year_permission(by: User) -> None:
    """Who may move the year's whole set is told first (403), before any talk of which targets;
    the confirmation page asks here before it lists them."""
    if not perms.may_move_year(by):
        raise NotPermitted(_("全年度确认和下达任务书由市政府办公厅（目标办）办理。"))


# The year-wide steps and the state a target must be in to take part in them.
YEAR_ACTIONS = {
    "confirm": Target.State.NEGOTIATED,
    "start_execution": Target.State.CONFIRMED,
}


@transaction.atomic
def plan_year_transition_all(
    *,
    plan_year: PlanYear,
    by: User,
    action: str,
    expected_ids: Iterable[int] | None = None,
    **kwargs,
) -> list[Target]:
    """The whole year's set at once: confirm every negotiated target on the city government's
    approval (Art. 10–11), or issue the task book for every confirmed one. All or nothing, like
    ``targets_transition_many``, whose checks (permission, state, audit) apply to each target.

    ``expected_ids`` are the targets the person was shown and agreed to move (the confirmation
    page, issue 11): if the year's set is no longer exactly those, nothing moves and Conflict
    says so, so one click never moves a target nobody looked at."""
    if action not in YEAR_ACTIONS:
        raise ValidationFailed(_("不支持的年度操作。"))
    require_year_permission(by)
    targets = list(
        Target.objects.filter(plan_year=plan_year, state=YEAR_ACTIONS[action]).order_by("pk")
    )
    if not targets:
        raise ValidationFailed(
            _("%(year)s年度没有处于“%(state)s”状态的目标。")
            % {"year": plan_year.year, "state": YEAR_ACTIONS[action].label}
        )
    if expected_ids is not None and {t.pk for t in targets} != set(expected_ids):
        raise Conflict(
            _(
                "%(year)s年度处于“%(state)s”状态的目标已有变化（现为%(n)s个），未执行任何操作，"
                "请核对新的清单后再确认。"
            )
            % {"year": plan_year.year, "state": YEAR_ACTIONS[action].label, "n": len(targets)}
        )
    return targets_transition_many(targets=targets, by=by, action=action, **kwargs)
