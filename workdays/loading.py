"""Loads the official days published in the ``chinesecalendar`` package into the table.

Used by the data migration (so a fresh ``migrate`` has the calendar) and by the
``load_official_calendar`` command (after upgrading the package). Rows the administrator
entered or corrected (source ``manual``) are kept as they are.
"""

import datetime

# The package names festivals in English; the table shows the names of the State Council notice.
FESTIVAL_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_days() -> dict[datetime.date, tuple[str, str]]:
    """``{date: (kind, festival)}`` for every day that differs from the Monday–Friday week."""
    from chinese_calendar import constants

    days = {}
    for day, name in constants.holidays.items():
        if day.weekday() < 5:  # a holiday on a Saturday or Sunday changes nothing
            days[day] = ("holiday", FESTIVAL_NAMES.get(name, name))
    for day, name in constants.workdays.items():
        if day.weekday() >= 5:  # 调休: a weekend day that is a working day
            days[day] = ("workday", FESTIVAL_NAMES.get(name, name))
    return days


def load_package_days(model) -> tuple[int, int]:
    """Insert or refresh the package's days in ``model`` (OfficialDay or its migration state);
    returns (created, updated). Manual rows win."""
    days = package_days()
    existing = {row.date: row for row in model.objects.filter(date__in=list(days))}
    created, updated = [], []
    for day, (kind, name) in sorted(days.items()):
        row = existing.get(day)
        if row is None:
            created.append(model(date=day, kind=kind, name=name, source="package"))
        elif row.source == "package" and (row.kind, row.name) != (kind, name):
            row.kind, row.name = kind, name
            updated.append(row)
    model.objects.bulk_create(created, batch_size=500)
    model.objects.bulk_update(updated, ["kind", "name"], batch_size=500)
    return len(created), len(updated)
