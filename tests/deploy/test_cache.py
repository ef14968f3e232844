"""The shared cache while Redis is down (issue 18 item 1, config/cache.py): reads miss, adds
fail, writes are skipped — nothing is raised into a request — except counters, which must not
silently stop counting."""

import pytest
from django.core.cache import caches
from redis.exceptions import ConnectionError as RedisConnectionError

from .processes import RedisServer


@pytest.fixture
def unreachable(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    return caches["default"]


def test_reads_miss_and_writes_are_skipped(unreachable):
    assert unreachable.is_available() is False
    assert unreachable.get("k") is None
    assert unreachable.get("k", "fallback") == "fallback"
    assert unreachable.get_many(["a", "b"]) == {}
    assert unreachable.has_key("k") is False
    assert unreachable.add("k", 1, timeout=None) is False  # never "you hold the lock"
    unreachable.set("k", 1)
    unreachable.set_many({"a": 1})
    assert unreachable.delete("k") is False
    assert unreachable.get_or_set("k", "computed") == "computed"


def test_counters_still_raise(unreachable):
    with pytest.raises(RedisConnectionError):
        unreachable.incr("k")


@pytest.fixture
def redis_cache(settings):
    url = settings.REDIS_URL
    if not url:
        pytest.skip("needs Redis (REDIS_URL)")
    settings.CACHES = {"default": {"BACKEND": "config.cache.FailSoftRedisCache", "LOCATION": url}}
    return caches["default"]


def test_one_redis_client_per_pool_serves_every_call(redis_cache):
    """Django builds a new redis.Redis per call, ~0.2 ms each (issue 20): the client is kept,
    and keeps working across calls, reads and writes."""
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client
    redis_cache.set("mubiao-test-reused", 1, 5)
    assert redis_cache.get("mubiao-test-reused") == 1
    assert redis_cache.incr("mubiao-test-reused") == 2
    assert redis_cache._cache.get_client() is client
    redis_cache.delete("mubiao-test-reused")


def test_a_kept_client_comes_back_after_an_outage(tmp_path, settings):
    """The kept client holds no connection of its own: after Redis restarts, the next call
    borrows a new one from the pool instead of failing for good."""
    server = RedisServer(tmp_path)
    server.start()
    try:
        settings.CACHES = {
            "default": {
                "BACKEND": "config.cache.FailSoftRedisCache",
                "LOCATION": server.url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            }
        }
        cache = caches["default"]
        cache.set("k", "before", 30)
        server.stop()
        assert cache.get("k") is None  # a miss while down, not an error
        server.start()
        cache.set("k", "after", 30)
        assert cache.get("k") == "after"
    finally:
        server.stop()
