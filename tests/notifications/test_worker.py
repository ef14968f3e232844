"""Real components (issue 7): Celery beat with django-celery-beat's DatabaseScheduler sends the
sweep through the Redis broker named by REDIS_URL, a real worker runs it, the reminder lands in
the database and its e-mail goes out (console backend, in the worker's output). Runs in CI
(PostgreSQL + Redis); skipped where either is missing."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.celery import app
from notifications.models import Notification

from .conftest import executing_target

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs PostgreSQL"),
]

CELERY = str(Path(sys.executable).with_name("celery"))


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(args, log: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
        [CELERY, "-A", "config", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.django_db(transaction=True)
def test_beat_and_a_worker_deliver_a_reminder_through_redis(
    year_2026, dept_a, staff_a, head_a, office, tmp_path
):
    target = executing_target(year_2026, dept_a, staff_a, head_a, office)  # due 9 October 2026
    # A queue of this run's own, so nothing else on the Redis server is seen or taken.
    queue = f"mubiao-test-{uuid.uuid4().hex[:12]}"
    PeriodicTask.objects.update(enabled=False)  # the default 08:30 sweep and outbox flush
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.create(
        name="test: sweep for 8 October 2026",
        task="notifications.tasks.sweep_reminders",
        interval=every_second,
        kwargs=json.dumps({"today": "2026-10-08"}),  # 1 working day before the due date
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url(),
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "LOG_LEVEL": "INFO",
    }
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    worker = _start(
        [
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "INFO",
        ],
        worker_log,
        env,
    )
    beat = _start(
        [
            "beat",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            "--max-interval=1",
            f"--schedule={tmp_path / 'beat-schedule'}",
            "-l",
            "INFO",
        ],
        beat_log,
        env,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if Notification.objects.filter(email_status="sent").count() == 2:
                break
            time.sleep(0.5)
        # Let beat fire a few more sweeps: they must add nothing.
        time.sleep(3)
    finally:
        _stop(beat)
        _stop(worker)
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)
    logs = f"--- worker\n{worker_log.read_text()}\n--- beat\n{beat_log.read_text()}"
    rows = list(Notification.objects.order_by("recipient__username"))
    assert [(n.recipient.username, n.kind, n.email_status) for n in rows] == [
        ("head_a", "deadline", "sent"),
        ("staff_a", "deadline", "sent"),
    ], logs
    assert all(n.object_id == str(target.milestones.get().pk) for n in rows)
    output = worker_log.read_text()
    # the two e-mails, as the console backend printed them in the worker
    assert output.count("将于2026-10-09到期，还有1个工作日") == 2, logs
    assert "notifications.tasks.sweep_reminders" in output
