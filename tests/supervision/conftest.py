"""Fixtures for the supervision specification (Shanghai Art. 18–22): orders, findings and the
records around them, built only through the services, and evidence files kept in a temporary
media folder."""

import contextlib
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from supervision import services
from supervision.deadlines import today
from supervision.models import (
    AccountabilityRecord,
    ExternalInput,
    Finding,
    Inspection,
    OrderAddressee,
    OrderReply,
    Rectification,
    SupervisionOrder,
)
from tests.conftest import Role, make_user

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"

WRITTEN = (
    SupervisionOrder,
    OrderAddressee,
    OrderReply,
    Inspection,
    Finding,
    Rectification,
    ExternalInput,
    AccountabilityRecord,
    AuditEvent,
)


def pdf(name="办理情况.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def counts():
    return {m.__name__: m.objects.count() for m in WRITTEN}


@contextlib.contextmanager
def nothing_written():
    """The block leaves every supervision table and the audit trail as they were."""
    before = counts()
    yield
    assert counts() == before


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def in_days():
    return lambda n: today() + datetime.timedelta(days=n)


@pytest.fixture
def supervisor2(supervisor):
    dept = supervisor.memberships.get().department
    return make_user("supervisor2", department=dept, role=Role.SUPERVISION, display_name="督查员乙")


@pytest.fixture
def order(executing, supervisor, dept_a):
    """A key order (重点督办) to department A about its executing target."""
    return services.order_issue(
        by=supervisor,
        plan_year=executing.plan_year,
        kind="key",
        title="关于地区生产总值增速滞后的督办",
        requirement="请于10日内报告滞后原因和赶超措施。",
        departments=[dept_a],
        targets=[executing],
        days=10,
        responsible_leader="王副市长",
    )


@pytest.fixture
def replied(order, staff_a):
    services.order_reply(order=order, by=staff_a, body="已制定赶超措施。", evidence=pdf())
    return SupervisionOrder.objects.get(pk=order.pk)


@pytest.fixture
def finding(executing, supervisor, dept_a):
    return services.finding_record(
        by=supervisor,
        plan_year=executing.plan_year,
        source="leader",
        title="重大项目开工率偏低",
        description="一季度重大项目开工率仅为计划的60%。",
        responsible_department=dept_a,
        responsible_leader="李主任",
        days=30,
        targets=[executing],
    )
