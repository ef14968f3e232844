"""Deadlines of supervision orders and rectification (002 三.4 限时办结).

The ONE place a time limit becomes a date: ``deadline_after`` counts working days on the official
calendar (``workdays.calendar``: the State Council's 法定节假日与调休 notices, issue 7), so every
order, extension and finding given "N days" skips weekends and holidays and counts 调休 working
Saturdays and Sundays.
"""

import datetime

from execution import clock
from workdays.calendar import add_working_days


def today() -> datetime.date:
    # Execution's clock: the demo replays the year on the dates it happened, tests stand on a
    # fixed day (``execution.clock.frozen``).
    return clock.today()


def deadline_after(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
    return add_working_days(start, days)


def is_overdue(deadline: datetime.date | None, *, on: datetime.date | None = None) -> bool:
    return deadline is not None and deadline < (on or today())
