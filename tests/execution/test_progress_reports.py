"""Progress reports (进展, Shanghai Art. 14, 16): who files, submits, verifies and returns them,
what is refused (nothing saved), late marking, and the audit trail on the target's timeline."""

import datetime
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from execution import clock
from execution.models import ProgressReport, ReportEvidence
from execution.services import progress as reports
from targets.models import Milestone
from workflow.errors import Conflict, NotPermitted, ValidationFailed

from .conftest import Q1, Q2, pdf, report_input

pytestmark = pytest.mark.django_db


def counts():
    return (
        ProgressReport.objects.count(),
        ReportEvidence.objects.count(),
        AuditEvent.objects.count(),
    )


def test_lead_staff_drafts_a_report_with_evidence(draft_report, target, staff_a, dept_a):
    assert draft_report.state == ProgressReport.State.DRAFT
    assert draft_report.kind == ProgressReport.Kind.MAIN
    assert draft_report.department == dept_a
    assert draft_report.actual_value == Decimal("6.1")
    assert draft_report.period_end == datetime.date(2027, 3, 31)
    # No date in the plan year's calendar: 10 days after the period ends.
    assert draft_report.due_date == datetime.date(2027, 4, 10)
    evidence = draft_report.evidence.get()
    assert evidence.display_name == "一季度进展.pdf"
    assert "一季度" not in evidence.file.name and evidence.file.name.startswith("evidence/")
    event = AuditEvent.objects.for_timeline(target).with_action(ProgressReport, "create").last()
    assert event.object_id == str(draft_report.pk)
    assert event.changes["evidence"] == [None, ["一季度进展.pdf"]]


def test_due_date_comes_from_the_plan_years_calendar(target, staff_a, executing_year, media):
    executing_year.q1_report_due = datetime.date(2027, 4, 15)
    executing_year.save()
    report = reports.progress_report_create(
        target=target, by=staff_a, period_start=Q1, data=report_input()
    )
    assert report.due_date == datetime.date(2027, 4, 15)


@pytest.mark.parametrize("who", ["staff_b", "head_b", "office", "auditor", "vice_mayor"])
def test_only_the_lead_or_a_cooperating_department_files(request, target, who, media):
    """Art. 14, 16: other departments, the office, auditors and leaders file nothing."""
    before = counts()
    with pytest.raises(NotPermitted):
        reports.progress_report_create(
            target=target, by=request.getfixturevalue(who), period_start=Q1, data=report_input()
        )
    assert counts() == before


def test_a_period_that_has_not_started_is_refused(target, staff_a):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        reports.progress_report_create(
            target=target,
            by=staff_a,
            period_start=datetime.date(2027, 7, 1),
            data=report_input(),
        )
    assert "尚未开始" in caught.value.message
    assert counts() == before


def test_a_second_report_for_the_same_period_is_refused(draft_report, target, head_a):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        reports.progress_report_create(
            target=target, by=head_a, period_start=Q1, data=report_input()
        )
    assert "已填报" in caught.value.message
    assert counts() == before


