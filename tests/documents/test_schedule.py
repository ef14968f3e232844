"""The expired-document purge runs every hour from a row of the database scheduler, like every
other schedule (issue 7: schedules editable in /admin/), never from a settings entry that beat
would write back over an administrator's edit."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from config.celery import app

pytestmark = pytest.mark.django_db
migration = importlib.import_module("documents.migrations.0004_default_schedule")


def _create_default():
    PeriodicTask.objects.filter(name=migration.PURGE).delete()
    migration.create(apps, None)
    return PeriodicTask.objects.select_related("interval").get(name=migration.PURGE)


def test_the_purge_runs_every_hour_from_the_database_scheduler():
    entry = _create_default()
    assert entry.task == "documents.tasks.purge_expired_documents" and entry.enabled
    assert (entry.interval.every, entry.interval.period) == (1, "hours")
    app.loader.import_default_modules()
    assert entry.task in app.tasks
    assert not getattr(settings, "CELERY_BEAT_SCHEDULE", {})


def test_an_edited_purge_schedule_is_kept_when_the_migration_runs_again():
    _create_default()
    PeriodicTask.objects.filter(name=migration.PURGE).update(enabled=False)
    migration.create(apps, None)
    assert not PeriodicTask.objects.get(name=migration.PURGE).enabled
