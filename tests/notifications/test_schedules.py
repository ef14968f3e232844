"""The default schedules of django-celery-beat's database scheduler (issue 7): created by a
data migration on every fresh installation, editable in /admin/, never overwritten."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from accounts.models import User
from config.celery import app

pytestmark = pytest.mark.django_db
migration = importlib.import_module("notifications.migrations.0002_default_schedules")


def _create_defaults():
    PeriodicTask.objects.filter(name__in=[migration.SWEEP, migration.OUTBOX]).delete()
    migration.create(apps, None)


def test_the_sweep_runs_every_morning_and_the_outbox_every_ten_minutes():
    _create_defaults()
    sweep = PeriodicTask.objects.get(name=migration.SWEEP)
    assert sweep.task == "notifications.tasks.sweep_reminders" and sweep.enabled
    assert (sweep.crontab.hour, sweep.crontab.minute) == ("8", "30")
    assert str(sweep.crontab.timezone) == "Asia/Shanghai"
    outbox = PeriodicTask.objects.get(name=migration.OUTBOX)
    assert outbox.task == "notifications.tasks.deliver_pending_emails"
    assert (outbox.interval.every, outbox.interval.period) == (10, "minutes")
    # the tasks named exist in the Celery app, as a worker discovers them
    app.loader.import_default_modules()
    assert {sweep.task, outbox.task} <= set(app.tasks)


def test_an_edited_schedule_is_kept_when_the_migration_runs_again():
    _create_defaults()
    PeriodicTask.objects.filter(name=migration.SWEEP).update(enabled=False)
    migration.create(apps, None)
    assert not PeriodicTask.objects.get(name=migration.SWEEP).enabled
    assert PeriodicTask.objects.filter(name=migration.SWEEP).count() == 1


def test_beat_uses_the_database_scheduler():
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


def test_the_administrator_edits_schedules_in_admin(client):
    _create_defaults()
    client.force_login(User.objects.create_superuser("root", "r@example.gov.cn", "pass-1234"))
    page = client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert page.status_code == 200
    assert migration.SWEEP in page.content.decode()
