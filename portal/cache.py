"""The public pages' cache (Redis when configured): anonymous traffic is answered from it and
never reaches the workflow's queries (issue 21 item 6).

Every cached answer's key carries the public version; any change of a public record moves the
version on (after commit), so every page is invalidated at once and rebuilt on its next visit.
The public data changes a few times a day; a whole-site version is simpler than tracking which
page shows which target, and never serves a stale value.
"""

import hashlib

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "portal:version"
# A cached page lives a day at most even if nothing changed (the "today" of overdue marks).
TIMEOUT = 24 * 3600


def version() -> int:
    value = cache.get(VERSION_KEY)
    if value is None:
        # Redis down or the key evicted: start a fresh series (never reuse an old one).
        import time

        value = int(time.time() * 1000)
        cache.add(VERSION_KEY, value, None)
    return value


def bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except Exception:
        # The key is missing (first change) or Redis is down: a new series starts either way.
        cache.delete(VERSION_KEY)


def bump_after_commit() -> None:
    transaction.on_commit(bump)


def page_key(kind: str, language: str, full_path: str) -> str:
    digest = hashlib.sha256(full_path.encode()).hexdigest()[:32]
    return f"portal:{version()}:{kind}:{language}:{digest}"


def get(key: str):
    return cache.get(key)


def put(key: str, value) -> None:
    cache.set(key, value, TIMEOUT)
