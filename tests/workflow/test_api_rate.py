"""The API's per-user rate (``workflow/throttling.py``, ``API_USER_RATE``): the limit holds over
any period, including across a window's edge, a refused request says when to come back, each
user is counted apart, what is kept stays two small counters whatever the rate, and an
unreachable cache lets requests through."""

import pytest
from django.core.cache import cache
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from workflow.throttling import UserRateThrottle

from ..conftest import make_user


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


CLOCK = Clock(0.0)


class ThreeAMinute(UserRateThrottle):
    rate = "3/minute"
    timer = CLOCK


class Probe(APIView):
    throttle_classes = [ThreeAMinute]

    def get(self, request):
        return Response({"ok": True})


def ask(user):
    request = APIRequestFactory().get("/probe/")
    force_authenticate(request, user=user)
    return Probe.as_view()(request)


@pytest.fixture
def users(db):
    cache.clear()
    return make_user("rate_a"), make_user("rate_b")


def test_the_rate_holds_and_a_refusal_says_when_to_come_back(users):
    a, b = users
    CLOCK.now = 600.0  # the start of a window
    assert [ask(a).status_code for _ in range(3)] == [200, 200, 200]
    refused = ask(a)
    assert refused.status_code == 429
    assert refused.data["detail"]  # the API's one error format, in words
    # The next window, and a third of it: by then the three weigh two in the last minute.
    assert refused["Retry-After"] == "80"
    CLOCK.now = 600.0 + 79
    assert ask(a).status_code == 429
    # Another user is counted apart.
    assert ask(b).status_code == 200
    CLOCK.now = 600.0 + 80
    assert ask(a).status_code == 200


def test_no_burst_of_twice_the_rate_at_a_windows_edge(users):
    a, _ = users
    CLOCK.now = 659.0  # the last second of a window: three requests
    assert [ask(a).status_code for _ in range(3)] == [200, 200, 200]
    CLOCK.now = 661.0  # two seconds later, a new window: the three still count
    refused = ask(a)
    assert refused.status_code == 429
    # Until a third of the previous window has slid out of the last minute.
    assert refused["Retry-After"] == "19"
    CLOCK.now = 661.0 + 18
    assert ask(a).status_code == 429
    CLOCK.now = 661.0 + 19
    assert ask(a).status_code == 200
    assert ask(a).status_code == 429
    CLOCK.now = 659.0 + 120  # the first three are more than a minute old
    assert [ask(a).status_code for _ in range(2)] == [200, 200]


def test_what_is_kept_is_two_counters_whatever_the_rate(users):
    a, _ = users
    CLOCK.now = 1200.0
    for _ in range(3):
        ask(a)
    key = ThreeAMinute().cache_format % {"scope": "user", "ident": a.pk}
    assert cache.get(f"{key}:20") == 3
    assert cache.get(key) is None  # not DRF's list of timestamps


def test_an_unreachable_cache_lets_requests_through(users, monkeypatch):
    a, _ = users

    def unreachable(*args, **kwargs):
        raise ConnectionError("redis is down")

    CLOCK.now = 1800.0
    # Redis (config.cache: the one round trip raises, as incr does), or any other cache.
    monkeypatch.setattr(ThreeAMinute.cache, "count_in_windows", unreachable, raising=False)
    monkeypatch.setattr(ThreeAMinute.cache, "get_many", unreachable)
    assert [ask(a).status_code for _ in range(5)] == [200] * 5


def test_without_redis_the_counters_are_read_then_written(users, monkeypatch):
    """The local-memory cache of ``make run`` has no one-round-trip counter: the same rule."""
    from django.core.cache.backends.locmem import LocMemCache

    a, _ = users
    monkeypatch.setattr(ThreeAMinute, "cache", LocMemCache("api-rate-test", {}))
    CLOCK.now = 2400.0
    assert [ask(a).status_code for _ in range(4)] == [200, 200, 200, 429]
    CLOCK.now = 2400.0 + 80
    assert ask(a).status_code == 200
