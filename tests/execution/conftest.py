"""Fixtures for the execution stage (Shanghai Art. 12–17): an executing plan year (2027 of
tests/conftest.py, moved into execution), its targets, and the day the tests stand on
(execution.clock), so deadlines and late marking never depend on when the suite runs; uploads;
and adjustments, coordination items and completion reports made through the services."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from execution import clock
from execution.models import (
    AdjustmentRequest,
    CompletionReport,
    CoordinationDuty,
    CoordinationItem,
    CoordinationMessage,
)
from execution.services import adjustments, completion, coordination
from execution.services import progress as reports
from targets import services
from targets.models import PlanYear, TargetDepartment
from tests.conftest import Role, make_user, qualitative_input
from tests.targets.conftest import nothing_written

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
Q1 = datetime.date(2027, 1, 1)
Q2 = datetime.date(2027, 4, 1)
# Q1 ended on 31 March; its report is due on 10 April (10 days after, no date in the calendar).
TODAY = datetime.date(2027, 4, 5)
# The day the adjustment, coordination and completion tests pass to their services explicitly.
CHANGES_TODAY = datetime.date(2026, 11, 23)


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


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pending_change(executing, head_a):
    """Department A's head asks to lower the target value and rewrite Q4 (Art. 12)."""
    return adjustments.adjustment_request_create(
        target=executing,
        by=head_a,
        kind="change",
        reason="national_policy",
        explanation="国家出台新的统计口径，需相应调整目标值。",
        attachment=pdf("调整申请.pdf"),
        proposed={"target_value": "6.2", "measures": "加快重大项目建设，稳定有效投资。"},
    )


@pytest.fixture
def coordination_item(executing, staff_a, dept_b, vice_mayor):
    return coordination.coordination_item_raise(
        target=executing,
        by=staff_a,
        subject="项目用地指标需财政局配合",
        description="重大项目资金拨付需财政局协调。",
        departments=[dept_b],
        due_date=CHANGES_TODAY + datetime.timedelta(days=7),
        today=CHANGES_TODAY,
    )


@pytest.fixture
def completion_report(executing, head_a):
    return completion.completion_report_file(
        target=executing, by=head_a, summary="全年目标已提前完成。", evidence=pdf("办结材料.pdf")
    )


@contextlib.contextmanager
def nothing_saved(*targets):
    """``nothing_written`` of the service tests, counting the execution stage's rows too."""
    models = (
        AdjustmentRequest,
        CompletionReport,
        CoordinationItem,
        CoordinationDuty,
        CoordinationMessage,
    )
    before = {m.__name__: m.objects.count() for m in models}
    with nothing_written(*targets):
        yield
    assert {m.__name__: m.objects.count() for m in models} == before