def test_a_target_not_in_execution_takes_no_report(confirmed, staff_a):
    with pytest.raises(ValidationFailed) as caught:
        reports.progress_report_create(
            target=confirmed, by=staff_a, period_start=Q1, data=report_input()
        )
    assert "执行中" in caught.value.message
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"actual_value": None}, "actual_value"),
        ({"narrative": "  "}, "narrative"),
        ({"percent_complete": Decimal("120")}, "percent_complete"),
        ({"actual_value": Decimal("1e20")}, "actual_value"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(target, staff_a, data, field):
    with pytest.raises(ValidationFailed) as caught:
        reports.progress_report_create(
            target=target, by=staff_a, period_start=Q1, data=report_input(**data)
        )
    assert field in caught.value.field_errors
    assert not ProgressReport.objects.exists()


def test_a_forbidden_file_refuses_the_whole_report(target, staff_a, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationFailed) as caught:
        reports.progress_report_create(
            target=target,
            by=staff_a,
            period_start=Q1,
            data=report_input(),
            files=[pdf(), SimpleUploadedFile("x.html", b"<html><script></script>")],
        )
    assert "files" in caught.value.field_errors
    assert counts()[:2] == (0, 0)


def test_cooperating_department_files_its_own_task_report(cooperating_target, staff_b, media):
    report = reports.progress_report_create(
        target=cooperating_target,
        by=staff_b,
        period_start=Q1,
        data=report_input(actual_value=None, narrative="资金已拨付到位。"),
    )
    assert report.kind == ProgressReport.Kind.COOPERATING
    assert report.department.code == "czj"


def test_only_the_head_submits_and_a_late_report_is_marked(draft_report, staff_a, head_a):
    with pytest.raises(NotPermitted):
        reports.progress_report_submit(report=draft_report, by=staff_a)
    with clock.frozen(datetime.date(2027, 4, 12)):
        report = reports.progress_report_submit(report=draft_report, by=head_a)
    assert report.state == ProgressReport.State.SUBMITTED
    assert report.is_late
    assert report.submitted_by == head_a


def test_submitted_on_time_is_not_late(submitted_report):
    assert not submitted_report.is_late


def test_office_verifies_with_a_different_value_and_a_reason(submitted_report, office, target):
    with pytest.raises(ValidationFailed) as caught:
        reports.progress_report_verify(
            report=submitted_report, by=office, verified_value=Decimal("6.0")
        )
    assert "reason" in caught.value.field_errors
    assert ProgressReport.objects.get().state == "submitted"
    report = reports.progress_report_verify(
        report=submitted_report,
        by=office,
        verified_value=Decimal("6.0"),
        reason="统计局快报数为6.0%",
    )
    assert (report.actual_value, report.verified_value) == (Decimal("6.1"), Decimal("6.0"))
    assert report.verification_reason == "统计局快报数为6.0%"
    event = AuditEvent.objects.for_timeline(target).with_action(ProgressReport, "verify").get()
    assert event.comment == "统计局快报数为6.0%"
    assert event.changes["verified_value"] == [None, "6"]


def test_office_accepts_the_reported_value(submitted_report, supervisor):
    report = reports.progress_report_verify(report=submitted_report, by=supervisor)
    assert report.verified_value == report.actual_value
    assert report.verification_reason == ""


@pytest.mark.parametrize("who", ["staff_a", "head_a", "auditor", "vice_mayor"])
def test_only_the_office_verifies_or_returns(request, submitted_report, who):
    user = request.getfixturevalue(who)
    with pytest.raises(NotPermitted):
        reports.progress_report_verify(report=submitted_report, by=user)
    with pytest.raises(NotPermitted):
        reports.progress_report_return(report=submitted_report, by=user, comment="x")
    assert ProgressReport.objects.get().state == "submitted"


def test_return_needs_a_comment_and_the_department_resubmits(
    submitted_report, office, staff_a, head_a
):
    with pytest.raises(ValidationFailed):
        reports.progress_report_return(report=submitted_report, by=office, comment=" ")
    report = reports.progress_report_return(
        report=submitted_report, by=office, comment="请补充佐证材料"
    )
    assert report.state == "returned" and report.return_comment == "请补充佐证材料"
    report = reports.progress_report_update(
        report=report,
        by=staff_a,
        data=report_input(actual_value=Decimal("6.2")),
        files=[pdf("b.pdf")],
    )
    assert report.evidence.count() == 2 and report.version == 2
    report = reports.progress_report_submit(report=report, by=head_a)
    assert report.state == "submitted"


def test_a_verified_report_cannot_be_edited_or_verified_again(submitted_report, office, staff_a):
    reports.progress_report_verify(report=submitted_report, by=office)
    with pytest.raises(NotPermitted):
        reports.progress_report_update(report=submitted_report, by=staff_a, data=report_input())
    with pytest.raises(Conflict):
        reports.progress_report_verify(report=submitted_report, by=office)


def test_verifying_the_quarter_sets_its_node_target(submitted_report, office, target):
    """节点目标 set from the verified report: Q1 expected value 6.1 (fixture), verified 6.0 on a
    higher-is-better target → missed, recorded on the timeline."""
    Milestone.objects.filter(target=target, quarter=1).update(expected_value=Decimal("6.1"))
    reports.progress_report_verify(
        report=submitted_report, by=office, verified_value=Decimal("6.0"), reason="快报数"
    )
    milestone = Milestone.objects.get(target=target, quarter=1)
    assert milestone.status == Milestone.Status.MISSED
    event = (
        AuditEvent.objects.for_timeline(target)
        .filter(pk__in=AuditEvent.objects.for_object(milestone).values("pk"))
        .get()
    )
    assert event.changes == {"status": ["pending", "missed"]}


def test_office_sets_a_node_target_only_with_a_reason(target, office, staff_a):
    milestone = target.milestones.get(quarter=1)
    with pytest.raises(NotPermitted):
        reports.milestone_set_status(milestone=milestone, by=staff_a, status="achieved", reason="x")
    with pytest.raises(ValidationFailed) as caught:
        reports.milestone_set_status(milestone=milestone, by=office, status="achieved", reason="")
    assert "reason" in caught.value.field_errors
    reports.milestone_set_status(
        milestone=milestone, by=office, status="achieved", reason="现场核查已完成"
    )
    assert Milestone.objects.get(pk=milestone.pk).status == "achieved"


def test_q2_report_is_possible_once_q2_started(target, staff_a):
    report = reports.progress_report_create(
        target=target, by=staff_a, period_start=Q2, data=report_input()
    )
    assert report.period_end == datetime.date(2027, 6, 30)


def test_a_monthly_plan_year_takes_monthly_reports(target, staff_a, executing_year):
    """Fujian 四: monthly analysis — a plan year reporting monthly takes one report a month."""
    executing_year.report_frequency = "monthly"
    executing_year.save()
    report = reports.progress_report_create(
        target=target, by=staff_a, period_start=datetime.date(2027, 2, 1), data=report_input()
    )
    assert (report.period_end, report.due_date) == (
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 10),
    )
    with pytest.raises(ValidationFailed) as caught:
        reports.progress_report_create(
            target=target, by=staff_a, period_start=datetime.date(2027, 5, 1), data=report_input()
        )
    assert "2027年5月尚未开始" in caught.value.message


def test_the_english_page_reads_in_english(client, target, staff_a, draft_report):
    client.force_login(staff_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/targets/{target.pk}/").content.decode()
    assert "Progress and early warning" in html
    assert (
        "Lead department&#x27;s progress report" in html
        or "Lead department's progress report" in html
    )
