"""The shared cache (Redis), degrading to "nothing cached" while Redis is down (issue 18 item 1).

Nothing in Mubiao keeps anything in the cache that must not be lost: the working calendar's
version stamp (a miss makes a process reload the calendar), DRF's per-user API rate (a miss lets
the request through). Sign-in failures live in the database (``accounts.throttle``). So
when Redis cannot be reached, a read is a miss, ``add`` adds nothing (``False``), and a write or
delete is skipped — logged, never raised into the request. ``incr``/``decr`` still raise: a
counter that silently stops counting is worse than an error.

``is_available()`` asks Redis directly, for ``/healthz``.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("mubiao.cache")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# One warning a minute per process is enough to see an outage in the logs.
_WARN_EVERY_SECONDS = 60
_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("cache unreachable (%s: %s); serving without it", operation, error)


class ReusedClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` around its connection pool for every cache
    call, and redis-py's constructor fills a table of ~170 reply callbacks each time: 0.2 ms, a
    tenth of a page served from the cache (issue 20). A ``Redis`` object holds no connection
    of its own (it borrows one from the pool per command) and is safe to share between
    threads, so one per pool is kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient

    def is_available(self) -> bool:
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNREACHABLE:
            return False

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            _warn("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            _warn("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            _warn("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            _warn("add", error)
            return False

    def count_in_windows(self, key: str, previous: str, timeout: int) -> tuple[int, int]:
        """Add one to the counter ``key`` (kept ``timeout`` seconds) and read the counter
        ``previous``, in one round trip (``workflow.throttling``: the API's rate, on every API
        request). Raises while Redis is unreachable, as ``incr`` does."""
        key, previous = self.make_and_validate_key(key), self.make_and_validate_key(previous)
        with self._cache.get_client(key, write=True).pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, timeout)
            pipe.get(previous)
            count, _expiry, before = pipe.execute()
        return count, int(before or 0)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            _warn("set", error)
            return None

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            _warn("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            _warn("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            _warn("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNREACHABLE as error:
            _warn("delete_many", error)
            return None
