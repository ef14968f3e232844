"""Two workers or clean-ups on one document job at the same moment (real threads, real
PostgreSQL connections): one document, one record of each step (issue 15; Shanghai measures
Art. 14 全程记录)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from documents import services
from documents.models import DocumentJob
from notifications.models import Notification
from tests.documents.conftest import queued_job
from tests.helpers import run_together

State = DocumentJob.State

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need a real database server"
    ),
]


def test_two_deliveries_of_one_job_at_once_make_one_document(plan_year, auditor, media_root):
    """acks_late: the same message reaches two workers at once. Both may start it; one
    finishes it, the other finds it done and writes nothing: one file, one "finish" record,
    one notice to the requester."""
    job = queued_job(auditor)
    run_together(lambda: services.job_run(job_id=job.pk), lambda: services.job_run(job_id=job.pk))
    job.refresh_from_db()
    assert job.state == State.DONE and job.file
    assert AuditEvent.objects.with_action(DocumentJob, "finish").count() == 1
    assert AuditEvent.objects.with_action(DocumentJob, "start").count() == job.attempts
    assert Notification.objects.filter(recipient=auditor).count() == 1
    files = list((media_root / "documents").rglob("*.xlsx"))
    assert len(files) == 1


def test_failing_a_job_twice_at_once_records_one_failure(plan_year, auditor):
    """The task's own failure and the clean-up of stuck jobs at the same moment: exactly one
    of them fails the job and is recorded; the other finds it failed and does nothing."""
    job = queued_job(auditor, state=State.RUNNING)
    outcomes = run_together(
        lambda: services.job_fail(job_id=job.pk, message="生成失败，请重新申请。"),
        lambda: services.job_fail(job_id=job.pk, message="生成超时，请重新申请。"),
    )
    assert outcomes == [None, None]
    job.refresh_from_db()
    assert job.state == State.FAILED
    [event] = AuditEvent.objects.with_action(DocumentJob, "fail")
    assert event.changes["error"] == ["", job.error]


def test_two_clean_ups_at_once_expire_a_document_once(plan_year, auditor, media_root):
    job = queued_job(auditor)
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    later = timezone.now() + datetime.timedelta(hours=25)
    removed = run_together(
        lambda: services.purge_expired(now=later), lambda: services.purge_expired(now=later)
    )
    assert sorted(removed) == [0, 1]
    job.refresh_from_db()
    assert job.state == State.EXPIRED and not job.file
    assert AuditEvent.objects.with_action(DocumentJob, "expire").count() == 1
