"""Celery tasks of the execution stage: thin, they call a service."""

from celery import shared_task


@shared_task(name="execution.recompute_early_warnings")
def recompute_early_warnings() -> int:
    """Nightly (beat schedule, execution migration 0002) and after each verification: every executing target's
    early-warning level for the current period, set-based."""
    from ..early_warning import recompute_early_warnings as recompute

    return recompute()
