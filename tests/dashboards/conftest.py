"""A small hand-made city for the dashboards and quarterly reports (Shanghai Art. 17).

Plan year 2027 (quarterly reporting, no dates set: a quarter's report is due 10 days after it
ends), standing on 20 July 2027: Q2's reports were due on 10 July, so missing ones are overdue.

Five executing targets, their Q1 and Q2 warnings, Q2 node targets and Q2 reports:

    code  lead  aspect  Q1      Q2      Q2 node    Q2 main report
    A1    A     1       yellow  red     achieved   verified, on time
    A2    A     2       green   green   pending    submitted late
    A3    A     1       green   yellow  missed     none
    B1    B     1       red     red     pending    draft (not filed); A cooperates, its task
                                                   report submitted on time
    B2    B     2       yellow  green   achieved   verified, on time

Every expected number in the tests is counted by hand from this table.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from execution import clock
from execution.models import ProgressReport, WarningSnapshot
from targets.models import Milestone, PlanYear, Target, TargetDepartment
from tests.conftest import Role, make_user

TODAY = datetime.date(2027, 7, 20)
Q1 = (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))
Q2 = (datetime.date(2027, 4, 1), datetime.date(2027, 6, 30))


@pytest.fixture(autouse=True)
def today():
    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def year(plan_year):
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)
    plan_year.refresh_from_db()
    return plan_year


def make_target(year, code, dept, aspect_number, creator, **extra):
    return Target.objects.create(
        plan_year=year,
        code=code,
        level=Target.Level.DEPARTMENT,
        aspect=year.aspects.get(number=aspect_number),
        kind=Target.Kind.QUALITATIVE,
        title=f"目标{code}",
        content="内容",
        lead_department=dept,
        state=Target.State.EXECUTING,
        created_by=creator,
        **extra,
    )


def snapshot(target, period, level, reason=""):
    now = timezone.now()
    return WarningSnapshot.objects.create(
        target=target,
        period_start=period[0],
        period_end=period[1],
        level=level,
        expected=Decimal("50"),
        actual=Decimal("40"),
        reason=reason,
        red_since=now if level == "red" else None,
        computed_at=now,
    )


def milestone(target, status):
    return Milestone.objects.create(
        target=target,
        quarter=2,
        due_date=Q2[1],
        description=f"{target.code}第二季度节点",
        status=status,
    )


def progress(target, dept, state, *, late=False, kind=ProgressReport.Kind.MAIN, by):
    now = timezone.now()
    return ProgressReport.objects.create(
        target=target,
        department=dept,
        kind=kind,
        period_start=Q2[0],
        period_end=Q2[1],
        due_date=datetime.date(2027, 7, 10),
        state=state,
        narrative="二季度进展",
        problems=f"{target.code}的问题",
        percent_complete=Decimal("45"),
        verified_percent=Decimal("40") if state == "verified" else None,
        is_late=late,
        created_by=by,
        created_at=now,
        updated_at=now,
        submitted_at=now if state in ("submitted", "verified") else None,
    )


@pytest.fixture
def city(year, dept_a, dept_b, staff_a, head_a, staff_b, head_b, vice_mayor, other_vice_mayor):
    t = {}
    t["A1"] = make_target(year, "A1", dept_a, 1, staff_a)
    t["A2"] = make_target(year, "A2", dept_a, 2, staff_a)
    t["A3"] = make_target(year, "A3", dept_a, 1, staff_a)
    t["B1"] = make_target(year, "B1", dept_b, 1, staff_b)
    t["B2"] = make_target(year, "B2", dept_b, 2, staff_b)
    TargetDepartment.objects.create(
        target=t["B1"], department=dept_a, role=TargetDepartment.Role.COOPERATING, task="配合"
    )
    levels = {
        "A1": ("yellow", "red"),
        "A2": ("green", "green"),
        "A3": ("green", "yellow"),
        "B1": ("red", "red"),
        "B2": ("yellow", "green"),
    }
    for code, (q1, q2) in levels.items():
        snapshot(t[code], Q1, q1)
        snapshot(t[code], Q2, q2, reason="进度明显滞后" if q2 == "red" else "")
    milestone(t["A1"], Milestone.Status.ACHIEVED)
    milestone(t["A2"], Milestone.Status.PENDING)
    milestone(t["A3"], Milestone.Status.MISSED)
    milestone(t["B1"], Milestone.Status.PENDING)
    milestone(t["B2"], Milestone.Status.ACHIEVED)
    progress(t["A1"], dept_a, "verified", by=staff_a)
    progress(t["A2"], dept_a, "submitted", late=True, by=staff_a)
    progress(t["B1"], dept_b, "draft", by=staff_b)
    progress(t["B1"], dept_a, "submitted", kind=ProgressReport.Kind.COOPERATING, by=staff_a)
    progress(t["B2"], dept_b, "verified", by=staff_b)
    return t


@pytest.fixture
def mayor(government):
    user = make_user("mayor", department=government, role=Role.LEADER, display_name="市长")
    user.title = "市长"
    user.reads_city_wide = True
    user.save(update_fields=["title", "reads_city_wide"])
    return user
