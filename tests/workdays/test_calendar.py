"""The official working-day calendar (efficiency opinions 三.4 限时办结): every deadline is
counted on the State Council's holiday notices, 调休 working weekends included.

The expected dates are written by hand from the notices, not read from the package:
- 2025 (国办发明电〔2024〕12号): 春节 1月28日—2月4日放假，1月26日（周日）、2月8日（周六）上班；
  国庆节、中秋节 10月1日—8日放假，9月28日（周日）、10月11日（周六）上班。
- 2026 (国办发明电〔2025〕7号): 春节 2月15日—23日放假，2月14日（周六）、2月28日（周六）上班；
  中秋节 9月25日—27日放假；国庆节 10月1日—7日放假，9月20日（周日）、10月10日（周六）上班。
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from workdays.calendar import add_working_days, is_working_day, working_days_between
from workdays.models import OfficialDay

pytestmark = pytest.mark.django_db
D = datetime.date


def days(start, end):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (D(2025, 1, 28), D(2025, 2, 4)),
        (D(2025, 10, 1), D(2025, 10, 8)),
        (D(2026, 2, 15), D(2026, 2, 23)),
        (D(2026, 9, 25), D(2026, 9, 27)),
        (D(2026, 10, 1), D(2026, 10, 7)),
    ],
)
def test_every_day_of_the_holiday_weeks_is_off(first, last):
    assert [d for d in days(first, last) if is_working_day(d)] == []


@pytest.mark.parametrize(
    "day",
    [
        D(2025, 1, 26),  # Sunday
        D(2025, 2, 8),  # Saturday
        D(2025, 9, 28),  # Sunday
        D(2025, 10, 11),  # Saturday
        D(2026, 2, 14),  # Saturday
        D(2026, 2, 28),  # Saturday
        D(2026, 9, 20),  # Sunday
        D(2026, 10, 10),  # Saturday
    ],
)
def test_tiaoxiu_weekend_days_are_working_days(day):
    assert day.weekday() >= 5
    assert is_working_day(day)


def test_ordinary_weeks_are_monday_to_friday():
    week = list(days(D(2026, 11, 23), D(2026, 11, 29)))
    assert [is_working_day(d) for d in week] == [True] * 5 + [False] * 2


def test_the_weekend_around_a_tiaoxiu_day_stays_off():
    assert not is_working_day(D(2025, 2, 9))  # Sunday after the 调休 Saturday
    assert not is_working_day(D(2026, 10, 11))  # Sunday after the 调休 Saturday


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Spring Festival 2025: from the Friday before, the next working day is the 调休 Sunday.
        (D(2025, 1, 24), 1, D(2025, 1, 26)),
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 2, 5), 3, D(2025, 2, 8)),
        (D(2025, 2, 5), 4, D(2025, 2, 10)),
        # National Day 2025
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 10, 10), 1, D(2025, 10, 11)),
        (D(2025, 10, 9), -1, D(2025, 9, 30)),
        # Spring Festival 2026
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 2, 24), -1, D(2026, 2, 14)),
        (D(2026, 2, 27), 1, D(2026, 2, 28)),
        # Mid-Autumn and National Day 2026
        (D(2026, 9, 24), 1, D(2026, 9, 28)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 10, 9), 1, D(2026, 10, 10)),
        (D(2026, 10, 9), -3, D(2026, 9, 29)),
        (D(2026, 10, 9), 3, D(2026, 10, 13)),
        # Starting on a holiday: +1 is the first working day after it.
        (D(2026, 10, 3), 1, D(2026, 10, 8)),
        (D(2026, 10, 3), -1, D(2026, 9, 30)),
    ],
)
def test_add_working_days_on_the_official_calendar(start, n, expected):
    assert add_working_days(start, n) == expected


def test_adding_zero_working_days_keeps_the_date_even_on_a_holiday():
    assert add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 1, 27), D(2025, 2, 5), 1),
        (D(2025, 1, 24), D(2025, 2, 10), 7),  # 26, 27 Jan; 5, 6, 7, 8 (Sat), 10 Feb
        (D(2026, 2, 13), D(2026, 2, 24), 2),
        (D(2026, 9, 30), D(2026, 10, 10), 3),  # 8, 9, 10 October
        (D(2026, 10, 9), D(2026, 10, 9), 0),
        (D(2026, 10, 10), D(2026, 9, 30), -3),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_years_beyond_the_data_fall_back_to_monday_to_friday_until_the_administrator_adds_them():
    # 2027's notice is not in the package yet (it is published in November).
    assert not OfficialDay.objects.filter(date__year=2027).exists()
    spring_2027 = D(2027, 2, 8)  # a Monday
    assert is_working_day(spring_2027)
    OfficialDay.objects.create(date=spring_2027, kind=OfficialDay.Kind.HOLIDAY, name="春节")
    assert not is_working_day(spring_2027)
    assert add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 9)


def test_the_migration_loaded_the_package_data():
    assert OfficialDay.objects.filter(source="package").count() > 300
    assert OfficialDay.objects.get(date=D(2026, 2, 14)).kind == "workday"
    assert OfficialDay.objects.get(date=D(2026, 2, 16)).name == "春节"
    # A holiday that falls on a weekend changes nothing, so it is not stored.
    assert not OfficialDay.objects.filter(date=D(2026, 2, 15)).exists()


def test_reloading_the_package_keeps_the_administrators_corrections():
    day = OfficialDay.objects.get(date=D(2026, 10, 10))
    day.kind, day.source, day.note = OfficialDay.Kind.HOLIDAY, "manual", "本市另行通知"
    day.save()
    OfficialDay.objects.filter(date=D(2026, 2, 14)).delete()
    out = StringIO()
    call_command("load_official_calendar", stdout=out)
    assert "1" in out.getvalue()
    assert OfficialDay.objects.get(date=D(2026, 10, 10)).kind == "holiday"
    assert not is_working_day(D(2026, 10, 10))
    assert OfficialDay.objects.get(date=D(2026, 2, 14)).kind == "workday"
