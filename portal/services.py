"""Every write of the portal: publishing decisions, public summaries, refreshing public records.

Publishing is a decision of the general office (002 七.3), taken per target or for a whole
year's confirmed list, each one a transition through ``workflow.transitions.transition_apply``
with its audit event in the target's timeline. Public pages change only when a public record
is refreshed here, and every refresh moves the public cache's version (``portal.cache``).
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from audit.models import AuditEvent
from audit.services import audit_record
from targets.models import PlanYear, Target
from workflow.errors import Conflict, NotPermitted, ValidationFailed
from workflow.transitions import require_transition_permission, transition_apply

from . import cache, permissions
from . import published as public_set
from .fields import PUBLIC_STATES, target_record
from .models import PublicEvent, PublicSummary, PublicTarget, PublicYear

logger = logging.getLogger(__name__)


def _public_row(target: Target) -> PublicTarget:
    row, _created = PublicTarget.objects.get_or_create(
        target=target,
        defaults={
            "year": target.plan_year.year,
            "code": target.code,
            "title": target.title,
            "aspect_number": target.aspect.number,
            "aspect_name": target.aspect.name,
            "lead_department": target.lead_department,
            "status": target.state,
        },
    )
    return row


def _copy(row: PublicTarget, target: Target) -> None:
    """Write ``target``'s public record onto ``row`` (the copies used for lists and filters)."""
    data = target_record(target)
    row.data = data
    row.year = data["year"]
    row.code = data["code"]
    row.title = data["title"]
    row.aspect_number = data["aspect"]["number"]
    row.aspect_name = data["aspect"]["name"]
    row.lead_department_id = data["lead_department"]["id"]
    row.status = data["status"]
    row.completion_percent = data["completion_percent"]
    row.warning_level = data["warning_level"]
    row.refreshed_at = timezone.now()
    row.save(
        update_fields=[
            "data",
            "year",
            "code",
            "title",
            "aspect_number",
            "aspect_name",
            "lead_department",
            "status",
            "completion_percent",
            "warning_level",
            "refreshed_at",
        ]
    )
    row.departments.set(sorted({d["id"] for d in data["departments"]}))


def _check_publishable(target: Target) -> None:
    if target.state not in PUBLIC_STATES:
        raise Conflict(
            _("目标“%(t)s”尚未确认（当前为“%(s)s”），不能向社会公开。")
            % {"t": target, "s": target.get_state_display()}
        )


@transaction.atomic
def target_publish(*, target: Target, by: User, comment: str = "") -> PublicTarget:
    """向社会公开 one confirmed (or later) target. Side effects: the public record is built, one
    audit event ``portal.publictarget.publish`` in the target's timeline, the public cache moves
    on after commit."""
    require_transition_permission(
        PublicTarget(target=target), "publish", by, message=_("只有目标办可以决定向社会公开。")
    )
    target = Target.objects.select_related("plan_year", "aspect", "lead_department").get(
        pk=target.pk
    )
    _check_publishable(target)
    row = _public_row(target)
    if row.state == PublicTarget.State.PUBLISHED:
        raise Conflict(_("目标“%(t)s”已经公开。") % {"t": target})
    row = transition_apply(
        row,
        "publish",
        by=by,
        comment=comment,
        stamps={"published_by": by, "published_at": timezone.now()},
    )
    _copy(row, target)
    public_set.invalidate_now_and_after_commit()
    cache.bump_after_commit()
    return row


@transaction.atomic
def target_withdraw(*, target: Target, by: User, comment: str) -> PublicTarget:
    """撤回公开, with a reason (a withdrawn target answers 404 publicly from then on)."""
    require_transition_permission(
        PublicTarget(target=target), "withdraw", by, message=_("只有目标办可以撤回公开。")
    )
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed(
            _("请写明撤回公开的理由。"), field_errors={"comment": [_("请写明撤回理由。")]}
        )
    row = PublicTarget.objects.filter(target=target).first()
    if row is None:
        raise Conflict(_("目标“%(t)s”没有公开。") % {"t": target})
    row = transition_apply(row, "withdraw", by=by, comment=comment)
    public_set.invalidate_now_and_after_commit()
    cache.bump_after_commit()
    return row


