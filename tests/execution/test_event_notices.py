"""Execution's events tell the people concerned through the one path, notifications.notify (issue
7 item 3; Shanghai Art. 12, 14, 16–17): written in the event's transaction, with an idempotent
key, never to someone who may not read the record."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from execution.services import adjustments, completion, coordination
from execution.services import progress as reports
from notifications.models import Notification

from .conftest import CHANGES_TODAY

pytestmark = pytest.mark.django_db


def told(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_a_returned_report_tells_its_department_only(
    submitted_report, office, staff_a, head_a, staff_b, vice_mayor
):
    reports.progress_report_return(report=submitted_report, by=office, comment="数据口径有误")
    assert told("progress_report_returned") == ["head_a", "staff_a"]
    note = Notification.objects.get(kind="progress_report_returned", recipient=staff_a)
    assert "数据口径有误" in note.body and note.url.endswith("#progress")
    assert note.key.startswith("progress_report_returned:")


def test_verification_tells_the_department_only_when_the_value_differs(
    submitted_report, office, staff_a, head_a
):
    reports.progress_report_verify(
        report=submitted_report, by=office, verified_value=Decimal("5.9"), reason="统计局核定数"
    )
    assert told("progress_report_verified_different") == ["head_a", "staff_a"]
    body = Notification.objects.filter(kind="progress_report_verified_different").first().body
    assert "填报值：6.1；审核值：5.9" in body and "统计局核定数" in body


def test_verification_with_the_reported_value_tells_nobody(submitted_report, office, staff_a):
    reports.progress_report_verify(report=submitted_report, by=office)
    assert told("progress_report_verified_different") == []


def test_a_refused_step_leaves_no_notification(submitted_report, office, staff_a):
    """The notification is written in the event's transaction: an error afterwards undoes both."""
    with pytest.raises(RuntimeError), transaction.atomic():
        reports.progress_report_return(report=submitted_report, by=office, comment="退回")
        raise RuntimeError
    # (The head's 已保存待报送 notice is the draft's, from before: issue 19 item 2.)
    assert not Notification.objects.exclude(kind="progress_report_ready").exists()


def test_adjustment_decisions_tell_the_requesting_head(
    pending_change, office, head_a, staff_a, vice_mayor
):
    adjustments.adjustment_request_reject(adjustment=pending_change, by=office, comment="依据不足")
    assert told("adjustment_decided") == ["head_a"]
    note = Notification.objects.get(kind="adjustment_decided")
    assert "未批准" in note.title and "依据不足" in note.body


def test_completion_decisions_tell_the_lead_department(
    completion_report, office, staff_a, head_a, staff_b
):
    completion.completion_report_return(report=completion_report, by=office, comment="材料不全")
    assert told("completion_decided") == ["head_a", "staff_a"]


def test_escalation_tells_the_vice_mayor_only_and_once(
    coordination_item, head_a, vice_mayor, other_vice_mayor, staff_b
):
    coordination.coordination_item_escalate(item=coordination_item, by=head_a)
    assert told("coordination_escalated") == [vice_mayor.username]
    note = Notification.objects.get(kind="coordination_escalated")
    assert note.url == f"/execution/coordination/{coordination_item.pk}/"
    assert note.key == f"coordination_escalated:{coordination_item.pk}"


def test_the_daily_escalation_tells_each_vice_mayor_once(
    executing, staff_a, dept_b, vice_mayor, coordination_item
):
    later = CHANGES_TODAY + datetime.timedelta(days=30)
    assert coordination.coordination_escalate_overdue(today=later) == 1
    assert coordination.coordination_escalate_overdue(today=later) == 0
    assert told("coordination_escalated") == [vice_mayor.username]


def test_resolution_tells_the_departments_concerned_but_not_the_one_who_resolved(
    coordination_item, staff_a, head_a, staff_b, head_b, vice_mayor, outsider
):
    coordination.coordination_item_resolve(item=coordination_item, by=head_a, resolution="已落实")
    # The raising department (A) and the department asked (B); not head_a himself, not the
    # vice-mayor (never escalated), not a stranger.
    assert told("coordination_resolved") == ["head_b", "staff_a", "staff_b"]
