"""Issue 18 item 2: a document asked for while Redis (the broker) is down is not lost. The job
row is the record of the request (the outbox); the page and the API answer "已登记，服务恢复后
生成" instead of an error, and the periodic re-send (a django-celery-beat row) sends it when the
broker is back — generated exactly once, however many messages a job ends up with.

Real components: a redis-server of the test's own on a free port, stopped mid-test (without
persistence, so a message it held is lost as well), and a real Celery worker on PostgreSQL."""

import datetime
import importlib
import uuid

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from audit.models import AuditEvent
from config.celery import app
from documents import services, tasks
from documents.models import DocumentJob
from notifications.models import Notification
from tests.documents.faults import (
    REDIS_SERVER,
    RedisServer,
    broker_at,
    start_worker,
    stop_worker,
    wait_for,
)
from tests.helpers import act_as

State = DocumentJob.State
NOTICE = "已登记，服务恢复后生成"
migration = importlib.import_module("documents.migrations.0006_outbox")


@pytest.fixture
def redis_server(tmp_path):
    if not REDIS_SERVER:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.mark.django_db
def test_the_resend_runs_every_two_minutes_from_the_database_scheduler():
    """Like every schedule, a row editable in /admin/ (issue 7), created by a data migration;
    an administrator's edit is kept when the migration runs again."""
    PeriodicTask.objects.filter(name=migration.RESEND).delete()
    migration.create(apps, None)
    entry = PeriodicTask.objects.select_related("interval").get(name=migration.RESEND)
    assert entry.task == "documents.tasks.resend_queued_documents" and entry.enabled
    assert (entry.interval.every, entry.interval.period) == (2, "minutes")
    app.loader.import_default_modules()
    assert entry.task in app.tasks
    entry.enabled = False
    entry.save()
    migration.create(apps, None)
    assert not PeriodicTask.objects.get(name=migration.RESEND).enabled


def _backdate(minutes=10) -> None:
    """As if the re-send interval had passed (DOCUMENTS_RESEND_AFTER_MINUTES, 3)."""
    earlier = timezone.now() - datetime.timedelta(minutes=minutes)
    DocumentJob.objects.update(created_at=earlier)
    DocumentJob.objects.filter(sent_at__isnull=False).update(sent_at=earlier)


@pytest.mark.django_db
def test_a_job_is_resent_only_when_due_and_by_one_run(submitted, auditor, media_root):
    """The re-send leaves a job just asked for alone (its own send is under way) and sends a
    due one once: a second run finds nothing due (eager Celery: the document is generated)."""
    fresh = DocumentJob.objects.create(
        kind="target_dossier", params={"target": submitted.pk}, requested_by=auditor
    )
    assert services.jobs_resend() == 0
    _backdate()
    assert services.jobs_resend() == 1
    assert services.jobs_resend() == 0
    fresh.refresh_from_db()
    assert fresh.state == State.DONE and fresh.attempts == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker needs a shared database")
@pytest.mark.django_db(transaction=True)
def test_documents_asked_for_during_a_redis_outage_are_generated_once_after_it(
    redis_server, client, submitted, auditor, media_root, tmp_path
):
    queue = f"mubiao-test-outage-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    with broker_at(redis_server.url, queue):
        # Before the outage: the broker takes the message of job A (no worker runs yet) …
        lost = services.document_request(
            by=auditor, kind="target_dossier", params={"target": submitted.pk}
        )
        lost.refresh_from_db()
        assert lost.sent_at is not None and redis_server.client().llen(queue) == 1
        # … then Redis goes down and comes back empty: A's message is gone.
        redis_server.stop()

        # During the outage: the page and the API record the request and say so.
        client.force_login(auditor)
        response = client.post(
            reverse("documents:request"), {"kind": "target_dossier", "target": submitted.pk}
        )
        assert response.status_code == 302
        page = client.get(response.url).content.decode()
        assert NOTICE in page and "data-awaiting-broker" in page
        api = act_as(APIClient(), auditor)
        answer = api.post(
            "/api/v1/documents/", {"kind": "target_dossier", "target": submitted.pk}, format="json"
        )
        assert answer.status_code == 202, answer.content
        assert answer.json()["state"] == "queued" and answer.json()["notice"] == NOTICE
        jobs = list(DocumentJob.objects.order_by("id"))
        assert len(jobs) == 3
        assert [j.state for j in jobs] == [State.QUEUED] * 3
        assert [j.sent_at is None for j in jobs] == [False, True, True]
        # The re-send while the broker is still down sends nothing and raises nothing.
        _backdate()
        assert services.jobs_resend() == 0
        assert DocumentJob.objects.filter(sent_at__isnull=True).count() == 3

        redis_server.start()
        # Back: the re-send sends all three; a second message of each (the next run, again
        # due) — whichever of a job's messages comes first generates it, the other does nothing.
        assert services.jobs_resend() == 3
        _backdate()
        tasks.resend_queued_documents.delay()  # the periodic task, through the broker
        worker = start_worker(redis_server, queue, media_root, log, pool="prefork")
        try:
            wait_for(
                lambda: DocumentJob.objects.filter(state=State.DONE).count() == 3,
                "the three documents",
            )
            broker = redis_server.client()
            wait_for(
                lambda: broker.llen(queue) == 0 and broker.hlen("unacked") == 0,
                "every message handled",
            )
        finally:
            stop_worker(worker)
    output = log.read_text()
    assert "documents.tasks.resend_queued_documents" in output, output
    for job in DocumentJob.objects.all():
        assert job.attempts == 1, output  # generated once
        assert (
            AuditEvent.objects.with_action(DocumentJob, "start")
            .filter(object_id=str(job.pk))
            .count()
            == 1
        )
        assert (
            AuditEvent.objects.with_action(DocumentJob, "finish")
            .filter(object_id=str(job.pk))
            .count()
            == 1
        )
    assert Notification.objects.filter(recipient=auditor, kind="document_ready").count() == 3
    assert len(list((media_root / "documents").rglob("*.pdf"))) == 3
    page = client.get(reverse("documents:job_detail", args=[jobs[1].pk])).content.decode()
    assert NOTICE not in page and "data-download" in page
