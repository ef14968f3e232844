"""Notification of a return (Art. 9 协商目标): the lead department's staff and head are told in
the notification centre at once, in the same transaction as the return, and by e-mail after it
commits — never for a return that was rolled back (issue 7: one path, notifications.notify)."""

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import Notification
from targets import services
from targets.models import Target
from workflow.errors import NotPermitted


def test_return_notifies_the_lead_departments_staff_and_head(
    submitted, office, staff_a, head_a, staff_b, django_capture_on_commit_callbacks
):
    """Art. 9 协商目标: the department learns at once why its target came back."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.target_return(target=submitted, by=office, comment="请补充季度节点目标")
        assert mail.outbox == []  # nothing before the commit
        # the in-app rows are written with the return, before the commit
        assert Notification.objects.filter(kind="target_returned").count() == 2
    # One e-mail delivery (the target is not public: the portal schedules no refresh).
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff_a.email, head_a.email])
    message = mail.outbox[0]
    assert submitted.code in message.subject
    assert "请补充季度节点目标" in message.body
    assert f"/targets/{submitted.pk}/" in message.body
    rows = Notification.objects.filter(kind="target_returned")
    assert {n.recipient for n in rows} == {staff_a, head_a}
    assert all(n.obj == submitted and n.url == f"/targets/{submitted.pk}/" for n in rows)
    assert all(n.email_status == "sent" for n in rows)
    assert not Notification.objects.filter(recipient=staff_b).exists()


def test_other_transitions_send_nothing(draft, head_a, office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.target_submit(target=draft, by=head_a)
        services.target_negotiate(target=draft, by=office)
    assert mail.outbox == []
    assert not Notification.objects.exists()


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
    assert not Notification.objects.exists()
    assert Target.objects.get(pk=submitted.pk).state == Target.State.SUBMITTED


def test_refused_return_sends_nothing(submitted, head_a, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(NotPermitted),
    ):
        services.target_return(target=submitted, by=head_a, comment="自己退回")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_users_without_email_get_it_in_app_and_inactive_users_not_at_all(
    submitted, office, staff_a, head_a, django_capture_on_commit_callbacks
):
    staff_a.email = ""
    staff_a.save()
    head_a.is_active = False
    head_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.target_return(target=submitted, by=office, comment="请修改")
    assert mail.outbox == []
    [row] = Notification.objects.all()
    assert row.recipient == staff_a and row.email_status == "none"


def test_a_user_who_declined_emails_for_returns_gets_only_the_in_app_one(
    submitted, office, staff_a, head_a, django_capture_on_commit_callbacks
):
    from notifications.services import email_preferences_set

    email_preferences_set(by=staff_a, choices={"target_returned": False})
    with django_capture_on_commit_callbacks(execute=True):
        services.target_return(target=submitted, by=office, comment="请修改")
    assert [m.to for m in mail.outbox] == [[head_a.email]]
    assert Notification.objects.filter(recipient=staff_a).count() == 1
