"""Where the password-guessing throttle keeps its counts (issue 18 item 1): in the database, so a
Redis outage neither breaks sign-in nor lifts the lockout (issue 11)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import SignInFailure
from accounts.throttle import parse_rate

pytestmark = pytest.mark.django_db

URL = reverse("accounts:login")


@pytest.fixture
def redis_down(throttled):
    throttled.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    return throttled


def test_sign_in_works_while_the_cache_is_unreachable(client, staff_a, redis_down):
    response = client.post(URL, {"username": "staff_a", "password": "pass-1234"})
    assert response.status_code == 302


def test_lockout_holds_while_the_cache_is_unreachable(client, staff_a, redis_down):
    redis_down.LOGIN_RATE_PER_USERNAME = "3/h"
    for _ in range(3):
        assert client.post(URL, {"username": "staff_a", "password": "x"}).status_code == 200
    response = client.post(URL, {"username": "staff_a", "password": "pass-1234"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_older_than_the_window_no_longer_count(client, staff_a, throttled):
    throttled.LOGIN_RATE_PER_USERNAME = "3/h"
    for _ in range(3):
        client.post(URL, {"username": "staff_a", "password": "x"})
    assert client.post(URL, {"username": "staff_a", "password": "pass-1234"}).status_code == 429

    SignInFailure.objects.update(at=timezone.now() - datetime.timedelta(minutes=61))
    response = client.post(URL, {"username": "staff_a", "password": "pass-1234"})
    assert response.status_code == 302


def test_failures_too_old_to_count_are_deleted_on_the_next_failure(client, staff_a, throttled):
    throttled.LOGIN_RATE_PER_USERNAME = "3/h"
    throttled.LOGIN_RATE_PER_IP = "30/m"
    client.post(URL, {"username": "staff_a", "password": "x"})
    SignInFailure.objects.update(at=timezone.now() - datetime.timedelta(hours=2))
    client.post(URL, {"username": "staff_a", "password": "y"})
    # the two rows of the new failure (account, address); the old ones are gone
    assert SignInFailure.objects.count() == 2


def test_the_table_never_holds_what_was_typed_as_a_username(client, throttled):
    client.post(URL, {"username": "my-secret-password", "password": "x"})
    keys = list(SignInFailure.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert all(len(k) == 64 and "secret" not in k for k in keys)


def test_successful_sign_ins_write_nothing(client, staff_a, throttled):
    client.post(URL, {"username": "staff_a", "password": "pass-1234"})
    assert not SignInFailure.objects.exists()


def test_throttle_off_counts_nothing(client, staff_a, settings):
    settings.RATELIMIT_ENABLE = False
    for _ in range(20):
        client.post(URL, {"username": "staff_a", "password": "x"})
    assert not SignInFailure.objects.exists()
    assert client.post(URL, {"username": "staff_a", "password": "pass-1234"}).status_code == 302


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("10/m", (10, datetime.timedelta(minutes=1))),
        ("3/h", (3, datetime.timedelta(hours=1))),
        ("100/5m", (100, datetime.timedelta(minutes=5))),
        ("5/d", (5, datetime.timedelta(days=1))),
    ],
)
def test_rates_read_as_django_ratelimit_and_drf_spell_them(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["", "ten/m", "10/w", "10", "/m"])
def test_a_misspelt_rate_is_an_error_not_no_limit(rate):
    with pytest.raises(ValueError, match="not a rate"):
        parse_rate(rate)
