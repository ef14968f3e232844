"""A Redis server of the test's own on a free port, stopped and started at will, the
in-process Celery app pointed at it, and real workers on it: the fault tests of issue 18 stop
the broker and kill workers without touching the Redis server other test runs share."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection
from django.test import override_settings

from config.celery import app
from tests.deploy import processes
from tests.documents.conftest import set_task_routes

REDIS_SERVER = shutil.which("redis-server")
ROOT = Path(__file__).resolve().parent.parent.parent


class RedisServer(processes.RedisServer):
    """``tests.deploy.processes.RedisServer``, stopped abruptly: killed, it loses every message
    it held, as a Redis restarted without its volume does."""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)


def _reset_pools() -> None:
    """Look the connection and producer pools up again for the current broker URL. Not closed:
    kombu keeps them in a registry shared by every app of the process."""
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def broker_at(url: str, queue: str):
    """The in-process Celery app sends the documents' tasks to ``queue`` on ``url``, for real
    (not eagerly); restored afterwards."""
    before = app.conf.broker_url
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    _reset_pools()
    set_task_routes({"documents.tasks.*": {"queue": queue}})
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            yield
    finally:
        app.conf.broker_url = before
        app.conf.task_always_eager = True
        _reset_pools()
        set_task_routes(None)


database_url = processes.database_url_for_subprocesses


def start_worker(
    redis: RedisServer, queue: str, media_root, log: Path, *, pool="solo", env=None
) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.documents.worker_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis.url,
        "MEDIA_ROOT": str(media_root),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(env or {}),
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
            queue,
            f"--pool={pool}",
            "--concurrency=2",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    # A killed process's database session ends a moment after it: wait, so the test database
    # can be dropped at the end of the run.
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


def wait_for(predicate, what: str, timeout: float = 120):
    """Poll until ``predicate()`` is true (a bound on the wait, never an assertion on time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"waited too long for: {what}")
