"""The dossier (卷宗) shows both values of a late correction (issue 16 item 6; Shanghai Art. 14,
全程记录): the progress section keeps the verified value the report had and the corrected one,
with the request's outcome; the audit trail section lists the change too."""

import datetime
from decimal import Decimal

import pytest

from execution import clock
from execution.services import corrections
from execution.services import progress as reports
from targets.models import PlanYear
from tests.documents.conftest import job_file, pdf_text
from tests.execution.conftest import Q1, pdf, report_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected(executing, staff_a, head_a, office):
    PlanYear.objects.filter(pk=executing.plan_year_id).update(status=PlanYear.Status.EXECUTING)
    with clock.frozen(datetime.date(2027, 4, 5)):
        report = reports.progress_report_create(
            target=executing,
            by=staff_a,
            period_start=Q1,
            data=report_input(actual_value=Decimal("6.05")),
        )
        report = reports.progress_report_submit(report=report, by=head_a)
        report = reports.progress_report_verify(report=report, by=office)
        correction = corrections.correction_request_create(
            report=report,
            by=head_a,
            new_value=Decimal("6.2"),
            new_percent=None,
            reason="市统计局最终核实数。",
            evidence=pdf("核实数.pdf"),
        )
        corrections.correction_approve(correction=correction, by=office, comment="同意")
    return report


def test_the_dossier_prints_the_old_and_the_corrected_value(
    corrected, auditor, generate, rendered_html
):
    text = pdf_text(job_file(generate(auditor, "target_dossier", target=corrected.target_id)))
    assert "市统计局最终核实数" in text
    html = rendered_html[-1]
    row = html[html.index(f'data-report="{corrected.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "6.2 %" in row  # the effective verified value
    line = row[row.index("data-correction=") :]
    assert "6.05" in line and "→" in line and "6.2" in line and "已批准" in line
