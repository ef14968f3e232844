"""Adjustments (调整, Shanghai Art. 12; Zhongshan Art. 17): who may ask and decide, what may be
asked, and what approval writes."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from execution.models import AdjustmentRequest
from execution.services import adjustments
from targets.models import Target, TargetRevision
from workflow.errors import Conflict, NotPermitted, ValidationFailed

from .conftest import nothing_saved as nothing_written
from .conftest import pdf


def file_request(target, by, **overrides):
    values = {
        "target": target,
        "by": by,
        "kind": "change",
        "reason": "city_requirement",
        "explanation": "市政府提出新要求。",
        "attachment": pdf("调整申请.pdf"),
        "proposed": {"target_value": "7"},
    }
    values.update(overrides)
    return adjustments.adjustment_request_create(**values)


def test_head_of_lead_department_requests_a_change(executing, head_a):
    adjustment = file_request(executing, head_a)
    assert adjustment.state == "pending"
    assert adjustment.changes == {"target_value": ["6.5", "7"]}
    assert adjustment.proposed == {"target_value": "7"}
    assert adjustment.attachment_name == "调整申请.pdf"
    assert "调整申请" not in adjustment.attachment.name  # stored under a generated name
    event = AuditEvent.objects.for_object(adjustment).with_action(adjustment, "create").get()
    assert event in AuditEvent.objects.for_timeline(executing)
    assert event.changes == {"target_value": ["6.5", "7"]}


@pytest.mark.parametrize("who", ["staff_a", "head_b", "office", "vice_mayor", "auditor"])
def test_nobody_but_the_lead_head_requests_an_adjustment(executing, who, request):
    user = request.getfixturevalue(who)
    with nothing_written(executing), pytest.raises(NotPermitted):
        file_request(executing, user)


def test_a_draft_cannot_be_adjusted_it_is_still_edited(draft, head_a):
    with nothing_written(draft), pytest.raises(ValidationFailed) as caught:
        file_request(draft, head_a)
    assert "已确认或执行中" in caught.value.message


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": ""}, "reason", "请选择调整原因"),
        ({"explanation": "  "}, "explanation", "具体理由"),
        ({"attachment": None}, "attachment", "附件"),
        ({"proposed": {}}, "proposed", "未提出任何调整"),
        ({"proposed": {"target_value": "6.5"}}, "proposed", "未提出任何调整"),
        ({"proposed": {"indicator": "新指标"}}, "proposed", "不能通过调整申请修改"),
        # The title is adjustable with the target value (issue 16 item 4), never to nothing.
        ({"proposed": {"title": " "}}, "title", "请填写目标名称"),
        ({"proposed": {"target_value": "abc"}}, "target_value", "有效的数值"),
        ({"proposed": {"target_value": "1e20"}}, "target_value", "数值过大"),
        ({"proposed": {"target_value": None}}, "target_value", "须填写目标值"),
        (
            {
                "proposed": {
                    "milestones": [
                        {"quarter": 2, "description": "上半年完成", "due_date": "2027-09-30"}
                    ]
                }
            },
            "milestones.0.due_date",
            "第2季度内",
        ),
        (
            {
                "proposed": {
                    "departments": [{"department": None, "role": "cooperating", "task": ""}]
                }
            },
            "departments.0.department",
            "请选择部门",
        ),
    ],
)
def test_bad_requests_are_refused_with_a_chinese_message(
    executing, head_a, overrides, field, message
):
    with nothing_written(executing), pytest.raises(ValidationFailed) as caught:
        file_request(executing, head_a, **overrides)
    errors = caught.value.field_errors
    assert field in errors, errors
    assert any(message in m for m in errors[field]), errors


def test_a_qualitative_target_has_no_target_value_to_adjust(executing, head_a):
    Target.objects.filter(pk=executing.pk).update(kind="qualitative")
    executing.refresh_from_db()
    with pytest.raises(ValidationFailed) as caught:
        file_request(executing, head_a)
    assert "定性目标没有目标值" in caught.value.field_errors["target_value"][0]


def test_at_most_one_open_request_per_target(pending_change, head_a):
    target = pending_change.target
    with nothing_written(target), pytest.raises(Conflict):
        file_request(target, head_a)


def test_the_database_refuses_a_second_open_request(pending_change):
    with transaction.atomic(), pytest.raises(IntegrityError):
        AdjustmentRequest.objects.create(
            target=pending_change.target,
            kind="cancel",
            reason="other",
            explanation="x",
            attachment="evidence/x.pdf",
            attachment_name="x.pdf",
            department=pending_change.department,
            requested_by=pending_change.requested_by,
            base_version=1,
        )


def test_approval_applies_the_change_as_a_new_revision(pending_change, office):
    target = pending_change.target
    old_version = target.version
    approved = adjustments.adjustment_request_approve(
        adjustment=pending_change, by=office, comment="同意调整。"
    )
    target.refresh_from_db()
    assert approved.state == "approved"
    assert str(target.target_value.normalize()) == "6.2"
    assert target.measures == "加快重大项目建设，稳定有效投资。"
    assert target.version == old_version + 1 == approved.result_version
    assert target.state == "executing"
    # The old version stays readable.
    old = TargetRevision.objects.get(target=target, number=old_version)
    assert old.snapshot["target_value"] == "6.5"
    assert approved.changes["target_value"] == ["6.5", "6.2"]
    assert approved.changes["measures"][1] == "加快重大项目建设，稳定有效投资。"
    timeline = AuditEvent.objects.for_timeline(target)
    assert (
        timeline.with_action(AdjustmentRequest, "approve")
        .filter(comment="同意调整。", to_state="approved")
        .exists()
    )
    assert timeline.with_action(Target, "update").filter(object_id=str(target.pk)).exists()


def test_approving_node_targets_keeps_their_rows_and_status(executing, head_a, office):
    q1 = executing.milestones.get(quarter=1)
    q1.status = "achieved"
    q1.save()
    adjustment = file_request(
        executing,
        head_a,
        proposed={
            "milestones": [
                {"quarter": 1, "description": "第1季度累计增速达到目标进度"},
                {"quarter": 4, "description": "全年增速达到6.2%", "due_date": "2027-12-20"},
            ]
        },
    )
    assert set(adjustment.changes) == {"milestones"}
    adjustments.adjustment_request_approve(adjustment=adjustment, by=office)
    rows = list(executing.milestones.order_by("quarter"))
    assert [m.quarter for m in rows] == [1, 4]
    assert rows[0].pk == q1.pk and rows[0].status == "achieved"
    assert rows[1].due_date == datetime.date(2027, 12, 20)


def test_approving_departments_replaces_the_division_of_work(executing, head_a, office, dept_b):
    adjustment = file_request(
        executing,
        head_a,
        reason="force_majeure",
        proposed={
            "departments": [
                {"department": dept_b.pk, "role": "cooperating", "task": "保障项目资金。"}
            ]
        },
    )
    adjustments.adjustment_request_approve(adjustment=adjustment, by=office)
    assert [(d.department_id, d.task) for d in executing.departments.all()] == [
        (dept_b.pk, "保障项目资金。")
    ]


def test_approved_cancellation_cancels_the_target(executing, head_a, office):
    adjustment = file_request(executing, head_a, kind="cancel", proposed={})
    adjustments.adjustment_request_approve(adjustment=adjustment, by=office, comment="同意撤销")
    executing.refresh_from_db()
    assert executing.state == "cancelled"
    assert (
        AuditEvent.objects.for_object(executing)
        .with_action(executing, "cancel")
        .filter(to_state="cancelled")
        .exists()
    )


def test_rejection_needs_a_comment_and_changes_nothing(pending_change, office):
    target = pending_change.target
    with nothing_written(target), pytest.raises(ValidationFailed):
        adjustments.adjustment_request_reject(adjustment=pending_change, by=office, comment="")
    rejected = adjustments.adjustment_request_reject(
        adjustment=pending_change, by=office, comment="理由不充分。"
    )
    target.refresh_from_db()
    assert rejected.state == "rejected" and rejected.decision_comment == "理由不充分。"
    assert str(target.target_value.normalize()) == "6.5"


@pytest.mark.parametrize("who", ["head_a", "staff_a", "vice_mayor", "auditor", "supervisor"])
def test_only_the_general_office_decides(pending_change, who, request):
    user = request.getfixturevalue(who)
    with nothing_written(pending_change.target), pytest.raises(NotPermitted):
        adjustments.adjustment_request_approve(adjustment=pending_change, by=user)
    with pytest.raises(NotPermitted):
        adjustments.adjustment_request_reject(adjustment=pending_change, by=user, comment="否")


def test_a_decided_request_cannot_be_decided_again(pending_change, office):
    adjustments.adjustment_request_reject(adjustment=pending_change, by=office, comment="否")
    with nothing_written(pending_change.target), pytest.raises(Conflict):
        adjustments.adjustment_request_approve(adjustment=pending_change, by=office)


def test_a_new_request_may_follow_a_decided_one(pending_change, office, head_a):
    adjustments.adjustment_request_reject(adjustment=pending_change, by=office, comment="否")
    assert file_request(pending_change.target, head_a).state == "pending"
