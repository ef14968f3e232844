"""What each transition requires and records: a return states its reasons (Art. 9 协商), a
confirmation names the city government's approval (Art. 10–11), execution starts with the task
book (任务书)."""

import pytest
from django.utils import timezone

from targets import services
from targets.models import Target, TargetComment
from tests.targets.conftest import nothing_written, state_in_db
from workflow.errors import ValidationFailed


@pytest.mark.parametrize("comment", ["", "   ", None])
def test_return_requires_a_comment(submitted, office, comment):
    """Art. 9 协商目标: the department must be told why its target came back."""
    with nothing_written(submitted), pytest.raises(ValidationFailed) as exc:
        services.target_return(target=submitted, by=office, comment=comment)
    assert exc.value.field_errors == {"comment": ["退回时必须填写退回意见。"]}
    assert state_in_db(submitted) == Target.State.SUBMITTED


def test_return_puts_the_reason_in_the_thread(submitted, office, office_dept):
    services.target_return(target=submitted, by=office, comment="  目标值偏低  ")
    comment = TargetComment.objects.get(target=submitted)
    assert comment.body == "目标值偏低"
    assert comment.transition == "return_to_department"
    assert comment.author == office
    assert comment.author_department == office_dept


def test_overlong_comment_is_refused(submitted, office):
    with nothing_written(submitted), pytest.raises(ValidationFailed) as exc:
        services.target_negotiate(target=submitted, by=office, comment="长" * 2001)
    assert "2000" in exc.value.message


@pytest.mark.parametrize("reference", ["", "  ", None, "长" * 201])
def test_confirm_requires_the_approval_reference(negotiated, office, reference):
    """Art. 10–11: 报请市政府审定 / 由市政府常务会议审定 — the confirmation records which meeting
    or document approved the target."""
    with nothing_written(negotiated), pytest.raises(ValidationFailed) as exc:
        services.target_confirm(target=negotiated, by=office, approval_reference=reference)
    assert list(exc.value.field_errors) == ["approval_reference"]
    assert state_in_db(negotiated) == Target.State.NEGOTIATED


def test_confirm_stores_reference_and_time(negotiated, office):
    """Art. 10–11: the approval and its date are kept with the target."""
    before = timezone.now()
    services.target_confirm(
        target=negotiated, by=office, approval_reference="  市政府第12次常务会议  "
    )
    target = Target.objects.get(pk=negotiated.pk)
    assert target.state == Target.State.CONFIRMED
    assert target.approval_reference == "市政府第12次常务会议"
    assert before <= target.confirmed_at <= timezone.now()
    assert target.is_content_locked


def test_start_execution_records_when_the_task_book_was_issued(confirmed, office):
    assert Target.objects.get(pk=confirmed.pk).execution_started_at is None
    before = timezone.now()
    services.target_start_execution(target=confirmed, by=office)
    target = Target.objects.get(pk=confirmed.pk)
    assert target.state == Target.State.EXECUTING
    assert before <= target.execution_started_at <= timezone.now()
    # Confirmation data is not disturbed by the next step.
    assert target.approval_reference == "市政府第12次常务会议"
    assert target.confirmed_at is not None


def test_transition_without_comment_adds_no_empty_comment(draft, head_a):
    services.target_submit(target=draft, by=head_a, comment="  ")
    assert not TargetComment.objects.filter(target=draft).exists()


def test_comment_must_not_be_empty(submitted, staff_a):
    with nothing_written(submitted), pytest.raises(ValidationFailed) as exc:
        services.target_comment_add(target=submitted, by=staff_a, body="  ")
    assert exc.value.field_errors == {"body": ["请填写意见内容。"]}
