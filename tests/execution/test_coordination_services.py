"""Coordination (协调, Shanghai Art. 16–17): raised by the lead department, escalated to the
responsible vice-mayor at its deadline (beat task) or by hand, a coordination sheet, a thread."""

import datetime

import pytest

from accounts.models import LeaderPortfolio
from audit.models import AuditEvent
from execution.models import CoordinationItem
from execution.selectors.changes import visible_coordination_items
from execution.services import coordination
from execution.tasks import escalate_overdue_coordination
from tests.conftest import Role, make_user
from tests.execution.schedules import default_schedule, schedules
from workflow.errors import Conflict, NotPermitted, ValidationFailed

from .conftest import CHANGES_TODAY as TODAY
from .conftest import nothing_saved


def raise_item(target, by, departments=None, **overrides):
    values = {
        "target": target,
        "by": by,
        "subject": "需协调事项",
        "description": "具体情况。",
        "departments": departments,
        "due_date": TODAY + datetime.timedelta(days=3),
        "today": TODAY,
    }
    values.update(overrides)
    return coordination.coordination_item_raise(**values)


def test_lead_department_raises_and_the_portfolio_vice_mayor_is_named(
    coordination_item, vice_mayor
):
    assert coordination_item.state == "open"
    assert coordination_item.leader == vice_mayor
    assert (
        AuditEvent.objects.for_timeline(coordination_item.target)
        .with_action(CoordinationItem, "create")
        .exists()
    )


def test_the_targets_lead_leader_comes_first(
    executing, staff_a, dept_b, vice_mayor, other_vice_mayor
):
    executing.lead_leader = other_vice_mayor
    executing.save(update_fields=["lead_leader"])
    assert raise_item(executing, staff_a, [dept_b]).leader == other_vice_mayor


@pytest.mark.parametrize("who", ["staff_b", "head_b", "vice_mayor", "auditor", "office"])
def test_only_the_lead_department_raises(executing, dept_b, who, request):
    with nothing_saved(executing), pytest.raises(NotPermitted):
        raise_item(executing, request.getfixturevalue(who), [dept_b])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"description": ""}, "description"),
        ({"departments": [], "extra": 0}, "departments"),
        ({"due_date": None}, "due_date"),
        ({"due_date": TODAY - datetime.timedelta(days=1)}, "due_date"),
    ],
)
def test_bad_items_are_refused(executing, staff_a, dept_b, overrides, field):
    overrides.pop("extra", None)
    overrides.setdefault("departments", [dept_b])
    with nothing_saved(executing), pytest.raises(ValidationFailed) as caught:
        raise_item(executing, staff_a, **overrides)
    assert field in caught.value.field_errors


def test_the_lead_department_is_not_its_own_counterpart(executing, staff_a, dept_a):
    with nothing_saved(executing), pytest.raises(ValidationFailed):
        raise_item(executing, staff_a, [dept_a])


def test_involved_departments_and_the_leader_see_it_others_do_not(
    coordination_item, staff_b, vice_mayor, other_vice_mayor, dept_c, auditor
):
    outsider_dept = make_user("staff_c", department=dept_c, role=Role.STAFF)
    assert coordination_item in visible_coordination_items(staff_b)
    assert coordination_item in visible_coordination_items(vice_mayor)
    assert coordination_item in visible_coordination_items(auditor)
    assert coordination_item not in visible_coordination_items(outsider_dept)
    assert coordination_item not in visible_coordination_items(other_vice_mayor)


def test_escalation_by_hand_then_resolution_by_the_leader(coordination_item, head_a, vice_mayor):
    item = coordination.coordination_item_escalate(item=coordination_item, by=head_a, comment="急")
    assert item.state == "escalated" and item.escalated_by == head_a
    with pytest.raises(Conflict):
        coordination.coordination_item_escalate(item=item, by=head_a)
    item = coordination.coordination_item_resolve(
        item=item, by=vice_mayor, resolution="已协调落实。"
    )
    assert item.state == "resolved" and item.resolved_by == vice_mayor
    with pytest.raises(Conflict):
        coordination.coordination_item_resolve(item=item, by=vice_mayor, resolution="再次")


@pytest.mark.parametrize("who", ["staff_b", "auditor", "other_vice_mayor"])
def test_others_may_not_escalate_or_resolve(coordination_item, who, request):
    user = request.getfixturevalue(who)
    with nothing_saved(coordination_item.target), pytest.raises(NotPermitted):
        coordination.coordination_item_escalate(item=coordination_item, by=user)
    with pytest.raises(NotPermitted):
        coordination.coordination_item_resolve(item=coordination_item, by=user, resolution="x")


def test_resolution_needs_a_result(coordination_item, head_a):
    with nothing_saved(coordination_item.target), pytest.raises(ValidationFailed):
        coordination.coordination_item_resolve(item=coordination_item, by=head_a, resolution=" ")


def test_no_leader_to_escalate_to(executing, staff_a, dept_b, head_a):
    item = raise_item(executing, staff_a, [dept_b])
    assert item.leader is None
    with pytest.raises(ValidationFailed):
        coordination.coordination_item_escalate(item=item, by=head_a)


