"""The Celery application. With ``REDIS_URL`` set it uses Redis as broker; without, the settings
make every task run eagerly in the calling process (the demo needs no servers)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("mubiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
