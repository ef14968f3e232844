"""The state machines of the execution stage's changes (issue 15): adjustment requests
(Shanghai Art. 12; Zhongshan Art. 17), completion reports (Art. 14) and coordination items
(Art. 16–17). Each step is a transition with its permission and its own words; a step by
someone without the permission is refused through the page (403, nothing moved, nothing
recorded) and through the API (403); the target's timeline names each step in the record's
own words (Art. 14: 全程记录), so a rejected adjustment never reads as another stage's reject."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from audit.models import AuditEvent
from execution.models import AdjustmentRequest, CompletionReport, CoordinationItem
from execution.services import adjustments, completion, coordination
from tests.helpers import act_as
from workflow.events import event_label, field_label, timeline
from workflow.transitions import transition_label, transitions_of

from .conftest import CHANGES_TODAY


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def site_language():
    """Labels are read in the site's language, whatever an earlier test activated."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def detail(target):
    return reverse("targets:target_detail", args=[target.pk])


@pytest.mark.parametrize(
    ("model", "labels"),
    [
        (AdjustmentRequest, {"approve": "批准调整", "reject": "不予批准"}),
        (CompletionReport, {"accept": "办结审核通过", "return_report": "退回办结报告"}),
        (CoordinationItem, {"escalate": "提请市领导协调", "resolve": "确认已解决"}),
    ],
)
def test_each_step_is_a_transition_with_its_permission_and_label(model, labels):
    declared = transitions_of(model)
    assert set(declared) == set(labels)
    for name, label in labels.items():
        assert transition_label(model, name) == label
        assert all(t.permission for t in declared[name].transitions.values())


# --- (a) refused without the permission: page 403 and API 403, nothing moved or recorded ----


def _unchanged(obj, state, events_before):
    obj.refresh_from_db()
    assert obj.state == state
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("who", ["head_a", "vice_mayor", "auditor"])
@pytest.mark.parametrize("name", ["adjustment_approve", "adjustment_reject"])
def test_adjustment_decision_refused_on_the_page(client, pending_change, who, name, request):
    """Art. 12: only the general office approves or rejects a request."""
    events = AuditEvent.objects.count()
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse(f"execution:{name}", args=[pending_change.pk]), {"comment": "否"}
    )
    assert response.status_code == 403
    assert "只有市政府办公厅（目标办）可以审批调整申请" in response.content.decode()
    _unchanged(pending_change, "pending", events)


@pytest.mark.parametrize("step", ["approve", "reject"])
def test_adjustment_decision_refused_through_the_api(api, pending_change, head_a, step):
    events = AuditEvent.objects.count()
    url = f"/api/v1/adjustments/{pending_change.pk}/{step}/"
    response = act_as(api, head_a).post(url, {"comment": "否"}, format="json")
    assert response.status_code == 403
    _unchanged(pending_change, "pending", events)


@pytest.mark.parametrize("who", ["head_a", "vice_mayor", "auditor"])
@pytest.mark.parametrize("name", ["completion_accept", "completion_return"])
def test_completion_review_refused_on_the_page(client, completion_report, who, name, request):
    """Art. 14: only the general office reviews a completion report."""
    events = AuditEvent.objects.count()
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse(f"execution:{name}", args=[completion_report.pk]), {"comment": "否"}
    )
    assert response.status_code == 403
    _unchanged(completion_report, "submitted", events)
    assert completion_report.target.state == "executing"


@pytest.mark.parametrize("step", ["accept", "return"])
def test_completion_review_refused_through_the_api(api, completion_report, head_a, step):
    events = AuditEvent.objects.count()
    url = f"/api/v1/completion-reports/{completion_report.pk}/{step}/"
    response = act_as(api, head_a).post(url, {"comment": "否"}, format="json")
    assert response.status_code == 403
    _unchanged(completion_report, "submitted", events)


