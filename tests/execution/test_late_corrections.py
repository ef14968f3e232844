"""Late correction of a verified progress report (更正申请, issue 16 item 6; Shanghai Art. 14:
the system records execution in full, 全程记录; Art. 15: the department head answers for its
figures). After a report is verified and its period has passed, the head of the department that
filed it asks to correct it (new value, reason, evidence); the general office (or the
supervision office) approves or rejects. The old value stays in the history; on approval the
effective value changes and the early warning and the dashboards recompute. Nobody edits a
verified report in place.

Today is 5 April 2027 (tests/execution/conftest.py): Q1 (to 31 March) has passed. The target is
6.0 → 6.5, higher is better; Q1's report was verified at 6.05 (10% of the way: red against the
24.66% expected at 31 March), and the department finds the statistics bureau's final figure was
6.2 (40%: green)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from execution import clock, early_warning
from execution.models import ProgressCorrection, ProgressReport, WarningSnapshot
from execution.services import corrections
from execution.services import progress as reports
from notifications.models import Notification
from targets.models import Target
from tests.helpers import act_as
from workflow.errors import Conflict, NotPermitted, ValidationFailed

from .conftest import Q1, Q2, pdf, report_input

pytestmark = pytest.mark.django_db
CORRECTIONS = "/api/v1/progress-corrections/"


@pytest.fixture
def verified_report(target, staff_a, head_a, office, media, django_capture_on_commit_callbacks):
    report = reports.progress_report_create(
        target=target, by=staff_a, period_start=Q1, data=report_input(actual_value=Decimal("6.05"))
    )
    report = reports.progress_report_submit(report=report, by=head_a)
    # The recomputation the verification queues runs now and leaves the queue (the test's
    # transaction never commits), so what the approval queues is its own.
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.progress_report_verify(report=report, by=office)
    connection.run_on_commit.clear()
    return report


def ask(report, by, **overrides):
    values = {
        "new_value": Decimal("6.2"),
        "new_percent": None,
        "reason": "市统计局发布一季度最终核实数为6.2%，原快报数据偏低。",
        "evidence": pdf("统计局核实数.pdf"),
    }
    values.update(overrides)
    return corrections.correction_request_create(report=report, by=by, **values)


@pytest.fixture
def pending(verified_report, head_a):
    return ask(verified_report, head_a)


def figures(report):
    report.refresh_from_db()
    return report.state, report.verified_value, report.verified_percent


def counts():
    return (ProgressCorrection.objects.count(), AuditEvent.objects.count())


# --- the request -------------------------------------------------------------------------------


def test_the_head_asks_and_nothing_changes_on_the_report_yet(verified_report, head_a, office):
    before = figures(verified_report)
    correction = ask(verified_report, head_a)
    assert correction.state == "pending"
    assert (correction.old_value, correction.new_value) == (Decimal("6.05"), Decimal("6.2"))
    assert figures(verified_report) == before
    event = AuditEvent.objects.for_timeline(verified_report.target).latest("pk")
    assert event.changes == {"verified_value": ["6.05", "6.2"]}
    # The general office is told, with both figures.
    note = Notification.objects.get(recipient=office, kind="progress_correction_requested")
    assert "原审核值：6.05" in note.body and "申请更正为：6.2" in note.body


@pytest.mark.parametrize("who", ["staff_a", "head_b", "office", "auditor", "vice_mayor"])
def test_only_the_reporting_departments_head_may_ask(request, verified_report, who):
    before = counts()
    with pytest.raises(NotPermitted) as refused:
        ask(verified_report, request.getfixturevalue(who))
    assert "只有报送该进展报告的部门主要负责人可以申请更正" in refused.value.message
    assert counts() == before


def test_a_report_not_verified_cannot_be_corrected(target, staff_a, head_a, media):
    """Submitted, awaiting 审核: the department waits (or is returned and edits)."""
    report = reports.progress_report_create(
        target=target, by=staff_a, period_start=Q1, data=report_input()
    )
    report = reports.progress_report_submit(report=report, by=head_a)
    with pytest.raises(Conflict) as refused:
        ask(report, head_a)
    assert "只有已审核的进展报告可以申请更正" in refused.value.message
    assert not ProgressCorrection.objects.exists()


def test_a_period_not_yet_passed_cannot_be_corrected(target, staff_a, head_a, office, media):
    """Q2's report verified in Q2 (its period has started): not until 30 June has passed."""
    with clock.frozen(datetime.date(2027, 6, 20)):
        report = reports.progress_report_create(
            target=target, by=staff_a, period_start=datetime.date(2027, 4, 1), data=report_input()
        )
        report = reports.progress_report_submit(report=report, by=head_a)
        report = reports.progress_report_verify(report=report, by=office)
        with pytest.raises(Conflict) as refused:
            ask(report, head_a)
        assert "报告期（至2027-06-30）尚未结束，不能申请更正" in refused.value.message
    with clock.frozen(datetime.date(2027, 7, 1)):
        assert ask(report, head_a).state == "pending"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": "  "}, "reason", "请写明更正理由。"),
        ({"evidence": None}, "evidence", "请上传更正依据（佐证材料）。"),
        ({"new_value": None}, "new_value", "定量目标须填写更正后的累计完成值。"),
        ({"new_value": Decimal("6.05")}, "new_value", "更正值与现审核值相同，无需更正。"),
        ({"new_percent": Decimal("150")}, "new_percent", "完成进度须在0至100之间。"),
        ({"new_value": Decimal("1e20")}, "new_value", "数值过大"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(
    verified_report, head_a, overrides, field, message
):
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        ask(verified_report, head_a, **overrides)
    assert message in refused.value.field_errors[field][0]
    assert counts() == before


def test_an_evidence_file_that_is_not_a_document_is_refused(verified_report, head_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationFailed) as refused:
        ask(verified_report, head_a, evidence=SimpleUploadedFile("x.exe", b"MZ\x90\x00binary"))
    assert "evidence" in refused.value.field_errors
    assert not ProgressCorrection.objects.exists()


def test_one_open_request_per_report(pending, verified_report, head_a):
    with pytest.raises(Conflict) as refused:
        ask(verified_report, head_a, new_value=Decimal("6.3"))
    assert "已有待审批的更正申请" in refused.value.message
    assert ProgressCorrection.objects.count() == 1


# --- the decision ------------------------------------------------------------------------------


def test_approval_changes_the_effective_value_and_keeps_the_old_one(
    pending, verified_report, office, head_a, django_capture_on_commit_callbacks
):
    early_warning.recompute_early_warnings()
    before = WarningSnapshot.objects.get(target=verified_report.target, period_start=Q2)
    assert (before.level, before.actual) == ("red", Decimal("10.00"))

    with django_capture_on_commit_callbacks(execute=True):
        corrections.correction_approve(correction=pending, by=office, comment="以核实数为准")
    assert figures(verified_report) == ("verified", Decimal("6.2"), None)
    pending.refresh_from_db()
    assert (pending.state, pending.old_value, pending.new_value) == (
        "approved",
        Decimal("6.05"),
        Decimal("6.2"),
    )
    after = WarningSnapshot.objects.get(target=verified_report.target, period_start=Q2)
    assert (after.level, after.actual) == ("green", Decimal("40.00"))

    # Both values on the target's timeline: the request's approval and the report's new figure.
    events = AuditEvent.objects.for_timeline(verified_report.target)
    approve = events.with_action(pending, "approve").get()
    assert (approve.from_state, approve.to_state) == ("pending", "approved")
    change = events.for_object(verified_report).order_by("-pk").first()
    assert change.changes == {"verified_value": ["6.05", "6.2"]}
    assert "依更正申请更正审核值" in change.comment
    # The department is told.
    note = Notification.objects.get(recipient=head_a, kind="progress_correction_decided")
    assert "已批准" in note.title


def test_the_dashboards_read_the_corrected_value(
    pending, verified_report, office, vice_mayor, django_capture_on_commit_callbacks
):
    """Red on 6.05; after the approved correction to 6.2 and the recomputation, not red."""
    early_warning.recompute_early_warnings()
    client = act_as(APIClient(), vice_mayor)
    board = client.get("/api/v1/dashboards/leader/").json()
    assert [t["code"] for t in board["red"]] == [verified_report.target.code]
    with django_capture_on_commit_callbacks(execute=True):
        corrections.correction_approve(correction=pending, by=office)
    board = client.get("/api/v1/dashboards/leader/").json()
    assert board["red"] == []
    assert sum(d["red"] for d in board["departments"]) == 0


def test_rejection_needs_a_comment_and_keeps_the_report(pending, verified_report, office, head_a):
    with pytest.raises(ValidationFailed) as refused:
        corrections.correction_reject(correction=pending, by=office, comment=" ")
    assert refused.value.field_errors == {"comment": ["不予更正时须填写审批意见。"]}
    corrections.correction_reject(correction=pending, by=office, comment="核实数尚未正式发布。")
    assert figures(verified_report) == ("verified", Decimal("6.05"), None)
    pending.refresh_from_db()
    assert pending.state == "rejected"
    assert Notification.objects.filter(recipient=head_a, kind="progress_correction_decided")


@pytest.mark.parametrize("who", ["head_a", "staff_a", "auditor", "vice_mayor", "head_b"])
def test_only_the_offices_decide(request, pending, verified_report, who):
    user = request.getfixturevalue(who)
    for decide in (corrections.correction_approve, corrections.correction_reject):
        with pytest.raises(NotPermitted):
            decide(correction=pending, by=user, comment="意见")
    pending.refresh_from_db()
    assert pending.state == "pending"
    assert figures(verified_report)[1] == Decimal("6.05")


def test_the_supervision_office_may_decide_too(pending, supervisor, verified_report):
    corrections.correction_approve(correction=pending, by=supervisor)
    assert figures(verified_report)[1] == Decimal("6.2")


def test_a_decided_request_is_not_decided_again(pending, office, verified_report):
    corrections.correction_reject(correction=pending, by=office, comment="不予更正")
    with pytest.raises(Conflict) as refused:
        corrections.correction_approve(correction=pending, by=office)
    assert "该更正申请已未批准，不能再审批" in refused.value.message
    assert figures(verified_report)[1] == Decimal("6.05")


# --- nobody edits a verified report in place ---------------------------------------------------


def test_no_edit_path_changes_a_verified_report(
    verified_report, login, staff_a, head_a, office, media
):
    with pytest.raises(NotPermitted):
        reports.progress_report_update(
            report=verified_report, by=head_a, data=report_input(actual_value=Decimal("6.2"))
        )
    client = login(head_a)
    assert client.get(reverse("execution:report_edit", args=[verified_report.pk])).status_code == (
        403
    )
    response = client.post(
        reverse("execution:report_edit", args=[verified_report.pk]),
        {"actual_value": "6.2", "narrative": "改", "expected_version": verified_report.version},
    )
    assert response.status_code == 403
    api = act_as(APIClient(), head_a)
    response = api.patch(
        f"/api/v1/progress-reports/{verified_report.pk}/",
        {"actual_value": "6.2", "version": verified_report.version},
        format="json",
    )
    assert response.status_code == 403
    # Verifying again is no edit path either.
    with pytest.raises(Conflict):
        reports.progress_report_verify(
            report=verified_report, by=office, verified_value=Decimal("6.2"), reason="再审"
        )
    assert figures(verified_report) == ("verified", Decimal("6.05"), None)


# --- pages ---------------------------------------------------------------------------------------


def test_the_journey_through_the_pages(login, verified_report, head_a, staff_a, office):
    report_url = reverse("execution:report_detail", args=[verified_report.pk])
    ask_url = reverse("execution:correction_create", args=[verified_report.pk])
    # Only the head sees the button, and the staff member is refused the form.
    assert 'id="ask-correction"' not in login(staff_a).get(report_url).content.decode()
    assert login(staff_a).get(ask_url).status_code == 403
    client = login(head_a)
    assert 'id="ask-correction"' in client.get(report_url).content.decode()
    # Bad input comes back with the error at its field, the typed value kept.
    response = client.post(ask_url, {"new_value": "6.2", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    reason = html.split('id="field-reason"')[1].split('id="field-')[0]
    assert "请写明更正理由。" in reason
    assert 'value="6.2"' in html.split('id="field-new_value"')[1].split('id="field-')[0]
    assert not ProgressCorrection.objects.exists()
    response = client.post(
        ask_url,
        {"new_value": "6.2", "reason": "统计局核实数。", "evidence": pdf("核实数.pdf")},
    )
    correction = ProgressCorrection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("execution:correction_detail", args=[correction.pk])
    # The office's list and page: both figures, and the decision.
    client = login(office)
    listing = client.get(reverse("execution:correction_list")).content.decode()
    assert f'data-correction="{correction.pk}"' in listing
    page = client.get(response["Location"]).content.decode()
    assert 'data-figure="old">6.05' in page and 'data-figure="new">6.2' in page
    assert 'data-action="approve"' in page
    # Rejecting without a reason goes back to the request with the message.
    response = client.post(reverse("execution:correction_reject", args=[correction.pk]), {})
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.state == "pending"
    response = client.post(
        reverse("execution:correction_approve", args=[correction.pk]), {"comment": "同意"}
    )
    assert response.status_code == 302
    assert figures(verified_report)[1] == Decimal("6.2")
    # The report page keeps both values in its correction record; no more decision buttons.
    html = client.get(report_url).content.decode()
    record = html[html.index('id="corrections"') :]
    record = record[: record.index("</section>")]
    assert "6.05" in record and "6.2" in record and "已批准" in record
    assert 'data-action="approve"' not in client.get(response["Location"]).content.decode()
    # The target's timeline shows the old and the new value.
    target_page = client.get(
        reverse("targets:target_detail", args=[verified_report.target_id])
    ).content.decode()
    timeline = target_page[target_page.index('id="timeline"') :]
    timeline = timeline[: timeline.index("</section>")]
    assert "批准更正" in timeline and "审核值" in timeline
    assert "6.05" in timeline and "6.2" in timeline


def test_others_cannot_read_a_departments_request(login, pending, staff_b, head_a):
    url = reverse("execution:correction_detail", args=[pending.pk])
    assert login(staff_b).get(url).status_code == 404
    assert login(head_a).get(url).status_code == 200
    assert (
        login(head_a).get(reverse("execution:correction_evidence", args=[pending.pk])).status_code
        == 200
    )
    assert (
        login(staff_b).get(reverse("execution:correction_evidence", args=[pending.pk])).status_code
        == 404
    )


# --- API ---------------------------------------------------------------------------------------


def test_the_api_asks_approves_and_refuses(verified_report, head_a, staff_a, staff_b, office):
    body = {
        "report": verified_report.pk,
        "new_value": "6.2",
        "reason": "统计局核实数。",
        "evidence": pdf("核实数.pdf"),
    }
    assert (
        act_as(APIClient(), staff_a).post(CORRECTIONS, body, format="multipart").status_code == 403
    )
    body["evidence"] = pdf("核实数.pdf")
    assert (
        act_as(APIClient(), staff_b).post(CORRECTIONS, body, format="multipart").status_code == 404
    )
    response = act_as(APIClient(), head_a).post(
        CORRECTIONS, {**body, "evidence": pdf("核实数.pdf"), "reason": ""}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["reason"] == ["请写明更正理由。"]
    response = act_as(APIClient(), head_a).post(
        CORRECTIONS, {**body, "evidence": pdf("核实数.pdf")}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["old_value"], created["new_value"], created["state"]) == (
        "6.05",
        "6.2",
        "pending",
    )
    assert created["allowed_actions"] == []
    office_api = act_as(APIClient(), office)
    assert office_api.get(f"{CORRECTIONS}{created['id']}/").json()["allowed_actions"] == [
        "approve",
        "reject",
    ]
    assert (
        act_as(APIClient(), head_a).post(f"{CORRECTIONS}{created['id']}/approve/").status_code
        == 403
    )
    response = office_api.post(f"{CORRECTIONS}{created['id']}/approve/", {"comment": "同意"})
    assert response.status_code == 200 and response.json()["state"] == "approved"
    assert (
        office_api.post(f"{CORRECTIONS}{created['id']}/reject/", {"comment": "x"}).status_code
        == 409
    )
    report = office_api.get(f"/api/v1/progress-reports/{verified_report.pk}/").json()
    assert report["verified_value"] == "6.2"
    assert act_as(APIClient(), staff_b).get(f"{CORRECTIONS}{created['id']}/").status_code == 404
    assert ProgressReport.objects.get(pk=verified_report.pk).verified_value == Decimal("6.2")


def test_an_evaluated_or_cancelled_targets_figures_are_closed(
    pending, verified_report, head_a, office
):
    """Once the year-end result is published (Art. 23–25) the figures it judged stay: a new
    request is refused, and so is approving one filed before."""
    Target.objects.filter(pk=verified_report.target_id).update(state=Target.State.EVALUATED)
    verified_report.target.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        corrections.correction_approve(correction=pending, by=office)
    assert "不能再更正其进展" in refused.value.message
    pending.refresh_from_db()
    assert pending.state == "pending"
    assert figures(verified_report)[1] == Decimal("6.05")
    corrections.correction_reject(correction=pending, by=office, comment="已评估")
    with pytest.raises(Conflict):
        ask(verified_report, head_a, new_value=Decimal("6.3"))
