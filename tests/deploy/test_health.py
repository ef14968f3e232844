"""/healthz, the probe of load balancers and the compose health check."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Notification

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.django_db
def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"status": "ok"}
    assert set(body) == {"status", "database", "cache", "broker", "worker"}


@pytest.mark.django_db
def test_healthz_response_carries_a_request_id(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) >= 16


@pytest.mark.django_db
def test_request_id_from_the_proxy_is_kept_so_logs_line_up(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})
    assert response["X-Request-ID"] == "lb-7f3a.42"


@pytest.mark.django_db
def test_unsafe_request_id_is_replaced_not_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert "<" not in response["X-Request-ID"]
    assert response["X-Request-ID"] != "<script>alert(1)</script>"


@pytest.mark.django_db
def test_healthz_reports_503_when_the_database_does_not_answer(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == {"status": "unavailable"}


@pytest.mark.django_db
def test_healthz_stays_200_but_says_degraded_when_redis_is_unreachable(client, settings):
    """Issue 18 item 1: the web process serves without Redis, so no 503 (which would make the
    load balancer take every web process out); the body names what is missing."""
    settings.CACHES = {
        "default": {"BACKEND": "config.cache.FailSoftRedisCache", "LOCATION": UNREACHABLE_REDIS}
    }
    settings.CELERY_BROKER_URL = UNREACHABLE_REDIS
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == {"status": "ok"}
    assert body["cache"] == {"status": "unavailable"}
    assert body["broker"] == {"status": "unavailable"}


@pytest.mark.django_db
def test_healthz_reports_a_worker_behind_when_e_mails_wait_past_their_time(
    client, settings, staff_a
):
    """No worker taking tasks shows as e-mails of the outbox long overdue."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://localhost/"
    due = timezone.now() - datetime.timedelta(minutes=5)
    Notification.objects.create(
        recipient=staff_a, kind="test", title="t", email_status="pending", email_next_attempt_at=due
    )
    assert client.get("/healthz").json()["worker"] == {"status": "ok", "overdue_emails": 0}

    Notification.objects.update(email_next_attempt_at=due - datetime.timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == {"status": "behind", "overdue_emails": 1}
    assert response.json()["status"] == "degraded"

    # A row never tried is due since it was written.
    Notification.objects.update(email_next_attempt_at=None)
    assert client.get("/healthz").json()["worker"]["overdue_emails"] == 0
    Notification.objects.update(created_at=due - datetime.timedelta(hours=1))
    assert client.get("/healthz").json()["worker"]["overdue_emails"] == 1
