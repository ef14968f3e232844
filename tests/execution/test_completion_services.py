"""Completion review (办结审核, Shanghai Art. 14): the lead department's head files, the general
office accepts (the target is completed) or returns."""

import pytest

from audit.models import AuditEvent
from execution.models import CompletionReport
from execution.services import completion
from targets.models import Target
from workflow.errors import Conflict, NotPermitted, ValidationFailed

from .conftest import nothing_saved, pdf


def file_report(target, by, **overrides):
    values = {"target": target, "by": by, "summary": "已完成。", "evidence": pdf("材料.pdf")}
    values.update(overrides)
    return completion.completion_report_file(**values)


def test_head_files_and_office_accepts_the_target_is_completed(completion_report, office):
    target = completion_report.target
    assert completion_report.state == "submitted"
    accepted = completion.completion_report_accept(
        report=completion_report, by=office, comment="材料齐全，同意办结。"
    )
    target.refresh_from_db()
    assert accepted.state == "accepted" and target.state == Target.State.COMPLETED
    timeline = AuditEvent.objects.for_timeline(target)
    assert timeline.with_action(Target, "complete").filter(to_state="completed").exists()
    assert (
        timeline.with_action(CompletionReport, "accept")
        .filter(comment="材料齐全，同意办结。")
        .exists()
    )


def test_returned_report_leaves_the_target_executing_and_may_be_filed_again(
    completion_report, office, head_a
):
    target = completion_report.target
    with nothing_saved(target), pytest.raises(ValidationFailed):
        completion.completion_report_return(report=completion_report, by=office, comment=" ")
    completion.completion_report_return(report=completion_report, by=office, comment="缺少验收材料")
    target.refresh_from_db()
    assert target.state == "executing"
    assert file_report(target, head_a).state == "submitted"


@pytest.mark.parametrize("who", ["staff_a", "head_b", "office", "vice_mayor", "auditor"])
def test_only_the_lead_head_files(executing, who, request):
    with nothing_saved(executing), pytest.raises(NotPermitted):
        file_report(executing, request.getfixturevalue(who))


@pytest.mark.parametrize("who", ["head_a", "vice_mayor", "auditor", "supervisor"])
def test_only_the_office_accepts_or_returns(completion_report, who, request):
    user = request.getfixturevalue(who)
    with nothing_saved(completion_report.target), pytest.raises(NotPermitted):
        completion.completion_report_accept(report=completion_report, by=user)
    with pytest.raises(NotPermitted):
        completion.completion_report_return(report=completion_report, by=user, comment="否")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"evidence": None}, "evidence"),
        ({"actual_value": "很多"}, "actual_value"),
    ],
)
def test_bad_reports_are_refused(executing, head_a, overrides, field):
    with nothing_saved(executing), pytest.raises(ValidationFailed) as caught:
        file_report(executing, head_a, **overrides)
    assert field in caught.value.field_errors


def test_a_forbidden_file_type_is_refused(executing, head_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    evil = SimpleUploadedFile("报告.html", b"<script>alert(1)</script>")
    with nothing_saved(executing), pytest.raises(ValidationFailed) as caught:
        file_report(executing, head_a, evidence=evil)
    assert "不支持" in caught.value.field_errors["evidence"][0]


def test_only_an_executing_target_is_completed(confirmed, head_a):
    with nothing_saved(confirmed), pytest.raises(ValidationFailed) as caught:
        file_report(confirmed, head_a)
    assert "执行中" in caught.value.message


def test_one_open_report_at_a_time_and_none_while_an_adjustment_waits(
    completion_report, pending_change, head_a
):
    target = completion_report.target
    with nothing_saved(target), pytest.raises((Conflict, ValidationFailed)):
        file_report(target, head_a)


def test_none_while_an_adjustment_waits(pending_change, head_a):
    with nothing_saved(pending_change.target), pytest.raises(ValidationFailed) as caught:
        file_report(pending_change.target, head_a)
    assert "调整申请" in caught.value.message


def test_an_accepted_report_cannot_be_returned(completion_report, office):
    completion.completion_report_accept(report=completion_report, by=office)
    with pytest.raises(Conflict):
        completion.completion_report_return(report=completion_report, by=office, comment="x")


def test_a_completed_target_cannot_be_adjusted_or_completed_again(
    completion_report, office, head_a
):
    from execution.services import adjustments

    completion.completion_report_accept(report=completion_report, by=office)
    target = Target.objects.get(pk=completion_report.target_id)
    with pytest.raises(ValidationFailed):
        file_report(target, head_a)
    with pytest.raises(ValidationFailed):
        adjustments.adjustment_request_create(
            target=target,
            by=head_a,
            kind="cancel",
            reason="other",
            explanation="x",
            attachment=pdf(),
        )
