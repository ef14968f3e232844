"""Celery tasks: thin — call the service, retry with back-off."""

import datetime

from celery import shared_task

from . import delivery, reminders


@shared_task(bind=True, max_retries=delivery.MAX_ATTEMPTS)
def deliver_notification_email(self, notification_id: int) -> bool:
    """E-mail one notification, queued after the commit of the event it tells about."""
    try:
        return delivery.deliver_email(notification_id)
    except delivery.DeliveryFailed as exc:
        # In-process (no broker) nothing waits for a retry: the row stays pending and the
        # periodic outbox task sends it once its delay has passed.
        if exc.final or self.request.is_eager:
            return False
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc


@shared_task
def deliver_pending_emails(limit: int = 500) -> int:
    """The outbox flush (periodic, and after each reminder sweep)."""
    return delivery.deliver_pending(limit=limit)


@shared_task
def sweep_reminders(today: str | None = None) -> dict:
    """The daily deadline sweep (002 五.6 到期提醒). ``today`` (ISO date) for a re-run of a
    given day; by default the local date."""
    day = datetime.date.fromisoformat(today) if today else None
    return reminders.sweep(today=day).as_dict()


@shared_task
def run_reminder_batch(run_id: int) -> int | None:
    """A confirmed reminder round (催报 / 催办, issue 19 item 3), in the background."""
    from .runs import reminder_run_execute

    run = reminder_run_execute(run_id)
    return run.sent if run else None
