"""With REDIS_URL set, a document request really goes through the Redis broker to a real
Celery worker (docker-compose's ``worker``), which generates the PDF; and a worker process
killed in the middle of a document has its task delivered again (acks_late,
reject_on_worker_lost), so the document is still complete. Skipped where no Redis is
configured (CI sets REDIS_URL)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from config.celery import app
from documents import services
from documents.models import DocumentJob
from tests.deploy.processes import database_url_for_subprocesses
from tests.documents.conftest import job_file, pdf_text, set_task_routes

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")

QUEUE = "mubiao-test-documents"
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def to_broker():
    """Send document tasks to a queue of their own on the real broker."""
    app.conf.task_always_eager = False
    set_task_routes({"documents.tasks.run_document_job": {"queue": QUEUE}})
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)
        try:
            with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
                yield conn
        finally:
            conn.default_channel.queue_purge(QUEUE)
            app.conf.task_always_eager = True
            set_task_routes(None)


@pytest.mark.django_db
def test_a_document_request_is_queued_in_redis(
    to_broker, submitted, auditor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.document_request(
            by=auditor, kind="target_dossier", params={"target": submitted.pk}
        )
    assert to_broker.default_channel.client.llen(QUEUE) == 1
    job.refresh_from_db()
    assert job.state == DocumentJob.State.QUEUED


def _worker(media_root, *, pool="solo"):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url_for_subprocesses(),
        "MEDIA_ROOT": str(media_root),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            QUEUE,
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait(job, predicate, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if predicate(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job.pk} stayed {job.state} ({job.progress}%)")


def _stop(worker):
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    # A killed process's database session ends a moment after it: wait for it, so the test
    # database can be dropped at the end of the run.
    deadline = time.monotonic() + 15
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker needs a shared database")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_generates_the_dossier(to_broker, submitted, auditor, media_root):
    worker = _worker(media_root)
    try:
        job = services.document_request(
            by=auditor, kind="target_dossier", params={"target": submitted.pk}
        )
        _wait(job, lambda j: j.state == DocumentJob.State.DONE)
    finally:
        _stop(worker)
    assert submitted.title in pdf_text(job_file(job))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker needs a shared database")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_document_is_retried_and_the_result_is_complete(
    to_broker, submitted, auditor, media_root, dept_a, office
):
    worker = _worker(media_root, pool="prefork")
    try:
        job = services.document_request(
            by=office, kind="department_dossier", params={"department": dept_a.pk, "year": 2027}
        )
        _wait(job, lambda j: j.state == DocumentJob.State.RUNNING, timeout=60)
        children = subprocess.run(  # noqa: S603
            ["/usr/bin/pgrep", "-P", str(worker.pid)], capture_output=True, text=True
        ).stdout.split()
        assert children, "the prefork pool's process"
        for pid in children:
            os.kill(int(pid), signal.SIGKILL)
        _wait(job, lambda j: j.state == DocumentJob.State.DONE)
    finally:
        _stop(worker)
    assert job.attempts == 2
    assert submitted.title in pdf_text(job_file(job))
