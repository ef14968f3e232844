"""Evidence files no record refers to (left by rolled-back transactions): thin, execution.files
decides which they are."""

from celery import shared_task


@shared_task(name="execution.purge_orphan_evidence")
def purge_orphan_evidence() -> int:
    """Daily (beat schedule, execution migration 0005)."""
    from ..files import purge_orphan_evidence as purge

    return purge()
