"""Issue 18 item 3: a worker killed outright (its MAIN process: OOM killer, a crashed
container) leaves its message in Redis's unacknowledged set; the broker hands it out again
after ``visibility_timeout`` (15 minutes in production, settings: above the 10-minute limit of a
document, well below the 60-minute stuck-job clean-up) and the next worker completes the job.

Real components: a redis-server of the test's own (the short visibility timeout the test sets
must not touch other runs' messages on the shared server), real workers on PostgreSQL; the
test's visibility timeout is 3 s so the wait stays bounded."""

import os
import signal
import uuid

import pytest
from django.conf import settings
from django.db import connection

from audit.models import AuditEvent
from documents import services
from documents.models import DocumentJob
from documents.tasks import TIME_LIMIT
from notifications.models import Notification
from tests.documents.conftest import job_file, pdf_text
from tests.documents.faults import (
    REDIS_SERVER,
    RedisServer,
    broker_at,
    start_worker,
    stop_worker,
    wait_for,
)

State = DocumentJob.State


def test_the_visibility_timeout_lies_between_the_slowest_document_and_the_clean_up():
    """A message is handed out again only once no worker can still be generating it (the
    task's hard limit), and long before the clean-up would fail its job."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > TIME_LIMIT
    assert 2 * visibility <= settings.DOCUMENTS_STUCK_AFTER_MINUTES * 60
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


@pytest.fixture
def redis_server(tmp_path):
    if not REDIS_SERVER:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker needs a shared database")
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_main_process_was_killed_completes_on_the_next_worker(
    redis_server, submitted, office, dept_a, media_root, tmp_path
):
    queue = f"mubiao-test-killed-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    short = {"CELERY_VISIBILITY_TIMEOUT": "3"}
    broker = redis_server.client()
    with broker_at(redis_server.url, queue):
        first = start_worker(redis_server, queue, media_root, log, env=short)
        try:
            job = services.document_request(
                by=office, kind="department_dossier", params={"department": dept_a.pk, "year": 2027}
            )

            def running():
                job.refresh_from_db()
                return job.state == State.RUNNING

            wait_for(running, "the first worker starts the job")
            # The main process itself (solo pool: it renders the document), no warning.
            os.kill(first.pid, signal.SIGSTOP)
            job.refresh_from_db()
            assert job.state == State.RUNNING, "the document finished before the kill"
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
        finally:
            stop_worker(first)
        job.refresh_from_db()
        assert job.state == State.RUNNING and job.attempts == 1
        assert broker.hlen("unacked") == 1  # the message waits in Redis's unacked set

        second = start_worker(redis_server, queue, media_root, log, env=short)
        try:

            def done():
                job.refresh_from_db()
                return job.state == State.DONE

            wait_for(done, "the next worker completes the job")
            wait_for(lambda: broker.hlen("unacked") == 0, "the message acknowledged")
        finally:
            stop_worker(second)
    output = log.read_text()
    assert job.attempts == 2, output  # started by the killed worker, then by the next one
    assert AuditEvent.objects.with_action(DocumentJob, "finish").count() == 1
    assert Notification.objects.filter(recipient=office, kind="document_ready").count() == 1
    assert submitted.title in pdf_text(job_file(job))
    assert len(list((media_root / "documents").rglob("*.pdf"))) == 1
