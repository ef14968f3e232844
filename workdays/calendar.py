"""Working days on the official calendar — the one module every deadline is counted with.

    is_working_day(date)            -> bool
    add_working_days(date, n)       -> date   (n < 0 counts backwards)
    working_days_between(a, b)      -> int

A date is a working day when it is Monday–Friday and not an official holiday, or when it is a
调休 Saturday/Sunday (``workdays.models.OfficialDay``). Years the table does not cover yet fall
back to the plain Monday–Friday week, so the administrator should enter next year's notice when
it is published (November).

The table is small (a few hundred rows), so each process keeps it in memory. A change saved in
/admin/ bumps a version in the shared cache (Redis in production), and every process reloads on
its next call: one cache read per call, one query per change.
"""

import datetime
import threading
import uuid

from django.core.cache import cache

from workflow.generations import depends_on

VERSION_KEY = "workdays:calendar-version"
ONE_DAY = datetime.timedelta(days=1)


class WorkingCalendar:
    """A snapshot of the official calendar. Pure computation, no queries."""

    def __init__(self, exceptions: dict[datetime.date, bool]):
        # date -> is it a working day, for the dates that differ from the Monday–Friday rule
        self.exceptions = exceptions

    def is_working_day(self, day: datetime.date) -> bool:
        if isinstance(day, datetime.datetime):
            day = day.date()
        special = self.exceptions.get(day)
        if special is not None:
            return special
        return day.weekday() < 5

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``day`` (before it when ``n`` is negative). ``day``
        itself is never counted, so from a Friday ``+1`` is the next working day (Monday, or a
        调休 Saturday) and from a holiday ``+1`` is the first working day after it. ``n == 0``
        returns ``day`` unchanged."""
        if isinstance(day, datetime.datetime):
            day = day.date()
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` is
        before ``start``. So ``add_working_days(a, working_days_between(a, b)) == b`` whenever
        ``b`` is a working day, and a deadline due today is 0 working days away."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count


_local = threading.local()


def _load() -> WorkingCalendar:
    from .models import OfficialDay

    rows = OfficialDay.objects.values_list("date", "kind")
    return WorkingCalendar({day: kind == OfficialDay.Kind.WORKDAY for day, kind in rows})


def current_calendar() -> WorkingCalendar:
    """The calendar as stored now (cached per process and thread until someone changes it)."""
    # A page kept in the cache that counts working days depends on the calendar even when this
    # process had it loaded already (workflow.generations, issue 20).
    depends_on("workdays_officialday")
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    cached = getattr(_local, "calendar", None)
    if cached is None or cached[0] != version:
        cached = (version, _load())
        _local.calendar = cached
    return cached[1]


def invalidate() -> None:
    """Make every process reload the calendar on its next call."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _local.calendar = None


def is_working_day(day: datetime.date) -> bool:
    return current_calendar().is_working_day(day)


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    return current_calendar().add_working_days(day, n)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return current_calendar().working_days_between(start, end)
