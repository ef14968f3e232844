"""Issue 15's timeline bug: the label registry was one flat dict keyed by transition name, so
supervision's ``reject`` (验收不通过) overwrote execution's ``reject`` (不予批准), and a rejected
adjustment read as a failed rectification on the target's timeline and in the auditors' dossier
(Shanghai measures Art. 14 全程记录: the record must say what happened). Labels are now the
transitions' own, resolved per (model, transition)."""

import re

from django.urls import reverse

from execution.services import adjustments
from supervision import services
from tests.execution.conftest import pdf as execution_pdf

from .conftest import pdf


def _steps(page: str) -> list[str]:
    """The step labels of the target page's timeline, in order."""
    timeline = page.split('id="timeline"', 1)[1]
    return re.findall(
        r"</strong>\s*(?:<span class=\"muted\">[^<]*</span>\s*)?<span>([^<]+)</span>", timeline
    )


def test_a_rejected_adjustment_and_a_rejected_finding_keep_their_own_words(
    client, executing, head_a, office, supervisor, staff_a, finding
):
    change = adjustments.adjustment_request_create(
        target=executing,
        by=head_a,
        kind="change",
        reason="national_policy",
        explanation="国家出台新的统计口径，需相应调整目标值。",
        attachment=execution_pdf("调整申请.pdf"),
        proposed={"target_value": "6.2"},
    )
    adjustments.adjustment_request_reject(adjustment=change, by=office, comment="理由不足")
    services.finding_file_plan(finding=finding, by=staff_a, body="整改方案")
    services.finding_report_rectified(finding=finding, by=staff_a, body="已整改", evidence=pdf())
    services.finding_reject(finding=finding, by=supervisor, comment="整改不到位")

    client.force_login(office)
    page = client.get(reverse("targets:target_detail", args=[executing.pk])).content.decode()
    steps = _steps(page)
    # Both records' ``reject`` are on one timeline, each in its own words.
    assert "不予批准" in steps
    assert "验收不通过" in steps
    assert steps.index("不予批准") < steps.index("验收不通过")
    assert steps.count("不予批准") == 1 and steps.count("验收不通过") == 1
