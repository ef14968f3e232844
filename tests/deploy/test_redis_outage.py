"""A Redis outage, as an operator would see it (issue 18 item 1): the web app runs under gunicorn
with its own Redis on a free port as cache and broker; the test stops Redis mid-run.

While Redis is down, signing in, an API list and a page action still succeed, and the
password-guessing lockout (issue 11) still holds — including failures counted before the outage.
PostgreSQL only: the web processes must see the test's data, committed.
"""

import json

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.urls import reverse

from notifications.models import Notification
from targets.models import Target

from .processes import Browser, RedisServer, WebServer, basic_auth

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

PASSWORD = "pass-1234"
WEB_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def give_production_passwords(settings, *users):
    """The suite hashes with MD5 for speed; the server runs the real hashers."""
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, *WEB_HASHERS]
    for user in users:
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def web(redis_server, transactional_db):
    server = WebServer(
        REDIS_URL=redis_server.url,
        # A queue of the test's own, which no worker reads.
        CELERY_QUEUE=f"mubiao-outage-test-{redis_server.port}",
        LOGIN_RATE_PER_USERNAME="3/h",
        LOGIN_RATE_PER_IP="1000/h",
        API_USER_RATE="1000/hour",
    )
    server.start()
    yield server
    log = server.stop()
    # No request failed, not even one the asserts below did not look at.
    assert "Internal Server Error" not in log, log


def test_sign_in_api_and_pages_keep_working_while_redis_is_down(
    web, redis_server, submitted, office, staff_a, head_a, staff_b, settings
):
    """Issue 18 item 1: Redis (cache and broker) stops; the web app keeps serving."""
    give_production_passwords(settings, office, staff_a, head_a, staff_b)
    target_url = reverse("targets:target_detail", args=[submitted.pk])
    api = Browser(web.url)
    assert api.get("/api/v1/targets/", headers=basic_auth("staff_a", PASSWORD)).status_code == 200

    # Two failed guesses at staff_b's password before the outage...
    guesser = Browser(web.url)
    for _ in range(2):
        assert guesser.sign_in("staff_b", "guess").status_code == 200

    redis_server.stop()

    # /healthz says what is missing, and still 200: the web process works without Redis.
    health = Browser(web.url).get("/healthz")
    assert health.status_code == 200
    body = json.loads(health.body)
    assert body["status"] == "degraded"
    assert body["database"] == {"status": "ok"}
    assert body["cache"] == {"status": "unavailable"}
    assert body["broker"] == {"status": "unavailable"}

    # Signing in on the login page.
    browser = Browser(web.url)
    response = browser.sign_in("office", PASSWORD)
    assert response.status_code == 302, response.text
    assert browser.get(target_url).status_code == 200

    # An API list, through DRF's per-user throttle (which keeps its counts in the cache).
    response = api.get("/api/v1/targets/", headers=basic_auth("staff_a", PASSWORD))
    assert response.status_code == 200, response.text
    assert [row["id"] for row in json.loads(response.body)["results"]] == [submitted.pk]

    # A page action: the general office returns the target; its e-mails wait in the outbox.
    notifications_before = Notification.objects.count()
    response = browser.post(
        reverse("targets:target_transition", args=[submitted.pk, "return"]),
        {"comment": "请补充节点目标。"},
        form_page=target_url,
    )
    assert response.status_code == 302, response.text
    submitted.refresh_from_db()
    assert submitted.state == Target.State.RETURNED
    written = Notification.objects.count() - notifications_before
    assert written == 2  # the lead department's staff and head, each once
    assert (
        Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).count()
        == written
    )

    # ...and a third failure during it locks staff_b: the right password is refused now, on the
    # page and on the API alike. The lockout is not a bypass while the cache is gone.
    assert guesser.sign_in("staff_b", "guess").status_code == 200
    assert guesser.sign_in("staff_b", PASSWORD).status_code == 429
    locked = Browser(web.url).get("/api/v1/me/", headers=basic_auth("staff_b", PASSWORD))
    assert locked.status_code == 429
    # Someone else is not affected.
    assert Browser(web.url).sign_in("head_a", PASSWORD).status_code == 302

    # Redis returns: the same web processes use it again, without a restart.
    redis_server.start()
    body = json.loads(Browser(web.url).get("/healthz").body)
    assert body["cache"] == {"status": "ok"}
    assert body["broker"] == {"status": "ok"}
    response = api.get("/api/v1/targets/", headers=basic_auth("staff_a", PASSWORD))
    assert response.status_code == 200
