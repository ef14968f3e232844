"""The database drops every connection (a restart, a failover): web processes that keep their
connections (``CONN_MAX_AGE``, 60 s in ``.env.example``) must not answer the next request with a
500 (issue 18 item 4). ``CONN_HEALTH_CHECKS`` tests a kept connection before a request uses it.

The web app runs under gunicorn with sync workers, as in production; the test terminates its
PostgreSQL backends with ``pg_terminate_backend``.
"""

import json

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from .processes import Browser, WebServer, basic_auth

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

PASSWORD = "pass-1234"


@pytest.fixture
def production_password(settings, staff_a):
    """The suite hashes with MD5 for speed; the server runs the real hashers."""
    settings.PASSWORD_HASHERS = [
        *settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    staff_a.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    staff_a.save(update_fields=["password"])
    return staff_a


def start_web(**env):
    server = WebServer(CONN_MAX_AGE="300", **env)
    server.start()
    return server


def terminate_other_backends() -> int:
    """Ends every connection to the test database but this test's own; how many it ended."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def requests_of_a_user(browser: Browser) -> list[int]:
    return [
        browser.get("/healthz").status_code,
        browser.get("/targets/").status_code,
        browser.get("/api/v1/me/", headers=basic_auth("staff_a", PASSWORD)).status_code,
    ]


def test_no_request_fails_after_the_database_dropped_the_connections(production_password):
    """Issue 18 item 4: 0 errors after the app's backends are terminated."""
    web = start_web(workers="2")
    try:
        browser = Browser(web.url)
        assert browser.sign_in("staff_a", PASSWORD).status_code == 302
        for _ in range(3):
            assert requests_of_a_user(browser) == [200, 200, 200]

        assert terminate_other_backends() >= 1  # the workers' kept connections

        statuses = [status for _ in range(5) for status in requests_of_a_user(browser)]
        assert statuses == [200] * 15
        assert json.loads(browser.get("/healthz").body)["database"] == {"status": "ok"}
    finally:
        log = web.stop()
    assert "Internal Server Error" not in log, log


def test_without_health_checks_the_first_request_after_the_drop_fails(production_password):
    """Guards the test above: with ``CONN_HEALTH_CHECKS`` off, the same drop costs the next
    request a 500 — so the drop above really reached the workers' connections."""
    web = start_web(workers="1", CONN_HEALTH_CHECKS="false")
    try:
        browser = Browser(web.url)
        assert browser.sign_in("staff_a", PASSWORD).status_code == 302
        assert browser.get("/targets/").status_code == 200

        assert terminate_other_backends() >= 1

        assert browser.get("/targets/").status_code == 500
        # Django discards the broken connection after the failed request.
        assert browser.get("/targets/").status_code == 200
    finally:
        web.stop()
