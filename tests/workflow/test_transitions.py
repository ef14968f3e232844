"""The one transition path (issue 15): ``workflow.transitions.transition_apply`` locks, checks
the transition's own permission, refuses a step the state does not allow, saves, and writes one
audit event in the one format (Shanghai measures Art. 14 全程记录). Targets are the subject
here; every other state machine's services call the same function."""

import pytest
from django.db import transaction

from audit.models import AuditEvent
from targets.models import Target
from workflow.errors import Conflict, NotPermitted
from workflow.events import event_label, present_changes
from workflow.transitions import (
    available_transitions,
    lock,
    transition_apply,
    transition_apply_many,
    transition_label,
    transition_permitted,
    transitions_of,
)


def events_of(target):
    return list(AuditEvent.objects.for_object(target).exclude(to_state=""))


def test_applies_the_step_and_writes_one_event_in_the_one_format(submitted, office):
    moved = transition_apply(submitted, "negotiate", by=office, comment="  协商一致 ")
    assert moved.state == Target.State.NEGOTIATED
    assert Target.objects.get(pk=submitted.pk).state == Target.State.NEGOTIATED
    event = events_of(submitted)[-1]
    assert event.action == "targets.target.negotiate"
    assert (event.verb, event.from_state, event.to_state) == (
        "negotiate",
        "submitted",
        "negotiated",
    )
    assert (event.actor, event.comment) == (office, "协商一致")
    assert event_label(event) == "协商一致"


def test_without_the_permission_nothing_moves_and_nothing_is_written(submitted, staff_a):
    """Only the general office negotiates (Art. 9–10): a department's staff is refused (403)."""
    before = AuditEvent.objects.count()
    with pytest.raises(NotPermitted):
        transition_apply(submitted, "negotiate", by=staff_a)
    assert Target.objects.get(pk=submitted.pk).state == Target.State.SUBMITTED
    assert AuditEvent.objects.count() == before


def test_a_step_the_state_does_not_allow_is_a_conflict(draft, office):
    """A draft cannot be confirmed: someone else must have moved it, or the page is stale."""
    with pytest.raises(Conflict, match="拟定"):
        transition_apply(draft, "confirm", by=office)
    assert Target.objects.get(pk=draft.pk).state == Target.State.DRAFT


def test_values_are_recorded_before_and_after_stamps_are_saved_only(submitted, office):
    from django.utils import timezone

    negotiated = transition_apply(submitted, "negotiate", by=office)
    now = timezone.now()
    transition_apply(
        negotiated,
        "confirm",
        by=office,
        values={"approval_reference": "市政府第8次常务会议"},
        stamps={"confirmed_at": now},
    )
    stored = Target.objects.get(pk=submitted.pk)
    assert (stored.approval_reference, stored.confirmed_at) == ("市政府第8次常务会议", now)
    assert events_of(submitted)[-1].changes == {"approval_reference": ["", "市政府第8次常务会议"]}


def test_changed_fields_read_in_the_same_order_on_every_database(submitted, office):
    """PostgreSQL's jsonb gives keys back shortest first, then bytewise; SQLite (``make run``)
    as written. The timeline shows them in the jsonb order on both."""
    negotiated = transition_apply(submitted, "negotiate", by=office)
    transition_apply(
        negotiated,
        "confirm",
        by=office,
        values={"approval_reference": "市政府第8次常务会议"},
        changes={"title": ["甲", "乙"], "notes": ["", "备注"], "baseline": ["1", "2"]},
    )
    event = AuditEvent.objects.get(pk=events_of(submitted)[-1].pk)
    shown = present_changes(Target, event.changes)
    assert [row["name"] for row in shown] == ["notes", "title", "baseline", "approval_reference"]


def test_the_system_acts_without_a_person(submitted):
    """A scheduled task passes ``by=None``: no permission is asked, the event has no actor."""
    transition_apply(submitted, "negotiate", by=None)
    assert events_of(submitted)[-1].actor is None


def test_a_list_scope_writes_the_event_on_each_timeline(submitted, office, dept_a):
    """A record about several targets (a supervision order) shows on each target's timeline."""
    transition_apply(submitted, "negotiate", by=office, scope=[dept_a, office])
    events = AuditEvent.objects.for_object(submitted).filter(action="targets.target.negotiate")
    assert sorted(e.scope_object_id for e in events) == sorted([str(dept_a.pk), str(office.pk)])


@pytest.mark.django_db(transaction=True)
def test_lock_needs_a_transaction(draft):
    with pytest.raises(RuntimeError):
        lock(draft)
    with transaction.atomic():
        assert lock(draft).pk == draft.pk


def test_offered_transitions_come_from_state_and_permission(submitted, office, head_a):
    """What a page or the API offers is what the transitions allow now; steps another stage
    runs (办结, 撤销, 考评结果发布) are not offered."""
    assert available_transitions(submitted, office) == ["return_to_department", "negotiate"]
    assert available_transitions(submitted, head_a) == []
    assert "evaluate" in transitions_of(Target)
    assert not transition_permitted(submitted, "negotiate", head_a)


def test_labels_are_the_transitions_own():
    assert transition_label(Target, "return_to_department") == "退回修改"
    assert transition_label(Target, "no_such_step") == ""


def test_many_rows_move_set_based_and_once(submitted):
    """A scheduled sweep: every row the step may leave from moves, with one event each; run
    again, nothing moves twice."""
    with transaction.atomic():
        moved = transition_apply_many(
            Target.objects.all(), "negotiate", comment="自动", actor_name="系统"
        )
    assert [t.pk for t in moved] == [submitted.pk]
    assert Target.objects.get(pk=submitted.pk).state == Target.State.NEGOTIATED
    (event,) = AuditEvent.objects.with_action(Target, "negotiate")
    assert (event.actor, event.actor_name, event.from_state, event.comment) == (
        None,
        "系统",
        "submitted",
        "自动",
    )
    with transaction.atomic():
        assert transition_apply_many(Target.objects.all(), "negotiate") == []