@dataclass(frozen=True)
class YearPublished:
    year: int
    published: int
    already_public: int
    not_confirmed: int


@transaction.atomic
def year_publish(*, plan_year: PlanYear, by: User, comment: str = "") -> YearPublished:
    """公开年度目标清单: every confirmed (or later) target of the year that is not public yet
    becomes public; drafts and targets still in negotiation stay internal (and are counted).
    Withdrawn targets stay withdrawn: withdrawing was a decision of its own. Side effects: one
    audit event per target published, the year's decision recorded (``PublicYear``, with its
    own audit event), the public cache moves on after commit."""
    if not permissions.may_publish(None, by):
        raise NotPermitted(_("只有目标办可以决定向社会公开。"))
    targets = list(
        Target.objects.filter(plan_year=plan_year)
        .select_related("plan_year", "aspect", "lead_department")
        .order_by("aspect__number", "code")
    )
    rows = {r.target_id: r for r in PublicTarget.objects.filter(target__plan_year=plan_year)}
    published = already = not_confirmed = 0
    now = timezone.now()
    for target in targets:
        if target.state not in PUBLIC_STATES:
            not_confirmed += 1
            continue
        row = rows.get(target.pk)
        if row is not None and row.state != PublicTarget.State.UNPUBLISHED:
            already += row.state == PublicTarget.State.PUBLISHED
            continue
        row = row or _public_row(target)
        row = transition_apply(
            row,
            "publish",
            by=by,
            comment=comment,
            stamps={"published_by": by, "published_at": now},
        )
        _copy(row, target)
        published += 1
    if not published and not already:
        raise ValidationFailed(_("%(y)s年度还没有已确认的目标可以公开。") % {"y": plan_year.year})
    decision, created = PublicYear.objects.get_or_create(
        plan_year=plan_year,
        defaults={"year": plan_year.year, "published_by": by, "published_at": now},
    )
    audit_record(
        actor=by,
        obj=decision,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        comment=comment
        or _("公开%(n)s个目标（已公开%(a)s个，未确认%(d)s个不公开）")
        % {"n": published, "a": already, "d": not_confirmed},
    )
    if published:
        public_set.invalidate_now_and_after_commit()
    cache.bump_after_commit()
    return YearPublished(plan_year.year, published, already, not_confirmed)


def public_target_refresh(*, target_id: int) -> bool:
    """Rebuild a published target's public record from the workflow (after a verified value, a
    node target's status, completion…). Returns whether there was one to refresh. The system's
    own step: no actor, no audit event (the change it copies was audited where it happened)."""
    with transaction.atomic():
        row = (
            PublicTarget.objects.select_for_update()
            .filter(target_id=target_id, state=PublicTarget.State.PUBLISHED)
            .first()
        )
        if row is None:
            return False
        target = Target.objects.select_related("plan_year", "aspect", "lead_department").get(
            pk=target_id
        )
        if target.state not in PUBLIC_STATES:
            # Cancelled (Art. 12): the public record keeps its last public values and status.
            row.status = target.state
            row.data = {**row.data, "status": target.state}
            row.save(update_fields=["status", "data"])
        else:
            before = row.data
            _copy(row, target)
            _record_events(row, before, row.data)
        cache.bump_after_commit()
    return True


