"""Celery tasks: thin — load by id, call the service, retry what may pass.

``acks_late`` with ``reject_on_worker_lost``: the message is acknowledged only after the job
is finished, so a worker killed mid-document leaves it on the queue and another worker runs it
again; ``services.job_run`` is safe to run twice (a finished job is not redone)."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from workflow.errors import ApplicationError

from . import services

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError, OSError)


# The slowest document measured is the city-scale ledger, about 22 s (README, Documents
# benchmarks); a job still generating after 9 minutes is stopped with a message, after 10 its
# process is killed. The broker's visibility timeout (15 minutes, settings) must stay above
# this, or a message still being worked on would be handed to a second worker.
SOFT_TIME_LIMIT = 9 * 60
TIME_LIMIT = 10 * 60


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def run_document_job(self, job_id: int) -> None:
    try:
        services.job_run(job_id=job_id, message_id=self.request.id)
    except TRANSIENT as exc:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
        logger.exception("document job %s failed after retries", job_id)
        services.job_fail(job_id=job_id, message=_("生成失败（系统暂时不可用），请稍后重新申请。"))
    except ApplicationError as exc:
        services.job_fail(job_id=job_id, message=exc.message)
    except Exception:
        logger.exception("document job %s failed", job_id)
        services.job_fail(
            job_id=job_id, message=_("生成失败，请重新申请；如仍失败请联系系统管理员。")
        )


@shared_task
def purge_expired_documents() -> int:
    """Hourly (beat schedule, documents migration 0004): expired files removed, stuck jobs failed with a message."""
    return services.purge_expired()


@shared_task
def resend_queued_documents() -> int:
    """Every two minutes (beat schedule, documents migration 0006): the outbox flush, jobs the
    broker never took (or lost) sent again (issue 18 item 2)."""
    return services.jobs_resend()
