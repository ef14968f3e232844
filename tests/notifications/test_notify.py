"""notify(): the one entry point for telling someone something (issue 7). Idempotent by key,
never about an object the recipient cannot read, in-app always and by e-mail as each user
chose, the e-mail delivered after commit from an outbox that retries with back-off."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from notifications import delivery
from notifications.models import Notification
from notifications.services import email_preferences_set, notify
from notifications.tasks import deliver_notification_email, deliver_pending_emails

pytestmark = pytest.mark.django_db

BROKEN = "tests.notifications.failing_backend.EmailBackend"


def tell(recipients, **kw):
    values = {"kind": "deadline", "title": "【到期提醒】测试", "body": "请办理", "url": "/targets/"}
    values.update(kw)
    return notify(recipients=recipients, **values)


def test_it_writes_one_row_per_recipient_and_emails_after_commit(
    staff_a, head_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rows = tell([staff_a, head_a.pk])
        assert mail.outbox == []
    assert {n.recipient for n in rows} == {staff_a, head_a}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff_a.email, head_a.email])
    assert mail.outbox[0].subject == "【到期提醒】测试"
    assert "http://127.0.0.1:8000/targets/" in mail.outbox[0].body
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}


def test_a_key_makes_it_exactly_once_per_recipient(
    staff_a, head_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tell([staff_a], key="event-1")
        second = tell([staff_a, head_a], key="event-1")
    assert len(first) == 1 and [n.recipient for n in second] == [head_a]
    assert Notification.objects.filter(key="event-1").count() == 2
    assert len(mail.outbox) == 2


def test_the_database_refuses_a_second_row_for_the_same_key_and_recipient(staff_a):
    tell([staff_a], key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=staff_a, kind="deadline", title="x", key="k")
    # without a key there is no such limit
    tell([staff_a])
    tell([staff_a])
    assert Notification.objects.filter(key="").count() == 2


def test_nobody_is_told_about_a_target_they_cannot_read(
    draft, staff_a, staff_b, vice_mayor, other_vice_mayor, office, outsider
):
    rows = tell([staff_a, staff_b, vice_mayor, other_vice_mayor, office, outsider], obj=draft)
    assert {n.recipient for n in rows} == {staff_a, vice_mayor, office}


def test_an_object_without_a_registered_read_check_is_refused(staff_a, dept_a):
    with pytest.raises(LookupError):
        tell([staff_a], obj=dept_a)
    assert not Notification.objects.exists()


def test_an_unregistered_kind_is_refused(staff_a):
    with pytest.raises(LookupError):
        tell([staff_a], kind="no-such-kind")


def test_email_preference_per_kind(staff_a, django_capture_on_commit_callbacks):
    email_preferences_set(by=staff_a, choices={"deadline": False, "overdue": True})
    with django_capture_on_commit_callbacks(execute=True):
        tell([staff_a], kind="deadline")
        tell([staff_a], kind="overdue")
    assert [m.subject for m in mail.outbox] == ["【到期提醒】测试"]
    assert list(Notification.objects.order_by("id").values_list("email_status", flat=True)) == [
        "none",
        "sent",
    ]


def test_rolled_back_event_leaves_nothing(staff_a, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tell([staff_a])
        raise RuntimeError
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.exists()


@override_settings(EMAIL_BACKEND=BROKEN)
def test_a_failing_mail_server_never_breaks_the_event_and_is_retried_with_back_off(
    staff_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = tell([staff_a])  # no exception reaches the caller
    row.refresh_from_db()
    assert row.email_status == "pending" and row.email_attempts == 1
    assert "SMTP" in row.email_error
    wait = row.email_next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=50) < wait <= datetime.timedelta(seconds=60)
    # The outbox flush respects the delay…
    assert deliver_pending_emails() == 0
    row.refresh_from_db()
    assert row.email_attempts == 1
    # …and once it has passed, and the server is back, sends it exactly once.
    Notification.objects.filter(pk=row.pk).update(email_next_attempt_at=timezone.now())
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert deliver_pending_emails() == 1
        assert deliver_pending_emails() == 0
    row.refresh_from_db()
    assert row.email_status == "sent" and row.email_attempts == 2 and len(mail.outbox) == 1


@override_settings(EMAIL_BACKEND=BROKEN)
def test_after_the_last_attempt_the_email_is_marked_failed(staff_a):
    [row] = tell([staff_a])
    delays = []
    for _attempt in range(delivery.MAX_ATTEMPTS):
        with pytest.raises(delivery.DeliveryFailed) as failed:
            delivery.deliver_email(row.pk)
        delays.append(failed.value.retry_in)
    row.refresh_from_db()
    assert row.email_status == "failed" and row.email_attempts == delivery.MAX_ATTEMPTS
    assert delays[:5] == [60, 120, 240, 480, 960]  # back-off doubles
    assert delivery.deliver_email(row.pk) is False


def test_an_email_is_claimed_once_even_if_two_workers_get_it(staff_a):
    [row] = tell([staff_a])
    assert deliver_notification_email(row.pk) is True
    assert deliver_notification_email(row.pk) is False
    assert len(mail.outbox) == 1


def test_a_worker_that_died_mid_send_is_released_by_its_lease(staff_a):
    [row] = tell([staff_a])
    Notification.objects.filter(pk=row.pk).update(
        email_status="sending", email_next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert deliver_pending_emails() == 1
    assert len(mail.outbox) == 1


def test_a_broker_that_cannot_be_reached_does_not_break_the_event(
    staff_a, django_capture_on_commit_callbacks, monkeypatch
):
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(deliver_notification_email, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        [row] = tell([staff_a])
    row.refresh_from_db()
    assert row.email_status == "pending"  # the periodic flush sends it
    assert deliver_pending_emails() == 1


def test_notify_each_writes_the_batch_once_skips_the_inactive_and_emails_after_commit(
    staff_a, head_a, staff_b, dept_a, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The set-based form for batch jobs (the daily escalation): same rows, keys and outbox."""
    from notifications.services import Message, notify_each

    staff_b.is_active = False
    staff_b.save(update_fields=["is_active"])
    email_preferences_set(by=head_a, choices={"deadline": False})
    messages = [
        Message(recipient_id=u.pk, title=f"批量{u.pk}", obj=dept_a, key=f"batch:{u.pk}", url="/x/")
        for u in (staff_a, head_a, staff_b)
    ]
    # users, their e-mail choices, the content type, one insert
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(4):
        notify_each(kind="deadline", messages=messages)
    rows = {n.recipient_id: n for n in Notification.objects.all()}
    assert set(rows) == {staff_a.pk, head_a.pk}
    assert rows[staff_a.pk].email_status == "sent" and rows[head_a.pk].email_status == "none"
    assert [m.to for m in mail.outbox] == [[staff_a.email]]
    notify_each(kind="deadline", messages=messages)
    assert Notification.objects.count() == 2
