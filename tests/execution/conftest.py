"""Fixtures for the execution stage: an executing plan year (2027 of tests/conftest.py, moved
into execution), its targets, and the day the tests stand on (execution.clock), so deadlines and
late marking never depend on when the suite runs."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from execution import clock
from execution import progress_services as reports
from targets import services
from targets.models import PlanYear, TargetDepartment
from tests.conftest import Role, make_user, qualitative_input

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
Q1 = datetime.date(2027, 1, 1)
Q2 = datetime.date(2027, 4, 1)
# Q1 ended on 31 March; its report is due on 10 April (10 days after, no date in the calendar).
TODAY = datetime.date(2027, 4, 5)


@pytest.fixture(autouse=True)
def today():
    with clock.frozen(TODAY):
        yield TODAY


def pdf(name="一季度进展.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def executing_year(plan_year):
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)
    plan_year.refresh_from_db()
    return plan_year


@pytest.fixture
def target(executing, executing_year):
    """Department A's quantitative target (baseline 6.0 → 6.5, higher is better), executing."""
    executing.refresh_from_db()
    return executing


@pytest.fixture
def cooperating_target(request, plan_year, aspect, dept_a, dept_b, staff_a, head_a, office):
    """A qualitative target led by A with B cooperating (Art. 16)."""
    data = qualitative_input(
        aspect,
        dept_a,
        departments=[
            services.DepartmentInput(
                department=dept_b, role=TargetDepartment.Role.COOPERATING, task="落实资金保障"
            )
        ],
    )
    target = services.target_create(by=staff_a, plan_year=plan_year, data=data)
    services.target_submit(target=target, by=head_a)
    services.target_negotiate(target=target, by=office)
    services.target_confirm(target=target, by=office, approval_reference="常务会议")
    target = services.target_start_execution(target=target, by=office)
    request.getfixturevalue("executing_year")
    return target


@pytest.fixture
def office2(office_dept):
    return make_user(
        "office2", department=office_dept, role=Role.GENERAL_OFFICE, display_name="周目标办"
    )


def report_input(**overrides):
    values = {
        "actual_value": Decimal("6.1"),
        "narrative": "一季度地区生产总值增长6.1%。",
        "problems": "外需偏弱。",
        "next_steps": "加快重大项目开工。",
    }
    values.update(overrides)
    return reports.ReportInput(**values)


@pytest.fixture
def draft_report(target, staff_a, media):
    return reports.progress_report_create(
        target=target, by=staff_a, period_start=Q1, data=report_input(), files=[pdf()]
    )


@pytest.fixture
def submitted_report(draft_report, head_a):
    return reports.progress_report_submit(report=draft_report, by=head_a)


@pytest.fixture
def login(client):
    """``login(user)`` signs the shared test client in as that persona (tests/pages)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
