"""The id of the request being served, so every audit row can name the request that wrote it;
and the clock audit rows take their time from."""

import contextlib
import contextvars
import datetime
from collections.abc import Callable

from django.utils import timezone

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return request_id_var.get()


# The demo replays past years on the dates they happened (``demo.seed``): while a clock is set
# here, an audit row's time is that clock's, so the trail an auditor reads shows the replayed
# dates, not the moment the demo was seeded. Nothing else sets it.
_clock_var: contextvars.ContextVar[Callable[[], datetime.datetime] | None] = contextvars.ContextVar(
    "audit_clock", default=None
)


def event_time() -> datetime.datetime:
    clock = _clock_var.get()
    return clock() if clock is not None else timezone.now()


@contextlib.contextmanager
def replayed_clock(clock: Callable[[], datetime.datetime]):
    """Within the block, audit rows are stamped with ``clock()``."""
    token = _clock_var.set(clock)
    try:
        yield
    finally:
        _clock_var.reset(token)
