"""With REDIS_URL set, a task queued after commit really reaches the Redis broker, where a
worker (docker-compose's ``worker``) picks it up. Runs in CI, which points REDIS_URL at the
local server; skipped where no Redis is configured."""

import os

import pytest
from django.test import override_settings

from config.celery import app
from targets import services

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set"),
]

QUEUE = "mubiao-test-notifications"


@pytest.fixture
def broker():
    # A queue of its own, so the test neither sees nor steals other messages on the server.
    with app.connection_for_write() as conn:
        yield conn
        conn.default_channel.queue_purge(QUEUE)


def queued(conn) -> int:
    return conn.default_channel.client.llen(QUEUE)


def test_returning_a_target_queues_the_notification_in_redis(
    broker, submitted, office, staff_a, head_a, django_capture_on_commit_callbacks
):
    app.conf.task_always_eager = False
    app.conf.task_routes = {"notifications.tasks.deliver_notification_email": {"queue": QUEUE}}
    # The router is built at the first message sent in the process: rebuild it with these routes.
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    try:
        with (
            override_settings(CELERY_TASK_ALWAYS_EAGER=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.target_return(target=submitted, by=office, comment="请补充节点目标。")
        # one e-mail per recipient: the lead department's staff and head
        assert queued(broker) == 2
    finally:
        app.conf.task_always_eager = True
        app.conf.task_routes = None
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)
