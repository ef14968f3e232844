"""Supervision time limits count working days on the official calendar (issue 9 item 1: "working
days, from the calendar once the reminders issue lands"; efficiency opinions 三.4 限时办结).

State Council notice for 2026: 10月1日至7日放假调休, 9月20日（周日）、10月10日（周六）上班."""

import datetime

import pytest

from execution import clock
from supervision import services
from supervision.deadlines import deadline_after

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Wednesday 30 Sep, the last working day before the National Day week: one working day
        # later is Thursday 8 Oct, not 1 Oct.
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        # Thursday 8 Oct + 2: Friday 9 Oct, then the 调休 working Saturday 10 Oct.
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        # Friday 18 Sep + 1: Sunday 20 Sep is a 调休 working day.
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        # An ordinary week: Friday + 1 is Monday.
        (D(2026, 11, 20), 1, D(2026, 11, 23)),
        # From inside the holiday: the first working day after it.
        (D(2026, 10, 3), 1, D(2026, 10, 8)),
    ],
)
def test_deadline_after_counts_working_days(start, days, expected):
    assert deadline_after(start, days) == expected


def test_an_order_issued_just_before_national_day_skips_the_holiday(executing, supervisor, dept_a):
    # 10 working days from Tue 29 Sep 2026: 30 Sep, 8, 9, 10 (Sat, 调休), 12–16 Oct, 19 Oct.
    with clock.frozen(D(2026, 9, 29)):
        order = services.order_issue(
            by=supervisor,
            plan_year=executing.plan_year,
            kind="key",
            title="国庆前下发的督办",
            requirement="请按期报告。",
            departments=[dept_a],
            targets=[executing],
            days=10,
        )
    assert order.issued_on == D(2026, 9, 29)
    assert order.deadline == D(2026, 10, 19)
    assert order.deadline != D(2026, 9, 29) + datetime.timedelta(days=10)


def test_an_extension_in_days_counts_from_the_old_deadline_in_working_days(
    executing, supervisor, dept_a
):
    with clock.frozen(D(2026, 9, 25)):
        order = services.order_issue(
            by=supervisor,
            plan_year=executing.plan_year,
            kind="routine",
            title="督办",
            requirement="请按期报告。",
            departments=[dept_a],
            targets=[executing],
            deadline=D(2026, 9, 30),
        )
        order = services.order_extend(order=order, by=supervisor, reason="节假日顺延", days=2)
    # 30 Sep + 2 working days: 8 and 9 Oct.
    assert order.deadline == D(2026, 10, 9)


def test_a_finding_recorded_before_the_holiday_gets_a_working_day_deadline(
    executing, supervisor, dept_a
):
    with clock.frozen(D(2026, 9, 30)):
        finding = services.finding_record(
            by=supervisor,
            plan_year=executing.plan_year,
            source="leader",
            title="问题",
            description="描述",
            responsible_department=dept_a,
            days=1,
            targets=[executing],
        )
    assert finding.deadline == D(2026, 10, 8)
