"""Benchmark: the deadline sweep (notifications.reminders.sweep) over 100,000 open node targets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mubiao .venv/bin/python -m benchmarks.sweep_reminders

Creates a throw-away test database (``test_<name>``) beside the one DATABASE_URL names, fills
it with 40 departments and 100,000 pending node targets of 2,000 executing targets, runs the
sweep and prints seconds and queries, then drops the database. Goal (issue 7): ≤ 5 s and a
fixed number of queries whatever the number of items.

Three runs:
- ``spread``: due dates spread over the working days of 2026, swept on 9 October 2026 (the
  normal day: only items with a reminder due today or in the catch-up window produce rows);
- ``again``: the same day once more (everything already sent: exactly once, nothing inserted);
- ``all due``: all 100,000 due on the day swept (the worst case: every item notifies its
  department's staff and head).
"""

import datetime
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

ITEMS = int(os.environ.get("BENCH_ITEMS", "100000"))
DEPARTMENTS = 40
PER_TARGET = 50
TODAY = datetime.date(2026, 10, 9)


def build():
    from accounts.models import Department, Membership, User
    from targets.models import Aspect, Milestone, PlanYear, Target
    from workdays.calendar import is_working_day

    depts = Department.objects.bulk_create(
        Department(code=f"d{i}", name=f"部门{i}", short_name=f"部门{i}") for i in range(DEPARTMENTS)
    )
    office_dept = Department.objects.create(code="bgt", name="市政府办公厅")
    users, memberships = [], []
    for dept in depts:
        for role in (Membership.Role.STAFF, Membership.Role.HEAD):
            users.append(User(username=f"{dept.code}_{role}", email=""))
    users.append(User(username="office", email=""))
    users = User.objects.bulk_create(users)
    for i, dept in enumerate(depts):
        memberships.append(Membership(user=users[2 * i], department=dept, role="staff"))
        memberships.append(Membership(user=users[2 * i + 1], department=dept, role="head"))
    memberships.append(Membership(user=users[-1], department=office_dept, role="general_office"))
    Membership.objects.bulk_create(memberships)
    year = PlanYear.objects.create(year=2026, status=PlanYear.Status.EXECUTING)
    aspect = Aspect.objects.create(plan_year=year, number=1, name="经济发展")
    targets = Target.objects.bulk_create(
        (
            Target(
                plan_year=year,
                code=f"2026-{i:05d}",
                aspect=aspect,
                kind="qualitative",
                title=f"目标{i}",
                content="内容",
                lead_department=depts[i % DEPARTMENTS],
                created_by=users[0],
                state=Target.State.EXECUTING,
            )
            for i in range(ITEMS // PER_TARGET)
        ),
        batch_size=2000,
    )
    working = [
        TODAY.replace(month=1, day=1) + datetime.timedelta(days=d)
        for d in range(365)
        if is_working_day(TODAY.replace(month=1, day=1) + datetime.timedelta(days=d))
    ]
    Milestone.objects.bulk_create(
        (
            Milestone(
                target=targets[i // PER_TARGET],
                quarter=4,
                due_date=working[i % len(working)],
                description=f"节点{i}",
            )
            for i in range(ITEMS)
        ),
        batch_size=5000,
    )
    return Milestone


def measure(label, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.reminders import sweep

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = sweep(today=today)
        seconds = time.perf_counter() - start
    print(
        f"{label:<10} {seconds:6.2f} s  {len(queries):3d} queries  "
        f"items due for a reminder {result.items:>7,}  notifications written {result.notifications:>7,}"
    )


def main():
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from notifications.models import Notification
    from workdays.calendar import current_calendar

    setup_test_environment()
    if connection.vendor != "postgresql":
        print(
            "warning: not PostgreSQL; the figures in the README are for PostgreSQL", file=sys.stderr
        )
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        Milestone = build()
        open_items = Milestone.objects.filter(status="pending").count()
        print(f"database {name}: {open_items:,} open node targets, {DEPARTMENTS} departments")
        current_calendar()
        measure("spread", TODAY)
        measure("again", TODAY)
        Notification.objects.all().delete()
        Milestone.objects.update(due_date=TODAY)
        measure("all due", TODAY)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
