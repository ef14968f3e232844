"""Which targets are public now — asked on every audited change (``portal.signals``), so it must
cost no query in the common case.

The set of published target ids is small (a year's list, a few hundred), so each process keeps
it in memory, like the working calendar (``workdays.calendar``): a publish or withdrawal moves
a version in the shared cache (Redis in production) and every process reloads on its next
call — one cache read per call, one query per publishing decision.
"""

import threading
import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "portal:published-targets-version"
_local = threading.local()


def _load() -> frozenset[int]:
    from .models import PublicTarget

    return frozenset(
        PublicTarget.objects.filter(state=PublicTarget.State.PUBLISHED).values_list(
            "target_id", flat=True
        )
    )


def published_target_ids() -> frozenset[int]:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    cached = getattr(_local, "ids", None)
    if cached is None or cached[0] != version:
        cached = (version, _load())
        _local.ids = cached
    return cached[1]


def is_published(target_id: int) -> bool:
    return target_id in published_target_ids()


def invalidate() -> None:
    """Make every process reload the set on its next call."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _local.ids = None


def invalidate_now_and_after_commit() -> None:
    """For a publishing decision: at once (this transaction sees its own change), and again
    after commit (a process that reloaded in between read the state before it)."""
    invalidate()
    transaction.on_commit(invalidate)