@pytest.mark.parametrize("step", ["escalate", "resolve"])
def test_coordination_step_refused_on_the_page(client, coordination_item, staff_b, step):
    """Art. 16: a department asked to help reads the item and talks in its thread, but only the
    lead department, the general office (and, for the result, the vice-mayor) move it."""
    events = AuditEvent.objects.count()
    client.force_login(staff_b)
    url = reverse(f"execution:coordination_{step}", args=[coordination_item.pk])
    response = client.post(url, {"text": "已落实"})
    assert response.status_code == 403
    _unchanged(coordination_item, "open", events)


@pytest.mark.parametrize("step", ["escalate", "resolve"])
def test_coordination_step_refused_through_the_api(api, coordination_item, staff_b, step):
    events = AuditEvent.objects.count()
    url = f"/api/v1/coordination-items/{coordination_item.pk}/{step}/"
    response = act_as(api, staff_b).post(url, {"text": "已落实"}, format="json")
    assert response.status_code == 403
    _unchanged(coordination_item, "open", events)


def test_a_refused_reject_is_403_before_its_missing_comment(client, pending_change, head_a):
    """Who may never decide hears so (403), not that the comment is missing (400)."""
    client.force_login(head_a)
    response = client.post(reverse("execution:adjustment_reject", args=[pending_change.pk]))
    assert response.status_code == 403


# --- allowed actions come from the transitions --------------------------------------------


def test_the_api_offers_what_the_transitions_allow(
    api, completion_report, pending_change, coordination_item, office, head_a, staff_b, vice_mayor
):
    # The report first: a pending adjustment would keep it from being filed.
    adjustment_url = f"/api/v1/adjustments/{pending_change.pk}/"
    assert act_as(api, office).get(adjustment_url).json()["allowed_actions"] == [
        "approve",
        "reject",
    ]
    assert act_as(api, head_a).get(adjustment_url).json()["allowed_actions"] == []
    report_url = f"/api/v1/completion-reports/{completion_report.pk}/"
    # Named as the endpoints (the transition is return_report).
    assert act_as(api, office).get(report_url).json()["allowed_actions"] == ["accept", "return"]
    assert act_as(api, head_a).get(report_url).json()["allowed_actions"] == []
    item_url = f"/api/v1/coordination-items/{coordination_item.pk}/"
    assert act_as(api, head_a).get(item_url).json()["allowed_actions"] == ["escalate", "resolve"]
    assert act_as(api, vice_mayor).get(item_url).json()["allowed_actions"] == ["resolve"]
    assert act_as(api, staff_b).get(item_url).json()["allowed_actions"] == []
    coordination.coordination_item_resolve(item=coordination_item, by=head_a, resolution="已解决")
    assert act_as(api, head_a).get(item_url).json()["allowed_actions"] == []
    adjustments.adjustment_request_reject(adjustment=pending_change, by=office, comment="否")
    assert act_as(api, office).get(adjustment_url).json()["allowed_actions"] == []


def test_the_pages_offer_what_the_transitions_allow(
    client, coordination_item, completion_report, head_a, vice_mayor, office
):
    item_url = reverse("execution:coordination_detail", args=[coordination_item.pk])
    client.force_login(vice_mayor)
    page = client.get(item_url).content.decode()
    assert "确认已解决" in page and "提请市领导协调" not in page
    client.force_login(head_a)
    page = client.get(item_url).content.decode()
    assert "确认已解决" in page and "提请市领导协调" in page
    target_page = client.get(detail(completion_report.target)).content.decode()
    assert "审核通过，办结" not in target_page
    client.force_login(office)
    assert "审核通过，办结" in client.get(detail(completion_report.target)).content.decode()


# --- (c) the timeline names each step in the record's own words ----------------------------


def _target_timeline(target):
    return timeline(AuditEvent.objects.for_timeline(target), about=target)