def _record_events(row: PublicTarget, before: dict, after: dict) -> None:
    """The public events between two records (item 5: a value verified, a node target reached,
    the target completed); followers hear of them in their next digest."""
    events = []
    seen = {p["period_start"] for p in before.get("periods", []) if p.get("verified_on")}
    for p in after["periods"]:
        if p["verified_on"] and p["period_start"] not in seen:
            text = _("%(start)s至%(end)s进展经审核") % {
                "start": p["period_start"],
                "end": p["period_end"],
            }
            if p["verified_value"] is not None:
                text += _("：审核值 %(v)s%(unit)s") % {
                    "v": p["verified_value"],
                    "unit": after["unit"],
                }
            if p["verified_percent"] is not None:
                text += _("，完成进度 %(p)s%%") % {"p": p["verified_percent"]}
            events.append((PublicEvent.Kind.VERIFIED, text))
    reached = {
        (m["quarter"], m["description"])
        for m in before.get("milestones", [])
        if m["status"] == "achieved"
    }
    for m in after["milestones"]:
        if m["status"] == "achieved" and (m["quarter"], m["description"]) not in reached:
            events.append(
                (
                    PublicEvent.Kind.MILESTONE,
                    _("第%(q)s季度节点目标已完成：%(d)s")
                    % {"q": m["quarter"], "d": m["description"]},
                )
            )
    if after["status"] == "completed" and before.get("status") != "completed":
        events.append((PublicEvent.Kind.COMPLETED, _("目标已办结")))
    if not events:
        return
    PublicEvent.objects.bulk_create(
        [PublicEvent(public_target=row, kind=kind, text=text[:500]) for kind, text in events]
    )

    def digest():
        from .tasks import send_public_digests

        try:
            send_public_digests.delay()
        except Exception:
            logger.exception("could not queue the digests; the hourly run sends them")

    transaction.on_commit(digest)


def public_targets_refresh_all() -> int:
    """The safety net (periodic task, ``portal_refresh``): rebuild every published record, for
    changes recorded in bulk (``audit_record_many`` sends no signal)."""
    ids = list(
        PublicTarget.objects.filter(state=PublicTarget.State.PUBLISHED).values_list(
            "target_id", flat=True
        )
    )
    return sum(public_target_refresh(target_id=pk) for pk in ids)


# Public summaries of a department's period (公开进展综述).


@transaction.atomic
def public_summary_propose(
    *, department: Department, year: int, quarter: int, text: str, by: User
) -> PublicSummary:
    """The department proposes the text the public may read about its period; nothing is public
    until the general office approves it. Side effects: an audit event."""
    if not permissions.may_propose_summary(by, department.pk):
        raise NotPermitted(_("只有本部门或目标办可以提交部门公开综述。"))
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("请填写公开综述。")]
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = [_("季度须为1至4。")]
    if errors:
        raise ValidationFailed(_("未提交，请更正标出的问题。"), field_errors=errors)
    summary = PublicSummary.objects.create(
        department=department,
        year=year,
        quarter=quarter,
        text=text,
        proposed_by=by,
        proposed_at=timezone.now(),
    )
    audit_record(actor=by, obj=summary, action=AuditEvent.Action.CREATE)
    return summary


@transaction.atomic
def public_summary_approve(*, summary: PublicSummary, by: User, comment: str = "") -> PublicSummary:
    """批准公开: the summary becomes the department's public narrative for that period (an
    earlier approved one of the same period is refused by the database: one text per period)."""
    require_transition_permission(
        summary, "approve", by, message=_("只有目标办可以批准部门公开综述。")
    )
    if PublicSummary.objects.filter(
        department_id=summary.department_id,
        year=summary.year,
        quarter=summary.quarter,
        state=PublicSummary.State.APPROVED,
    ).exists():
        raise Conflict(_("该部门本期已有批准公开的综述。"))
    summary = transition_apply(
        summary,
        "approve",
        by=by,
        comment=comment,
        stamps={"decided_by": by, "decided_at": timezone.now()},
        forbidden=_("只有目标办可以批准部门公开综述。"),
    )
    cache.bump_after_commit()
    return summary


@transaction.atomic
def public_summary_reject(*, summary: PublicSummary, by: User, comment: str) -> PublicSummary:
    """不予公开, with the reason the department reads."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed(
            _("请写明不予公开的理由。"), field_errors={"comment": [_("请写明理由。")]}
        )
    return transition_apply(
        summary,
        "reject",
        by=by,
        comment=comment,
        stamps={"decided_by": by, "decided_at": timezone.now()},
        forbidden=_("只有目标办可以审核部门公开综述。"),
    )
