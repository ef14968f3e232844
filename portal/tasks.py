"""Celery tasks of the portal: thin, each calls a service."""

from celery import shared_task

from . import services, subscriptions


@shared_task
def send_public_digests() -> int:
    """After each public change, and daily (beat): one digest per subscriber per day at most."""
    return subscriptions.digests_send()


@shared_task
def refresh_public_targets() -> int:
    """The safety net for changes recorded in bulk (no signal): rebuild every public record."""
    return services.public_targets_refresh_all()
