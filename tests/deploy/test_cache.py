"""The shared cache while Redis is down (issue 18 item 1, config/cache.py): reads miss, adds
fail, writes are skipped — nothing is raised into a request — except counters, which must not
silently stop counting."""

import pytest
from django.core.cache import caches
from redis.exceptions import ConnectionError as RedisConnectionError


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