def test_a_rejected_adjustment_reads_as_not_approved_on_the_target_page(
    client, pending_change, office
):
    """The bug of issue 15: a rejected adjustment showed as 验收不通过 (a finding's reject)."""
    adjustments.adjustment_request_reject(adjustment=pending_change, by=office, comment="理由不足")
    client.force_login(office)
    page = client.get(detail(pending_change.target)).content.decode()
    assert "<span>不予批准</span>" in page
    assert "验收不通过" not in page
    event = AuditEvent.objects.with_action(AdjustmentRequest, "reject").get()
    assert event.action == "execution.adjustmentrequest.reject"
    assert event_label(event) == "不予批准"


def test_completion_steps_read_in_their_own_words(
    client, completion_report, office, head_a, executing
):
    completion.completion_report_return(report=completion_report, by=office, comment="缺材料")
    again = completion.completion_report_file(
        target=executing, by=head_a, summary="已补充材料。", evidence=_pdf()
    )
    completion.completion_report_accept(report=again, by=office)
    labels = [item["label"] for item in _target_timeline(executing)]
    assert "退回办结报告" in labels and "办结审核通过" in labels and "办结" in labels
    client.force_login(office)
    page = client.get(detail(executing)).content.decode()
    assert "<span>退回办结报告</span>" in page and "<span>办结审核通过</span>" in page
    # The filed evidence reads by the report's field name.
    filed = AuditEvent.objects.with_action(CompletionReport, "create").first()
    assert set(filed.changes) == {"evidence"}
    assert field_label(CompletionReport, "evidence") == "佐证材料"


def test_coordination_steps_read_in_their_own_words(
    client, coordination_item, head_a, vice_mayor, office, dept_a, dept_b
):
    coordination.coordination_sheet_set(
        item=coordination_item, by=office, duties=[(dept_a, "牵头推进。", None)]
    )
    coordination.coordination_item_escalate(item=coordination_item, by=head_a, comment="急")
    coordination.coordination_item_resolve(
        item=coordination_item, by=vice_mayor, resolution="已协调落实。"
    )
    shown = {
        item["label"]: item
        for item in _target_timeline(coordination_item.target)
        if item["about"] == str(coordination_item)
    }
    assert {"创建", "修改", "提请市领导协调", "确认已解决"} <= set(shown)
    raised = {row["label"]: row["after"] for row in shown["创建"]["changes"]}
    assert set(raised) == {"协调事项", "需协调部门", "协调时限", "分管市领导"}
    assert raised["需协调部门"] == ["市财政局"]
    sheet = {row["label"]: row["after"] for row in shown["修改"]["changes"]}
    assert sheet == {"工作协调单": ["市发展改革委：牵头推进。"]}
    escalated = shown["提请市领导协调"]
    assert (escalated["from_state"], escalated["to_state"]) == ("协调中", "已提请市领导协调")
    assert [row["label"] for row in escalated["changes"]] == ["分管市领导"]
    client.force_login(office)
    page = client.get(detail(coordination_item.target)).content.decode()
    assert "<span>提请市领导协调</span>" in page and "<span>确认已解决</span>" in page
    assert "coordination_" not in page


def test_the_beat_tasks_escalation_is_the_same_transition(executing, staff_a, dept_b, vice_mayor):
    item = coordination.coordination_item_raise(
        target=executing,
        by=staff_a,
        subject="用地指标",
        description="d",
        departments=[dept_b],
        due_date=CHANGES_TODAY,
        today=CHANGES_TODAY,
    )
    coordination.coordination_escalate_overdue(today=CHANGES_TODAY + datetime.timedelta(days=1))
    event = AuditEvent.objects.for_object(item).with_action(item, "escalate").get()
    assert (event.from_state, event.to_state) == ("open", "escalated")
    assert event.actor is None and event.actor_name == "系统（到期自动提请）"
    assert event.changes == {"leader": [None, str(vice_mayor)]}
    assert event in AuditEvent.objects.for_timeline(executing)
    assert event_label(event) == "提请市领导协调"


def _pdf():
    from .conftest import pdf

    return pdf("补充材料.pdf")
