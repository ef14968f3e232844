"""E-mail delivery of notifications: the outbox side (healthchecks' Flip → notify loop).

A row is claimed by one atomic UPDATE (pending → sending), so two workers never send the same
e-mail; a failure puts it back to pending with a growing delay, and after ``MAX_ATTEMPTS`` it is
marked failed. A claimed row whose worker died is released when its lease runs out.

A row for an address alone (a citizen's subscription, issue 21 item 5) goes the same way, with
the one-click unsubscribe headers (RFC 2369 ``List-Unsubscribe``, RFC 8058 ``-Post``).
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone

from workflow.generations import placing

from .models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
LEASE = datetime.timedelta(minutes=15)
Status = Notification.EmailStatus


class DeliveryFailed(Exception):
    def __init__(self, message, *, retry_in: int, final: bool):
        super().__init__(message)
        self.retry_in = retry_in
        self.final = final


def backoff_seconds(attempts: int) -> int:
    """1, 2, 4, 8, 16 … minutes after the n-th failed attempt, at most 6 hours."""
    return min(60 * 2 ** max(attempts - 1, 0), 6 * 3600)


def deliver_email(notification_id: int, *, respect_backoff: bool = False) -> bool:
    """Send one notification's e-mail if it is still waiting. Returns True if this call sent
    it, False if there was nothing to do (sent, not wanted, or claimed by another worker).
    Raises DeliveryFailed after recording the failure on the row."""
    now = timezone.now()
    waiting = Notification.objects.filter(pk=notification_id, email_status=Status.PENDING)
    if respect_backoff:
        waiting = waiting.filter(
            Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now)
        )
    # Whose it is, read first: the claim and the outcome then rebuild only their pages' bell
    # (issue 20), not every reader's.
    recipient = waiting.values_list("recipient_id", flat=True).first()
    # The claim: of two workers running this at once, exactly one updates the row.
    with placing(Notification, {recipient}):
        claimed = waiting.update(
            email_status=Status.SENDING,
            email_attempts=F("email_attempts") + 1,
            email_next_attempt_at=now + LEASE,
        )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.recipient_id is None:
        address = notification.recipient_email
    else:
        address = notification.recipient.email
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{settings.SITE_URL}{notification.url}".strip()
    headers = {}
    if notification.unsubscribe_url:
        headers = {
            "List-Unsubscribe": f"<{notification.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    try:
        if not address:
            raise ValueError("recipient has no e-mail address")
        EmailMessage(
            notification.title, body, settings.DEFAULT_FROM_EMAIL, [address], headers=headers
        ).send()
    except Exception as exc:
        attempts = notification.email_attempts
        final = attempts >= MAX_ATTEMPTS
        retry_in = backoff_seconds(attempts)
        with placing(Notification, {notification.recipient_id}):
            Notification.objects.filter(pk=notification_id).update(
                email_status=Status.FAILED if final else Status.PENDING,
                email_next_attempt_at=None
                if final
                else timezone.now() + datetime.timedelta(seconds=retry_in),
                email_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
        logger.warning(
            "e-mail of notification %s failed (attempt %s): %s", notification_id, attempts, exc
        )
        raise DeliveryFailed(str(exc), retry_in=retry_in, final=final) from exc
    with placing(Notification, {notification.recipient_id}):
        Notification.objects.filter(pk=notification_id).update(
            email_status=Status.SENT,
            email_sent_at=timezone.now(),
            email_next_attempt_at=None,
            email_error="",
        )
    return True


def deliver_pending(*, limit: int = 500) -> int:
    """Send what is waiting in the outbox (after a broker outage, a failed attempt whose delay
    has passed, or a sweep's reminders). Returns the number sent."""
    now = timezone.now()
    # Leases that ran out: the worker that claimed them died before finishing.
    Notification.objects.filter(email_status=Status.SENDING, email_next_attempt_at__lt=now).update(
        email_status=Status.PENDING, email_next_attempt_at=now
    )
    ids = list(
        Notification.objects.filter(email_status=Status.PENDING)
        .filter(Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    sent = 0
    for notification_id in ids:
        try:
            sent += deliver_email(notification_id, respect_backoff=True)
        except DeliveryFailed:
            continue
    return sent