def test_thread_is_for_those_concerned(coordination_item, staff_b, auditor, vice_mayor):
    coordination.coordination_message_add(item=coordination_item, by=staff_b, body="我局将配合。")
    coordination.coordination_message_add(item=coordination_item, by=vice_mayor, body="尽快办理。")
    assert coordination_item.messages.count() == 2
    with pytest.raises(NotPermitted):
        coordination.coordination_message_add(item=coordination_item, by=auditor, body="x")
    with pytest.raises(ValidationFailed):
        coordination.coordination_message_add(item=coordination_item, by=staff_b, body="")


def test_coordination_sheet_assigns_duties(
    coordination_item, office, dept_a, dept_b, dept_c, head_a
):
    rows = coordination.coordination_sheet_set(
        item=coordination_item,
        by=office,
        duties=[(dept_a, "牵头推进。", None), (dept_b, "保障资金。", TODAY)],
    )
    assert len(rows) == 2
    with pytest.raises(ValidationFailed) as caught:
        coordination.coordination_sheet_set(
            item=coordination_item, by=office, duties=[(dept_c, "不相干部门", None)]
        )
    assert "duties.0.department" in caught.value.field_errors
    with pytest.raises(NotPermitted):
        coordination.coordination_sheet_set(
            item=coordination_item, by=make_user("sx", department=dept_b, role=Role.HEAD), duties=[]
        )
    assert coordination_item.duties.count() == 2
    event = (
        AuditEvent.objects.for_object(coordination_item)
        .with_action(coordination_item, "update")
        .get()
    )
    assert event.changes["duties"][1] == [
        "市发展改革委：牵头推进。",
        "市财政局：保障资金。（2026-11-23）",
    ]


def test_beat_task_escalates_overdue_items_once(executing, staff_a, dept_b, vice_mayor, head_a):
    overdue = raise_item(executing, staff_a, [dept_b], due_date=TODAY)
    not_yet = raise_item(executing, staff_a, [dept_b], due_date=TODAY + datetime.timedelta(days=9))
    resolved = raise_item(executing, staff_a, [dept_b], due_date=TODAY)
    coordination.coordination_item_resolve(item=resolved, by=head_a, resolution="已解决")
    later = TODAY + datetime.timedelta(days=1)
    assert coordination.coordination_escalate_overdue(today=later) == 1
    assert coordination.coordination_escalate_overdue(today=later) == 0
    states = dict(CoordinationItem.objects.values_list("pk", "state"))
    assert states == {overdue.pk: "escalated", not_yet.pk: "open", resolved.pk: "resolved"}
    events = AuditEvent.objects.for_timeline(executing).with_action(CoordinationItem, "escalate")
    assert events.count() == 1 and events.get().actor is None


def test_beat_task_runs_a_fixed_number_of_queries(
    executing, staff_a, dept_b, vice_mayor, django_assert_num_queries
):
    for n in (1, 100):
        CoordinationItem.objects.update(state="resolved")
        items = [raise_item(executing, staff_a, [dept_b], due_date=TODAY) for _ in range(n)]
        CoordinationItem.objects.filter(pk__in=[i.pk for i in items]).update(
            due_date=TODAY - datetime.timedelta(days=1)
        )
        # savepoint, select (locked), update, insert the audit rows, the vice-mayors, their
        # e-mail choices, insert the notifications (notifications.services.notify_each), release:
        # the same for 1 or 100 items (content types are cached by Django after their first use);
        # the audit hash chain's lock, head read and sealed hashes (issue 17 item 5: +4).
        with django_assert_num_queries(12):
            coordination.coordination_escalate_overdue(today=TODAY)


def test_the_beat_task_is_scheduled_and_calls_the_service(coordination_item):
    entry = default_schedule(schedules.ESCALATION)
    assert entry.task == escalate_overdue_coordination.name and entry.enabled
    assert (entry.crontab.hour, entry.crontab.minute) == ("1", "10")
    CoordinationItem.objects.filter(pk=coordination_item.pk).update(
        due_date=datetime.date(2020, 1, 1)
    )
    assert escalate_overdue_coordination.delay().get() == 1


def test_portfolio_lookup_when_leader_changes_is_fixed_at_raise(coordination_item, vice_mayor):
    LeaderPortfolio.objects.all().delete()
    coordination_item.refresh_from_db()
    assert coordination_item.leader == vice_mayor


def test_the_vice_mayor_is_emailed_once_escalated(
    coordination_item, head_a, vice_mayor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        coordination.coordination_item_escalate(item=coordination_item, by=head_a)
    assert [m.to for m in mailoutbox] == [[vice_mayor.email]]
    assert coordination_item.subject in mailoutbox[0].subject
    assert f"/execution/coordination/{coordination_item.pk}/" in mailoutbox[0].body


def test_the_beat_task_emails_each_escalated_item(
    executing, staff_a, dept_b, vice_mayor, mailoutbox, django_capture_on_commit_callbacks
):
    raise_item(executing, staff_a, [dept_b], due_date=TODAY)
    raise_item(executing, staff_a, [dept_b], due_date=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        coordination.coordination_escalate_overdue(today=TODAY + datetime.timedelta(days=1))
    assert len(mailoutbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        coordination.coordination_escalate_overdue(today=TODAY + datetime.timedelta(days=2))
    assert len(mailoutbox) == 2
