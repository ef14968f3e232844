"""Writes: the one entry point for telling someone something, and the reader's own changes.

``notify()`` is called inside the transaction of the event it tells about (the outbox pattern):
the rows commit or roll back with the event, and e-mail goes out only after commit, from a
Celery task that retries with back-off — a failing mail server never breaks the page.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from workflow.generations import placing

from . import kinds
from .models import EmailPreference, Notification
from .readers import readers_among

logger = logging.getLogger(__name__)
Status = Notification.EmailStatus


def email_wanted(user_ids: Iterable[int], kind_keys: Iterable[str]) -> dict[tuple[int, str], bool]:
    """Each (user, kind)'s choice, the kind's default where the user made none (one query)."""
    user_ids, kind_keys = list(user_ids), list(kind_keys)
    wanted = {(u, k): kinds.get_kind(k).email_default for u in user_ids for k in kind_keys}
    for user_id, kind, email in EmailPreference.objects.filter(
        user_id__in=user_ids, kind__in=kind_keys
    ).values_list("user_id", "kind", "email"):
        wanted[(user_id, kind)] = email
    return wanted


def queue_email_delivery(notification_ids: list[int] | None) -> None:
    """After commit, queue the e-mails: one task per notification, or (``None``) one outbox
    flush. If the broker is unreachable the rows stay pending for the periodic flush; nothing
    is raised into the request."""
    from .tasks import deliver_notification_email, deliver_pending_emails

    def enqueue():
        try:
            if notification_ids is None:
                deliver_pending_emails.delay()
            else:
                for notification_id in notification_ids:
                    deliver_notification_email.delay(notification_id)
        except Exception:
            logger.exception("could not queue e-mail delivery; the outbox flush will send it")

    transaction.on_commit(enqueue)


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    obj=None,
    key: str | None = None,
) -> list[Notification]:
    """Tell ``recipients`` (users or user ids) about an event, in-app and, where each has chosen
    so for ``kind``, by e-mail after commit.

    - Inactive users are skipped; with ``obj``, so is anyone who may not read it (the owning
      app's registered read check, ``notifications.readers``).
    - ``key`` makes the call idempotent: at most one notification per (key, recipient), enforced
      by a unique constraint, so a repeated or concurrent call adds nothing.

    Returns the notifications written by this call."""
    kinds.get_kind(kind)  # an unregistered kind is a programming error
    ids = {r if isinstance(r, int) else r.pk for r in recipients}
    users = list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))
    if obj is not None:
        users = readers_among(obj, users)
    if not users:
        return []
    wanted = email_wanted([u.pk for u in users], [kind])
    content_type = ContentType.objects.get_for_model(type(obj)) if obj is not None else None
    now = timezone.now()
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            title=title[:300],
            body=body,
            url=url,
            content_type=content_type,
            object_id=str(obj.pk) if obj is not None else "",
            key=key or "",
            created_at=now,
            email_status=(
                Status.PENDING if user.email and wanted[(user.pk, kind)] else Status.NONE
            ),
        )
        for user in users
    ]
    # Only these readers' bells (and the pages showing them) are rebuilt (issue 20).
    with placing(Notification, {u.pk for u in users}):
        if key:
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
        else:
            created = Notification.objects.bulk_create(rows)
    if key:
        # The rows this call wrote (not those of an earlier call with the same key).
        created = list(Notification.objects.filter(key=key, created_at=now))
    queue_email_delivery([n.pk for n in created if n.email_status == Status.PENDING])
    return created


@dataclass(frozen=True)
class Message:
    """One notification of a set-based ``notify_each`` call."""

    recipient_id: int
    title: str
    obj: object
    key: str
    body: str = ""
    url: str = ""


def notify_each(*, kind: str, messages: Iterable[Message]) -> None:
    """``notify()`` for a batch job that tells many people about many objects at once (the daily
    escalation of overdue coordination items): the same rows, keys and outbox, in a fixed number
    of queries whatever the number of messages (recipients, e-mail choices, one insert).

    Like a reminder source, the caller guarantees that each recipient may read the object (the
    per-object read check would cost a query per row); inactive users are skipped; each key is
    idempotent per recipient. E-mail goes out after commit through the outbox flush. Runs in the
    caller's transaction (one INSERT: no savepoint of its own)."""
    kinds.get_kind(kind)
    messages = list(messages)
    if not messages:
        return
    emails = dict(
        User.objects.filter(pk__in={m.recipient_id for m in messages}, is_active=True).values_list(
            "pk", "email"
        )
    )
    wanted = email_wanted(list(emails), [kind])
    now = timezone.now()
    rows = [
        Notification(
            recipient_id=m.recipient_id,
            kind=kind,
            title=m.title[:300],
            body=m.body,
            url=m.url,
            content_type=ContentType.objects.get_for_model(type(m.obj)),
            object_id=str(m.obj.pk),
            key=m.key,
            created_at=now,
            email_status=(
                Status.PENDING
                if emails[m.recipient_id] and wanted[(m.recipient_id, kind)]
                else Status.NONE
            ),
        )
        for m in messages
        if m.recipient_id in emails
    ]
    with placing(Notification, {r.recipient_id for r in rows}):
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if any(r.email_status == Status.PENDING for r in rows):
        queue_email_delivery(None)


@dataclass(frozen=True)
class AddressMessage:
    """One e-mail to someone who is not a user (``email_addresses``)."""

    address: str
    title: str
    body: str
    unsubscribe_url: str
    key: str = ""


def email_addresses(*, kind: str, messages: Iterable[AddressMessage]) -> list[Notification]:
    """E-mail people who are not users (citizens following public targets, issue 21 item 5)
    through the same outbox: rows with the address alone, written in the caller's transaction
    and sent after commit with the one-click unsubscribe headers (RFC 8058). They belong to no
    user, so no inbox or bell shows them, and no user preference applies (the subscription is
    the choice). Each ``key`` is idempotent per address: a repeated key adds nothing (one
    digest per subscriber and day). Returns the rows this call wrote."""
    messages = list(messages)
    if not messages:
        return []
    if any(not m.unsubscribe_url for m in messages):
        raise ValueError("an e-mail to an address needs its one-click unsubscribe link")
    now = timezone.now()
    rows = [
        Notification(
            recipient_email=m.address,
            kind=kind,
            title=m.title[:300],
            body=m.body,
            unsubscribe_url=m.unsubscribe_url,
            key=m.key,
            created_at=now,
            email_status=Status.PENDING,
        )
        for m in messages
    ]
    # Rows of no user: no bell counts them.
    with transaction.atomic(), placing(Notification, {None}):
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        # The rows this call wrote (not those of an earlier call with the same key).
        created = list(
            Notification.objects.filter(
                recipient__isnull=True,
                kind=kind,
                created_at=now,
                recipient_email__in={m.address for m in messages},
            )
        )
    queue_email_delivery([n.pk for n in created])
    return created


def addresses_already_sent(*, key: str) -> QuerySet:
    """The addresses that already have the e-mail of ``key`` (for a caller choosing whom to
    write to; the unique key refuses a second anyway)."""
    return Notification.objects.filter(recipient__isnull=True, key=key).values("recipient_email")


def address_forget(*, address: str, pending_only: bool = False) -> int:
    """Delete the e-mails kept for an address (个人信息保护法 Art. 47: when its owner deletes
    their data), or only those not sent yet (after unsubscribing nothing more goes out)."""
    rows = Notification.objects.filter(recipient__isnull=True, recipient_email=address)
    if pending_only:
        rows = rows.filter(email_status=Status.PENDING)
    with placing(Notification, {None}):
        deleted, _rows = rows.delete()
    return deleted


def notification_mark_read(*, notification: Notification, by) -> Notification:
    """The reader's own notification (``notifications.selectors`` found it for them)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        with placing(Notification, {notification.recipient_id}):
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
                read_at=notification.read_at
            )
    return notification


def notifications_settle(*, kind: str, obj) -> int:
    """Mark read every unread notification of ``kind`` about ``obj``: what they asked for is
    done (a report the head was told is ready has been submitted, issue 19 item 2), so nobody's
    bell keeps counting it. Whose they are is read first (one query), so that only their bells
    are rebuilt (issue 20); the UPDATE is limited to them."""
    unread = Notification.objects.filter(
        kind=kind,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        read_at__isnull=True,
    )
    recipients = set(unread.values_list("recipient_id", flat=True))
    if not recipients:
        return 0
    theirs = Q(recipient_id__in=recipients - {None})
    if None in recipients:
        theirs |= Q(recipient__isnull=True)
    with placing(Notification, recipients):
        # Limited to them: a notification written meanwhile is left for the next settling.
        return unread.filter(theirs).update(read_at=timezone.now())


def notification_mark_all_read(*, by) -> int:
    with placing(Notification, {by.pk}):
        return Notification.objects.filter(recipient=by, read_at__isnull=True).update(
            read_at=timezone.now()
        )


@transaction.atomic
def email_preferences_set(*, by, choices: dict[str, bool]) -> None:
    """Store the user's e-mail choice for each kind named in ``choices``."""
    for key, email in choices.items():
        kinds.get_kind(key)
        EmailPreference.objects.update_or_create(user=by, kind=key, defaults={"email": email})
