"""/healthz, the probe of load balancers and the compose health check."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


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
