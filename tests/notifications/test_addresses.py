"""E-mail to an address alone (citizens following public targets, issue 21 item 5) through the
one notification outbox: sent after commit with the one-click unsubscribe headers, retried with
the same back-off, once per key and address, and never in any user's inbox or bell."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import AddressMessage, address_forget, email_addresses, notify
from notifications.tasks import deliver_pending_emails
from tests.helpers import act_as

pytestmark = pytest.mark.django_db

UNSUBSCRIBE = "https://example.org/gongkai/subscriptions/tok/unsubscribe/"


def message(address="citizen@example.com", key="portal.digest:2027-04-05", **kw):
    return AddressMessage(
        address=address,
        key=key,
        title=kw.get("title", "您关注的目标有新动态"),
        body="· T-1 审核值 6.2%",
        unsubscribe_url=kw.get("unsubscribe_url", UNSUBSCRIBE),
    )


def test_it_is_sent_after_commit_with_the_one_click_unsubscribe_headers(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [row] = email_addresses(kind="portal.digest", messages=[message()])
    assert mail.outbox == []  # nothing before commit
    for callback in callbacks:
        callback()
    [sent] = mail.outbox
    assert sent.to == ["citizen@example.com"]
    assert sent.extra_headers == {
        "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    row.refresh_from_db()
    assert (row.recipient_id, row.email_status) == (None, "sent")


def test_user_emails_carry_no_unsubscribe_headers(staff_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[staff_a], kind="deadline", title="到期提醒", url="/targets/")
    [sent] = mail.outbox
    assert sent.to == [staff_a.email] and sent.extra_headers == {}


def test_a_key_makes_it_once_per_address(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = email_addresses(kind="portal.digest", messages=[message(), message("b@x.org")])
        again = email_addresses(kind="portal.digest", messages=[message(title="第二封")])
    assert len(first) == 2 and again == []
    assert Notification.objects.filter(recipient_email="citizen@example.com").count() == 1
    assert len(mail.outbox) == 2
    # Another day's key is another e-mail.
    email_addresses(kind="portal.digest", messages=[message(key="portal.digest:2027-04-06")])
    assert Notification.objects.filter(recipient_email="citizen@example.com").count() == 2


def test_the_database_refuses_a_second_row_for_the_same_key_and_address():
    email_addresses(kind="portal.digest", messages=[message()])
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient_email="citizen@example.com",
            kind="portal.digest",
            title="x",
            key="portal.digest:2027-04-05",
            unsubscribe_url=UNSUBSCRIBE,
        )


@pytest.mark.parametrize(
    "fields",
    [
        {},  # neither a user nor an address
        {"recipient_email": "a@example.com", "with_user": True},  # both
        {"recipient_email": "a@example.com"},  # an address without an unsubscribe link
    ],
)
def test_a_row_is_for_a_user_or_an_address_that_can_unsubscribe(staff_a, fields):
    fields = dict(fields)
    if fields.pop("with_user", False):
        fields["recipient"] = staff_a
        fields["unsubscribe_url"] = UNSUBSCRIBE
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(kind="portal.digest", title="x", **fields)


def test_an_address_message_without_an_unsubscribe_link_is_refused():
    with pytest.raises(ValueError):
        email_addresses(kind="portal.digest", messages=[message(unsubscribe_url="")])
    assert not Notification.objects.exists()


def test_a_failing_mail_server_leaves_it_pending_for_the_flush(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        [row] = email_addresses(kind="portal.digest", messages=[message()])
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts) == ("pending", 1)
    assert "SMTPServerDisconnected" in row.email_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notification.objects.filter(pk=row.pk).update(
        email_next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert deliver_pending_emails() == 1
    assert [m.to for m in mail.outbox] == [["citizen@example.com"]]


def test_forgetting_an_address_deletes_only_its_rows(staff_a):
    email_addresses(kind="portal.confirm", messages=[message(key="portal.confirm:2027-04-05")])
    [sent] = email_addresses(kind="portal.digest", messages=[message()])
    Notification.objects.filter(pk=sent.pk).update(email_status="sent")
    email_addresses(kind="portal.digest", messages=[message("other@example.com")])
    notify(recipients=[staff_a], kind="deadline", title="到期提醒")
    assert address_forget(address="citizen@example.com", pending_only=True) == 1
    assert Notification.objects.filter(recipient_email="citizen@example.com").count() == 1
    assert address_forget(address="citizen@example.com") == 1
    assert Notification.objects.filter(recipient_email="other@example.com").count() == 1
    assert Notification.objects.filter(recipient=staff_a).count() == 1


def test_address_rows_are_in_no_inbox_and_no_bell(client, staff_a):
    """Even an address that is also a user's: the row belongs to the address, not the user."""
    notify(recipients=[staff_a], kind="deadline", title="【到期提醒】节点目标", url="/targets/")
    email_addresses(
        kind="portal.digest", messages=[message(address=staff_a.email), message("b@x.org")]
    )
    assert Notification.objects.count() == 3
    client.force_login(staff_a)
    page = client.get(reverse("notifications:list"))
    assert page.context["page_obj"].paginator.count == 1
    html = page.content.decode()
    assert '<span class="bell__count">1</span>' in html
    assert "新动态" not in html
    from rest_framework.test import APIClient

    body = act_as(APIClient(), staff_a).get("/api/v1/notifications/?unread=true").json()
    assert body["count"] == 1
    # Marking all read touches the user's own rows only.
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.filter(recipient__isnull=True, read_at__isnull=False).count() == 0
