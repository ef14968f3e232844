"""Evidence files no record refers to — left in storage when the transaction that saved their
row rolled back — are swept daily (execution.files.purge_orphan_evidence); files a record
refers to, and young files that may belong to a transaction still running, stay."""

import datetime
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from execution import files
from execution.models import ReportEvidence
from execution.tasks import purge_orphan_evidence

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def stored(name: str, *, age_seconds: int) -> str:
    saved = default_storage.save(name, ContentFile(b"%PDF-1.4 orphan"))
    then = time.time() - age_seconds
    os.utime(default_storage.path(saved), (then, then))
    return saved


def test_every_evidence_field_of_every_stage_is_known():
    fields = {(m._meta.label, f.name) for m, f in files.evidence_fields()}
    assert {
        ("execution.ReportEvidence", "file"),
        ("execution.AdjustmentRequest", "attachment"),
        ("execution.CompletionReport", "evidence"),
    } <= fields
    assert {label.split(".")[0] for label, _name in fields} == {"execution", "supervision"}


def test_only_old_files_no_record_refers_to_are_deleted(draft_report):
    kept = ReportEvidence.objects.get(report=draft_report).file.name
    os.utime(default_storage.path(kept), (time.time() - 3 * DAY,) * 2)
    old_orphan = stored("evidence/2027/03/0123456789abcdef.pdf", age_seconds=2 * DAY)
    young_orphan = stored("evidence/2027/04/fedcba9876543210.pdf", age_seconds=3600)

    assert files.orphan_evidence_files(older_than=datetime.timedelta(days=1)) == [old_orphan]
    assert purge_orphan_evidence.delay().get() == 1

    assert not default_storage.exists(old_orphan)
    assert default_storage.exists(kept) and default_storage.exists(young_orphan)
    # The record's file still downloads.
    assert ReportEvidence.objects.get(report=draft_report).file.read().startswith(b"%PDF")


def test_the_grace_period_is_a_setting(settings):
    settings.EVIDENCE_ORPHAN_GRACE_HOURS = 1
    orphan = stored("evidence/2027/05/00aa00aa00aa00aa.pdf", age_seconds=2 * 3600)
    assert files.purge_orphan_evidence() == 1
    assert not default_storage.exists(orphan)


def test_nothing_stored_yet_is_nothing_to_do():
    assert files.purge_orphan_evidence() == 0


def test_the_sweep_is_scheduled_daily():
    """As the data migration creates it (created afresh: a transactional test elsewhere may
    have emptied the table), naming a task the worker knows."""
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    from config.celery import app

    migration = importlib.import_module("execution.migrations.0005_evidence_purge_schedule")
    PeriodicTask.objects.filter(name=migration.NAME).delete()
    migration.create(apps, None)
    task = PeriodicTask.objects.select_related("crontab").get(name=migration.NAME)
    assert task.enabled and task.crontab.hour == "3" and task.crontab.minute == "20"
    app.loader.import_default_modules()
    assert task.task in app.tasks
