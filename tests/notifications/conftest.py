"""Fixtures for reminders: a plan year 2026 whose node targets fall around the National Day
holiday (State Council notice for 2026: 10月1日至7日放假调休, 9月20日（周日）、10月10日（周六）上班)."""

import datetime

import pytest

from accounts.models import Membership
from targets import services
from targets.models import Aspect, Milestone, PlanYear, Target
from tests.conftest import make_user, quantitative_input

# Friday after the National Day week; counted on the official calendar:
#   3 working days before: Tue 29 Sep (30 Sep, 8 Oct are the other two; 1–7 Oct are holidays)
#   1 working day before:  Thu 8 Oct
#   overdue (1 after):     Sat 10 Oct — a 调休 working Saturday
#   head (3 after):        Tue 13 Oct;  general office (5 after): Thu 15 Oct
DUE = datetime.date(2026, 10, 9)


@pytest.fixture
def year_2026(db):
    # The Q3 progress report falls due well after the node targets here, so these tests see the
    # node-target reminders alone (progress reports have their own tests in
    # tests/notifications/test_sources.py).
    year = PlanYear.objects.create(
        year=2026, status=PlanYear.Status.DRAFTING, q3_report_due=datetime.date(2026, 11, 30)
    )
    Aspect.objects.create(plan_year=year, number=1, name="经济发展")
    return year


def executing_target(year, department, staff, head, office, *, due=DUE, title="全市GDP增长6%"):
    """A target of ``department`` in execution with one node target (Q4) due on ``due``."""
    data = quantitative_input(
        year.aspects.get(number=1),
        department,
        title=title,
        milestones=[
            services.MilestoneInput(quarter=4, description="四季度累计达到目标", due_date=due)
        ],
    )
    target = services.target_create(by=staff, plan_year=year, data=data)
    services.target_submit(target=target, by=head)
    services.target_negotiate(target=target, by=office)
    services.target_confirm(target=target, by=office, approval_reference="常务会议")
    return services.target_start_execution(target=target, by=office)


@pytest.fixture
def target_a(year_2026, dept_a, staff_a, head_a, office):
    return executing_target(year_2026, dept_a, staff_a, head_a, office)


@pytest.fixture
def milestone_a(target_a) -> Milestone:
    return target_a.milestones.get()


def add_milestones(target: Target, count: int, due: datetime.date) -> None:
    """Many open node targets at once (query-count and benchmark sizes)."""
    Milestone.objects.bulk_create(
        Milestone(target=target, quarter=4, due_date=due, description=f"节点{i}")
        for i in range(count)
    )


@pytest.fixture
def second_staff_a(dept_a):
    return make_user("staff_a2", department=dept_a, role=Membership.Role.STAFF)
