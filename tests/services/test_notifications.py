"""Notification of a return: the lead department's staff and head are e-mailed after the return
is committed, never for a return that was rolled back (issue 2: a real Celery task queued with
transaction.on_commit)."""

import pytest
from django.core import mail
from django.db import transaction

from accounts.errors import NotPermitted
from targets import services
from targets.models import Target


def test_return_emails_the_lead_departments_staff_and_head(
    submitted, office, staff_a, head_a, staff_b, django_capture_on_commit_callbacks
):
    """Art. 9 协商目标: the department learns at once why its target came back."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.target_return(target=submitted, by=office, comment="请补充季度节点目标")
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    (message,) = mail.outbox
    assert sorted(message.to) == sorted([staff_a.email, head_a.email])
    assert staff_b.email not in message.to
    assert submitted.code in message.subject
    assert "请补充季度节点目标" in message.body
    assert f"/targets/{submitted.pk}/" in message.body


def test_other_transitions_send_nothing(draft, head_a, office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.target_submit(target=draft, by=head_a)
        services.target_negotiate(target=draft, by=office)
    assert mail.outbox == []


def test_rolled_back_return_sends_nothing(submitted, office, django_capture_on_commit_callbacks):
    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        services.target_return(target=submitted, by=office, comment="请修改")
        raise Abort
    assert callbacks == []
    assert mail.outbox == []
    assert Target.objects.get(pk=submitted.pk).state == Target.State.SUBMITTED


def test_refused_return_sends_nothing(submitted, head_a, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(NotPermitted),
    ):
        services.target_return(target=submitted, by=head_a, comment="自己退回")
    assert callbacks == []
    assert mail.outbox == []


def test_users_without_email_or_inactive_are_skipped(
    submitted, office, staff_a, head_a, django_capture_on_commit_callbacks
):
    staff_a.email = ""
    staff_a.save()
    head_a.is_active = False
    head_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.target_return(target=submitted, by=office, comment="请修改")
    assert mail.outbox == []
