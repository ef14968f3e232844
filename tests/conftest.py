"""Shared fixtures: a small city and the personas every rule is tested against.

- ``staff_a`` / ``head_a``: staff member and head of department A (市发展改革委);
- ``staff_b`` / ``head_b``: the same for department B (市财政局), which must not see A's drafts;
- ``office``: the general office (目标办); ``supervisor``: the supervision office;
- ``vice_mayor``: has department A in the portfolio; ``other_vice_mayor``: has B only;
- ``auditor``: reads everything, changes nothing; ``outsider``: signed in with no role.
"""

import datetime
import os
from decimal import Decimal

import pytest

from accounts.models import Department, LeaderPortfolio, Membership, User
from targets import services
from targets.models import Aspect, PlanYear, Target

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

Role = Membership.Role


def make_user(username, *, department=None, role=None, display_name="", email=None):
    user = User.objects.create_user(
        username=username,
        password="pass-1234",
        display_name=display_name or username,
        email=email if email is not None else f"{username}@example.gov.cn",
    )
    if department is not None and role is not None:
        Membership.objects.create(user=user, department=department, role=role)
    return user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and before it is dropped: end the connections that other
    threads and processes of the run (the browser tests' live server, the real Celery worker)
    may still hold, so the drop does not fail with "being accessed by other users" and leave
    the database behind."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            # The fault tests terminate backends (issue 18): start from a fresh connection.
            connection.close()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """The official calendar is data a migration loads (workdays 0002). Transactional tests and
    the demo test end with a flush that empties the table; put it back for the tests after."""
    yield
    # After the last test the test database is already gone.
    if nextitem is None or item.get_closest_marker("django_db") is None:
        return
    from pytest_django.plugin import blocking_manager_key

    from workdays.loading import load_package_days
    from workdays.models import OfficialDay

    with item.config.stash[blocking_manager_key].unblock():
        if not OfficialDay.objects.filter(source="package").exists():
            load_package_days(OfficialDay)


@pytest.fixture(autouse=True)
def _fresh_working_calendar():
    """Each test reads the official calendar as its own database holds it: a day added by an
    earlier (rolled back) test must not linger in the per-process calendar cache."""
    from workdays.calendar import invalidate

    invalidate()
    yield
    invalidate()


@pytest.fixture(autouse=True)
def _fresh_published_targets():
    """Likewise the portal's per-process set of published targets (``portal.published``):
    each test reads it from its own database, so its first audited target change counts the
    one query that loads it whatever ran before."""
    from portal.published import invalidate

    invalidate()
    yield
    invalidate()


@pytest.fixture
def dept_a(db):
    return Department.objects.create(
        code="fgw", name="市发展改革委", short_name="发改委", category="economic"
    )


@pytest.fixture
def dept_b(db):
    return Department.objects.create(
        code="czj", name="市财政局", short_name="财政局", category="economic"
    )


@pytest.fixture
def dept_c(db):
    return Department.objects.create(code="jw", name="市教委", short_name="教委", category="social")


@pytest.fixture
def office_dept(db):
    return Department.objects.create(
        code="bgt", name="市政府办公厅", short_name="办公厅", category="general"
    )


@pytest.fixture
def government(db):
    return Department.objects.create(code="gov", name="示范市人民政府", kind="government")


@pytest.fixture
def staff_a(dept_a):
    return make_user("staff_a", department=dept_a, role=Role.STAFF, display_name="张填报")


@pytest.fixture
def head_a(dept_a):
    return make_user("head_a", department=dept_a, role=Role.HEAD, display_name="李主任")


@pytest.fixture
def staff_b(dept_b):
    return make_user("staff_b", department=dept_b, role=Role.STAFF, display_name="王填报")


@pytest.fixture
def head_b(dept_b):
    return make_user("head_b", department=dept_b, role=Role.HEAD, display_name="赵局长")


@pytest.fixture
def office(office_dept):
    return make_user(
        "office", department=office_dept, role=Role.GENERAL_OFFICE, display_name="陈目标办"
    )


@pytest.fixture
def supervisor(db):
    dept = Department.objects.create(code="dcs", name="市政府督查室", category="general")
    return make_user("supervisor", department=dept, role=Role.SUPERVISION, display_name="督查员")


@pytest.fixture
def vice_mayor(government, dept_a):
    user = make_user("vm_a", department=government, role=Role.LEADER, display_name="王副市长")
    LeaderPortfolio.objects.create(leader=user, department=dept_a)
    return user


@pytest.fixture
def other_vice_mayor(government, dept_b):
    user = make_user("vm_b", department=government, role=Role.LEADER, display_name="刘副市长")
    LeaderPortfolio.objects.create(leader=user, department=dept_b)
    return user


@pytest.fixture
def auditor(db):
    dept = Department.objects.create(code="sjj", name="市审计局", category="general")
    return make_user("auditor", department=dept, role=Role.AUDITOR, display_name="审计员")


@pytest.fixture
def outsider(db):
    return make_user("outsider", display_name="无角色用户")


@pytest.fixture
def plan_year(db):
    year = PlanYear.objects.create(
        year=2027,
        status=PlanYear.Status.DRAFTING,
        drafting_opens=datetime.date(2026, 7, 1),
        drafting_closes=datetime.date(2026, 9, 30),
    )
    Aspect.objects.create(plan_year=year, number=1, name="经济发展与结构调整")
    Aspect.objects.create(plan_year=year, number=2, name="民生保障与社会事业")
    return year


@pytest.fixture
def aspect(plan_year):
    return plan_year.aspects.get(number=1)


def quantitative_input(aspect, lead_department, **overrides):
    """A valid quantitative department target, as a department would draft it."""
    values = {
        "kind": Target.Kind.QUANTITATIVE,
        "title": "全市地区生产总值增长6.5%",
        "content": "全年地区生产总值增速达到6.5%左右。",
        "measures": "加快重大项目建设，扩大有效投资。",
        "aspect": aspect,
        "lead_department": lead_department,
        "indicator": "地区生产总值增速",
        "unit": "%",
        "baseline": Decimal("6.0"),
        "target_value": Decimal("6.5"),
        "direction": Target.Direction.HIGHER,
        "weight": Decimal("3"),
        "milestones": [
            services.MilestoneInput(quarter=q, description=f"第{q}季度累计增速达到目标进度")
            for q in (1, 2, 3, 4)
        ],
    }
    values.update(overrides)
    return services.TargetInput(**values)


def qualitative_input(aspect, lead_department, **overrides):
    values = {
        "kind": Target.Kind.QUALITATIVE,
        "title": "完成营商环境改革8.0版方案",
        "content": "制定并实施优化营商环境8.0版行动方案。",
        "aspect": aspect,
        "lead_department": lead_department,
        "weight": Decimal("2"),
    }
    values.update(overrides)
    return services.TargetInput(**values)


@pytest.fixture
def draft(plan_year, aspect, dept_a, staff_a):
    """A quantitative draft of department A, created by its staff member."""
    return services.target_create(
        by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a)
    )


@pytest.fixture
def submitted(draft, head_a):
    return services.target_submit(target=draft, by=head_a)


@pytest.fixture
def negotiated(submitted, office):
    return services.target_negotiate(target=submitted, by=office, comment="协商一致")


@pytest.fixture
def confirmed(negotiated, office):
    return services.target_confirm(
        target=negotiated, by=office, approval_reference="市政府第12次常务会议"
    )


@pytest.fixture
def executing(confirmed, office):
    return services.target_start_execution(target=confirmed, by=office)
