"""The execution stage's notion of "now".

Deadlines, late marking and the early warning all depend on the date. Everything in execution
asks here, so the demo can replay a year's history on the dates it happened and tests can stand
on a fixed day (``frozen``), without patching Django or the system clock.
"""

import contextlib
import datetime

from django.utils import timezone

_frozen: datetime.datetime | None = None


def now() -> datetime.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen(at):
    """Within the block, ``now()`` is ``at`` (a date means 10:00 that day, Beijing time)."""
    global _frozen
    if isinstance(at, datetime.date) and not isinstance(at, datetime.datetime):
        at = timezone.make_aware(datetime.datetime.combine(at, datetime.time(10, 0)))
    previous, _frozen = _frozen, at
    try:
        yield at
    finally:
        _frozen = previous
