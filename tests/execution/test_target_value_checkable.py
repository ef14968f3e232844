"""Progress % that a reader can check (issue 16 item 4; Shanghai Art. 6, 12): an adjustment may
not move the target value onto (or behind) the baseline — the same rule as creation and edit,
on the service and the API alike; an adjustment of the target value shows the office where the
title and content still state the old figure; and the report and target pages show how
% complete is computed (baseline → target value, direction) next to the figure."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from execution.models import AdjustmentRequest
from execution.selectors.changes import stale_figures
from execution.services import adjustments
from execution.services import progress as reports
from tests.helpers import act_as
from workflow.errors import ValidationFailed

from .conftest import nothing_saved, pdf

pytestmark = pytest.mark.django_db

HIGHER = "指标越高越好，目标值须高于基期值6（现为%s），否则无法计算完成进度。"


@pytest.mark.parametrize("value", ["6.0", "5.2"])
def test_an_adjustment_to_or_below_the_baseline_is_refused(executing, head_a, value):
    with nothing_saved(executing), pytest.raises(ValidationFailed) as refused:
        adjustments.adjustment_request_create(
            target=executing,
            by=head_a,
            kind="change",
            reason="national_policy",
            explanation="按新口径调整。",
            attachment=pdf("调整申请.pdf"),
            proposed={"target_value": value},
        )
    shown = "6" if value == "6.0" else value
    assert refused.value.field_errors == {"target_value": [HIGHER % shown]}


def test_the_api_refuses_it_with_the_field_error(executing, head_a):
    response = act_as(APIClient(), head_a).post(
        "/api/v1/adjustments/",
        {
            "target": executing.pk,
            "kind": "change",
            "reason": "national_policy",
            "explanation": "国家政策调整。",
            "attachment": pdf(),
            "proposed": json.dumps({"target_value": "5.9"}),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["target_value"] == [HIGHER % "5.9"]
    assert not AdjustmentRequest.objects.exists()


def _stale_section(html):
    if 'id="stale-figures"' not in html:
        return None
    section = html[html.index('id="stale-figures"') :]
    return section[: section.index("</section>")]


def test_the_office_sees_the_title_and_content_still_stating_the_old_value(
    login, pending_change, office
):
    """6.5 → 6.2: the title 全市地区生产总值增长6.5% and the content …达到6.5%左右 are marked."""
    html = (
        login(office)
        .get(reverse("execution:adjustment_detail", args=[pending_change.pk]))
        .content.decode()
    )
    section = _stale_section(html)
    assert section is not None
    assert "名称和内容仍写有原目标值" in section
    assert "全市地区生产总值增长<mark>6.5</mark>%" in section
    assert "全年地区生产总值增速达到<mark>6.5</mark>%左右。" in section


def test_no_warning_when_the_text_does_not_state_it_or_the_value_is_unchanged(
    login, executing, head_a, office
):
    adjustment = adjustments.adjustment_request_create(
        target=executing,
        by=head_a,
        kind="change",
        reason="city_requirement",
        explanation="增加措施。",
        attachment=pdf("调整申请.pdf"),
        proposed={"measures": "新增周调度机制。"},
    )
    client = login(office)
    url = reverse("execution:adjustment_detail", args=[adjustment.pk])
    assert _stale_section(client.get(url).content.decode()) is None
    adjustments.adjustment_request_reject(adjustment=adjustment, by=office, comment="不必调整。")
    type(executing).objects.filter(pk=executing.pk).update(
        title="地区生产总值稳步增长", content="经济运行在合理区间。"
    )
    other = adjustments.adjustment_request_create(
        target=executing,
        by=head_a,
        kind="change",
        reason="national_policy",
        explanation="按新口径调整。",
        attachment=pdf("调整申请.pdf"),
        proposed={"target_value": "6.2"},
    )
    url = reverse("execution:adjustment_detail", args=[other.pk])
    assert _stale_section(client.get(url).content.decode()) is None


def test_the_report_and_target_pages_show_how_percent_complete_is_computed(
    login, submitted_report, office
):
    """Verified 6.1 on the way 6.0 → 6.5 (higher is better): (6.1 − 6) ÷ (6.5 − 6) = 20%."""
    reports.progress_report_verify(report=submitted_report, by=office)
    client = login(office)
    html = client.get(
        reverse("execution:report_detail", args=[submitted_report.pk])
    ).content.decode()
    assert "完成进度 =（6.1 − 6）÷（6.5 − 6）= 20.00%（基期值6 → 目标值6.5，越高越好）" in html
    page = client.get(
        reverse("targets:target_detail", args=[submitted_report.target_id])
    ).content.decode()
    progress = page[page.index('id="progress"') :]
    assert "完成进度 =（累计完成值 − 基期值6）÷（目标值6.5 − 基期值6），越高越好" in progress
    assert "（6.1 − 6）÷（6.5 − 6）= 20.00%" in progress


def test_a_value_adjustment_can_rewrite_the_title_and_content(executing, head_a, office):
    """The head adjusts 6.5 → 6.2 and says 6.2% in the title and content: approved, the target
    reads as one, and the office's page had nothing stale to show."""
    adjustment = adjustments.adjustment_request_create(
        target=executing,
        by=head_a,
        kind="change",
        reason="national_policy",
        explanation="按新口径调整。",
        attachment=pdf("调整申请.pdf"),
        proposed={
            "target_value": "6.2",
            "title": "全市地区生产总值增长6.2%",
            "content": "全年地区生产总值增速达到6.2%左右。",
        },
    )
    assert set(adjustment.changes) == {"target_value", "title", "content"}
    assert stale_figures(adjustment) == []
    adjustments.adjustment_request_approve(adjustment=adjustment, by=office)
    executing.refresh_from_db()
    assert (executing.title, str(executing.target_value.normalize())) == (
        "全市地区生产总值增长6.2%",
        "6.2",
    )
    assert executing.content == "全年地区生产总值增速达到6.2%左右。"


def test_the_form_offers_the_title_and_content(login, executing, head_a):
    form = login(head_a).get(reverse("execution:adjustment_create", args=[executing.pk]))
    html = form.content.decode()
    assert 'id="field-title"' in html and 'id="field-content"' in html
    assert "调整目标值时，请一并修改名称和内容中写明的目标数字。" in html
