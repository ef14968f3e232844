"""The execution stage's default beat schedules, as its data migration creates them (a
transactional test elsewhere may have emptied the table, so they are created afresh here)."""

import importlib

from django.apps import apps
from django_celery_beat.models import PeriodicTask

from config.celery import app

schedules = importlib.import_module("execution.migrations.0002_default_schedules")


def default_schedule(name: str) -> PeriodicTask:
    PeriodicTask.objects.filter(name__in=[schedules.WARNINGS, schedules.ESCALATION]).delete()
    schedules.create(apps, None)
    entry = PeriodicTask.objects.select_related("crontab").get(name=name)
    # the task named exists in the Celery app, as a worker discovers it
    app.loader.import_default_modules()
    assert entry.task in app.tasks
    return entry
