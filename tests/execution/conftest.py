"""Fixtures for the execution stage's adjustments, coordination and completion (Shanghai
Art. 12–17): uploads, and records made through the services."""

import contextlib
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from execution.models import (
    AdjustmentRequest,
    CompletionReport,
    CoordinationDuty,
    CoordinationItem,
    CoordinationMessage,
)
from execution.services import adjustments, completion, coordination
from tests.services.conftest import nothing_written

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
TODAY = datetime.date(2026, 11, 23)


def pdf(name="调整申请.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


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
        attachment=pdf(),
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
        due_date=TODAY + datetime.timedelta(days=7),
        today=TODAY,
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
