"""The target dossier's execution and supervision sections (issue 8 item 1): every progress
report with its reported and verified values and evidence list, the adjustments with their
before/after, the coordination items, and the supervision orders about the target — read
through each stage's own selectors, so the requester sees only what they may read
(Shanghai Art. 14: 全程记录; Art. 16: a cooperating department never sees another's report)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from execution import clock
from execution.services import adjustments, coordination
from execution.services import progress as reports
from targets.models import PlanYear
from tests.documents.conftest import job_file, pdf_text, render_page

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def executed(executing, plan_year, staff_a, head_a, office, dept_b, settings, tmp_path):
    """A's target (6.0 → 6.5 %) in execution with a Q1 report of 6.1 verified at 5.9, an approved
    adjustment of the target value 6.5 → 6.2, and a coordination item asking B for help."""
    settings.MEDIA_ROOT = tmp_path
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)
    with clock.frozen(datetime.date(2027, 4, 5)):
        report = reports.progress_report_create(
            target=executing,
            by=staff_a,
            period_start=datetime.date(2027, 1, 1),
            data=reports.ReportInput(actual_value=Decimal("6.1"), narrative="一季度增长6.1%。"),
            files=[pdf("一季度统计快报.pdf")],
        )
        report = reports.progress_report_submit(report=report, by=head_a)
        reports.progress_report_verify(
            report=report,
            by=office,
            verified_value=Decimal("5.9"),
            reason="以统计局核定数为准。",
        )
    request = adjustments.adjustment_request_create(
        target=executing,
        by=head_a,
        kind="change",
        reason="national_policy",
        explanation="国家出台新的统计口径。",
        attachment=pdf("调整申请.pdf"),
        proposed={"target_value": "6.2"},
    )
    adjustments.adjustment_request_approve(adjustment=request, by=office, comment="同意调整")
    coordination.coordination_item_raise(
        target=executing,
        by=staff_a,
        subject="用地指标协调",
        description="项目用地指标不足，请求协调。",
        departments=[dept_b],
        due_date=datetime.date(2026, 11, 30),
        today=datetime.date(2026, 11, 23),
    )
    executing.refresh_from_db()
    return executing


def test_the_dossier_holds_reports_with_verified_values_evidence_and_adjustments(
    executed, auditor, generate
):
    content = job_file(generate(auditor, "target_dossier", target=executed.pk))
    text = pdf_text(content)
    flat = "".join(text.split())
    assert "进展报告" in flat and "目标调整" in flat and "协调事项" in flat
    # The report: reported 6.1, verified 5.9 with the reason, its evidence file.
    assert "6.1%" in flat and "5.9%" in flat
    assert "以统计局核定数为准" in flat
    assert "一季度统计快报.pdf" in flat
    # The adjustment's before/after of the target value.
    assert "调整前调整后" in flat
    assert "6.5%" in flat and "6.2%" in flat
    assert "用地指标协调" in flat
    render_page(content, "target-dossier-execution", page=2)


def test_a_draft_report_is_not_in_anyones_dossier(executed, staff_a, generate):
    """A draft is not yet a report (Art. 14: the head files it): even its own department's
    dossier leaves it out of the reports section, so every reader's dossier tells the same
    filed record (the audit trail still says a draft was written)."""
    with clock.frozen(datetime.date(2027, 4, 5)):
        reports.progress_report_create(
            target=executed,
            by=staff_a,
            period_start=datetime.date(2027, 4, 1),
            data=reports.ReportInput(actual_value=Decimal("6.3"), narrative="二季度草稿内容"),
        )
    flat = "".join(
        pdf_text(job_file(generate(staff_a, "target_dossier", target=executed.pk))).split()
    )
    section = flat[flat.index("、进展报告") : flat.index("、目标调整")]
    assert "一季度增长6.1%" in section
    assert "二季度草稿内容" not in section


def test_who_may_not_read_the_target_gets_no_dossier(
    executed, staff_b, other_vice_mayor, outsider, generate
):
    """Another department, a vice-mayor outside the portfolio, an outsider: 404, no job."""
    from documents.models import DocumentJob
    from workflow.errors import NotFoundForUser

    for user in (staff_b, other_vice_mayor, outsider):
        with pytest.raises(NotFoundForUser):
            generate(user, "target_dossier", target=executed.pk)
    assert not DocumentJob.objects.exists()


def test_the_dossier_holds_the_supervision_orders_about_the_target(
    executed, supervisor, dept_a, auditor, generate
):
    """Art. 18–20: the orders about a target are part of its record."""
    from supervision import services as supervision_services

    supervision_services.order_issue(
        by=supervisor,
        plan_year=executed.plan_year,
        kind="key",
        title="关于地区生产总值增速滞后的督办",
        requirement="请于10日内报告滞后原因和赶超措施。",
        departments=[dept_a],
        targets=[executed],
        days=10,
    )
    flat = "".join(
        pdf_text(job_file(generate(auditor, "target_dossier", target=executed.pk))).split()
    )
    section = flat[flat.index("、督查督办") : flat.index("、办理记录")]
    assert "关于地区生产总值增速滞后的督办" in section
