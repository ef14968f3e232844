"""Deadlines of supervision orders and rectification (002 三.4 限时办结).

The ONE place a time limit becomes a date. Today it counts calendar days; when the working-day
calendar (法定节假日与调休) lands, only ``deadline_after`` changes and every order, extension and
finding follows.
"""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()


def deadline_after(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` days after ``start`` (calendar days for now; working days later)."""
    return start + datetime.timedelta(days=days)


def is_overdue(deadline: datetime.date | None, *, on: datetime.date | None = None) -> bool:
    return deadline is not None and deadline < (on or today())
