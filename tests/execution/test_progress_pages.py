"""Pages of the progress stage (issue 5 items 1–3, 7): filing with evidence, submitting,
verifying with a different value, returning; the target page's progress section; who may NOT
(404 for another department's report and its evidence, 403 for forbidden actions); the
department's to-do list and the list's warning and report filters."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from execution import clock, early_warning
from execution.models import ProgressReport, WarningSnapshot
from execution.services import progress as reports
from targets.models import Target

from .conftest import PDF, Q1, pdf, report_input

pytestmark = pytest.mark.django_db


def detail(target):
    return reverse("targets:target_detail", args=[target.pk])


def test_staff_files_a_report_with_a_file_from_the_target_page(login, target, staff_a, media):
    client = login(staff_a)
    html = client.get(detail(target)).content.decode()
    assert 'id="progress"' in html
    new = reverse("execution:report_create", args=[target.pk])
    assert f"{new}?period=2027-01-01" in html and f"{new}?period=2027-04-01" in html
    response = client.post(
        new,
        {
            "period": "2027-01-01",
            "actual_value": "6.1",
            "narrative": "一季度增长6.1%。",
            "files": [pdf()],
        },
    )
    report = ProgressReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("execution:report_detail", args=[report.pk])
    assert report.evidence.get().display_name == "一季度进展.pdf"
    html = client.get(response["Location"]).content.decode()
    assert "一季度增长6.1%" in html and "一季度进展.pdf" in html
    # Staff do not submit: only the head does.
    assert 'data-action="submit"' not in html


def test_bad_input_redisplays_the_form_with_the_message(login, target, staff_a):
    response = login(staff_a).post(
        reverse("execution:report_create", args=[target.pk]),
        {"period": "2027-01-01", "narrative": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写进展情况。" in html and "定量目标须填写累计完成值。" in html
    assert not ProgressReport.objects.exists()


def test_a_forbidden_file_type_is_refused_on_the_page(login, target, staff_a, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(staff_a).post(
        reverse("execution:report_create", args=[target.pk]),
        {
            "period": "2027-01-01",
            "actual_value": "6.1",
            "narrative": "进展",
            "files": [SimpleUploadedFile("a.svg", b"<svg onload=alert(1)>")],
        },
    )
    assert response.status_code == 400
    assert "不支持" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_head_submits_and_office_verifies_with_a_different_value(
    login, submitted_report, office, target, django_capture_on_commit_callbacks
):
    client = login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("execution:report_verify", args=[submitted_report.pk]),
            {"verified_value": "6.0", "reason": "以统计局快报为准", "verified_percent": ""},
        )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.state, report.verified_value) == ("verified", Decimal("6.0"))
    html = client.get(detail(target)).content.decode()
    assert 'data-value="reported">6.1 %' in html
    assert 'data-value="verified" class="value-pair__differs">6 %' in html
    assert "以统计局快报为准" in html
    # The report's steps read on the target's timeline in its own terms (Art. 14).
    timeline = html[html.index('id="timeline"') :]
    assert "累计完成值" in timeline and "审核值" in timeline and "已审核" in timeline
    assert ">审核<" in timeline
    level = WarningSnapshot.objects.get(target=target).level
    assert f'data-warning-level="{level}"' in html
    assert '<svg role="img"' in html


def _field(html, name):
    """The verification form's ``<div class="field">`` holding the input ``name``."""
    form = html[html.index('data-action="verify"') :]
    form = form[: form.index("</form>")]
    at = form.index(f'name="{name}"')
    start = form.rindex('<div class="field', 0, at)
    return form[start : form.index("</div>", at)]


def test_verifying_without_a_reason_keeps_what_the_office_typed(login, submitted_report, office):
    """Issue 16 item 1 (Shanghai Art. 14: the office's 审核值 with a reason). A verified value
    that differs without a reason comes back with the office's entries — 5.9 and 80%, not the
    reported 6.1 — and the error next to the reason; resubmitting with the reason verifies at
    the office's figure."""
    client = login(office)
    url = reverse("execution:report_verify", args=[submitted_report.pk])
    typed = {"verified_value": "5.9", "verified_percent": "80", "comment": "核对统计快报"}
    response = client.post(url, typed)
    assert response.status_code == 400
    html = response.content.decode()
    value, percent, reason = (
        _field(html, "verified_value"),
        _field(html, "verified_percent"),
        _field(html, "reason"),
    )
    assert 'value="5.9"' in value and 'value="6.1"' not in value
    assert 'value="80"' in percent and "field-error" not in percent
    assert "核对统计快报" in _field(html, "comment")
    assert "has-error" in reason and "须写明调整理由" in reason
    assert 'aria-invalid="true"' in reason and 'id="id_reason-error"' in reason
    assert ProgressReport.objects.get().state == "submitted"

    response = client.post(url, {**typed, "reason": "以统计局快报为准"})
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.state, report.verified_value, report.verified_percent) == (
        "verified",
        Decimal("5.9"),
        Decimal("80"),
    )
    assert report.verification_reason == "以统计局快报为准"


def test_an_unreadable_verified_value_stays_as_typed_with_its_error(
    login, submitted_report, office
):
    """Issue 16 item 1: a figure that cannot be read is bound to its own field, the office's
    other entries stay; nothing is verified."""
    response = login(office).post(
        reverse("execution:report_verify", args=[submitted_report.pk]),
        {"verified_value": "5,9", "verified_percent": "120", "reason": "以快报为准"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    value = _field(html, "verified_value")
    assert 'value="5,9"' in value and "field-error" in value
    assert "以快报为准" in _field(html, "reason")
    assert ProgressReport.objects.get().state == "submitted"


@pytest.mark.parametrize("who", ["head_a", "auditor"])
def test_bad_verification_input_from_who_may_not_verify_is_403(
    request, login, submitted_report, who
):
    """Who may never verify hears 403 whatever they typed, and sees no form echoed back."""
    response = login(request.getfixturevalue(who)).post(
        reverse("execution:report_verify", args=[submitted_report.pk]),
        {"verified_value": "abc"},
    )
    assert response.status_code == 403
    assert ProgressReport.objects.get().state == "submitted"


def test_a_report_verified_meanwhile_is_not_verified_again(login, submitted_report, office):
    """Verified by someone else first: the second office user is told so on the fresh page
    (the first verification stands), whether or not the second input parses."""
    reports.progress_report_verify(report=submitted_report, by=office)
    client = login(office)
    url = reverse("execution:report_verify", args=[submitted_report.pk])
    for data in ({"verified_value": "5.9", "reason": "迟到的审核"}, {"verified_value": "x"}):
        response = client.post(url, data)
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        assert "不能审核" in html
    report = ProgressReport.objects.get()
    assert (report.state, report.verified_value) == ("verified", Decimal("6.1"))


def test_head_submits_from_the_report_page(login, draft_report, head_a):
    client = login(head_a)
    page = client.get(reverse("execution:report_detail", args=[draft_report.pk]))
    assert 'data-action="submit"' in page.content.decode()
    client.post(reverse("execution:report_submit", args=[draft_report.pk]))
    assert ProgressReport.objects.get().state == "submitted"


def test_office_returns_with_a_comment(login, submitted_report, office, staff_a):
    login(office).post(
        reverse("execution:report_return", args=[submitted_report.pk]), {"comment": "请补充照片"}
    )
    html = login(staff_a).get(reverse("execution:report_detail", args=[submitted_report.pk]))
    assert "请补充照片" in html.content.decode()
    assert ProgressReport.objects.get().state == "returned"


@pytest.mark.parametrize("who", ["staff_b", "head_b", "other_vice_mayor", "outsider"])
def test_another_departments_report_and_evidence_are_404(request, login, submitted_report, who):
    client = login(request.getfixturevalue(who))
    evidence = submitted_report.evidence.get()
    assert (
        client.get(reverse("execution:report_detail", args=[submitted_report.pk])).status_code
        == 404
    )
    assert client.get(reverse("execution:evidence_download", args=[evidence.pk])).status_code == 404
    assert (
        client.post(reverse("execution:report_verify", args=[submitted_report.pk])).status_code
        == 404
    )


def test_a_draft_is_the_departments_own(login, draft_report, office):
    assert (
        login(office).get(reverse("execution:report_detail", args=[draft_report.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["auditor", "vice_mayor", "supervisor"])
def test_readers_see_the_report_and_download_its_evidence(request, login, submitted_report, who):
    client = login(request.getfixturevalue(who))
    assert (
        client.get(reverse("execution:report_detail", args=[submitted_report.pk])).status_code
        == 200
    )
    response = client.get(
        reverse("execution:evidence_download", args=[submitted_report.evidence.get().pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["auditor", "vice_mayor", "staff_a", "head_a"])
def test_readers_who_may_not_verify_get_403(request, login, submitted_report, who):
    client = login(request.getfixturevalue(who))
    response = client.post(
        reverse("execution:report_verify", args=[submitted_report.pk]), {"verified_value": "6.1"}
    )
    assert response.status_code == 403
    assert ProgressReport.objects.get().state == "submitted"


def test_a_cooperating_department_sees_only_its_own_report(
    login, cooperating_target, staff_a, staff_b, media
):
    main = reports.progress_report_create(
        target=cooperating_target,
        by=staff_a,
        period_start=Q1,
        data=report_input(actual_value=None, percent_complete=Decimal(25)),
        files=[pdf()],
    )
    own = reports.progress_report_create(
        target=cooperating_target, by=staff_b, period_start=Q1, data=report_input()
    )
    client = login(staff_b)
    assert client.get(reverse("execution:report_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("execution:report_detail", args=[main.pk])).status_code == 404
    html = client.get(detail(cooperating_target)).content.decode()
    assert f'data-report="{own.pk}"' in html and f'data-report="{main.pk}"' not in html


def test_red_target_page_asks_the_lead_department_for_an_explanation(
    login, target, staff_a, office
):
    with clock.frozen(datetime.date(2027, 4, 11)):
        early_warning.recompute_early_warnings()
        client = login(staff_a)
        html = client.get(detail(target)).content.decode()
        assert 'data-form="explanation"' in html
        client.post(
            reverse("execution:explanation_file", args=[target.pk]),
            {"explanation": "数据口径调整", "remedy": "本周补报"},
        )
        html = client.get(detail(target)).content.decode()
    assert 'data-form="explanation"' not in html
    assert "数据口径调整" in html
    # The office sees the warning but is not asked to explain it.
    assert 'data-form="explanation"' not in login(office).get(detail(target)).content.decode()


def test_office_sets_a_node_target_status_with_a_reason(login, target, office, staff_a):
    milestone = target.milestones.get(quarter=1)
    url = reverse("execution:milestone_status", args=[milestone.pk])
    assert login(staff_a).post(url, {"status": "achieved", "reason": "x"}).status_code == 403
    client = login(office)
    assert 'data-milestone="1"' in client.get(detail(target)).content.decode()
    client.post(url, {"status": "achieved", "reason": ""})
    milestone.refresh_from_db()
    assert milestone.status == "pending"
    client.post(url, {"status": "achieved", "reason": "现场核查"})
    milestone.refresh_from_db()
    assert milestone.status == "achieved"


def test_todo_lists_what_the_department_owes(login, target, staff_a, office, draft_report):
    with clock.frozen(datetime.date(2027, 4, 11)):
        html = login(staff_a).get(reverse("execution:todo")).content.decode()
    # Q1 (drafted, overdue) and Q2 (not yet filed).
    assert html.count(f'data-todo-target="{target.pk}"') == 2
    assert "已逾期" in html and "填报中" in html and "未填报" in html
    html = login(office).get(reverse("execution:todo")).content.decode()
    assert "您不属于任何部门" in html


def test_todo_empty_state(login, staff_b, target):
    html = login(staff_b).get(reverse("execution:todo")).content.decode()
    assert "没有待办事项" in html


def test_list_filters_by_warning_level_and_late_report(login, target, office, aspect, dept_a):
    # A target still in formulation: neither warned about nor owing reports.
    draft = Target.objects.create(
        plan_year=target.plan_year,
        code="2027-0099",
        aspect=aspect,
        kind="qualitative",
        title="拟定中的目标",
        content="内容",
        lead_department=dept_a,
        created_by=office,
    )
    with clock.frozen(datetime.date(2027, 4, 11)):
        early_warning.recompute_early_warnings()
        client = login(office)
        url = reverse("targets:target_list")
        red = client.get(url, {"warning": "red"}).content.decode()
        green = client.get(url, {"warning": "green"}).content.decode()
        late = client.get(url, {"report": "late"}).content.decode()
        due = client.get(url, {"report": "due"}).content.decode()
    assert target.code in red and target.code not in green
    # The list shows each target's level in its own column.
    assert 'data-warning-level="red"' in red
    assert target.code in late and target.code in due
    assert draft.code not in red and draft.code not in late


def test_the_lead_department_reads_cooperating_reports_once_filed(
    login, cooperating_target, staff_a, staff_b, head_b
):
    """Art. 16: the lead department coordinates its cooperating departments — it reads their
    task reports once submitted, never their drafts."""
    report = reports.progress_report_create(
        target=cooperating_target,
        by=staff_b,
        period_start=Q1,
        data=report_input(actual_value=None, narrative="资金已拨付。"),
    )
    url = reverse("execution:report_detail", args=[report.pk])
    assert login(staff_a).get(url).status_code == 404
    reports.progress_report_submit(report=report, by=head_b)
    page = login(staff_a).get(url)
    assert page.status_code == 200 and "资金已拨付。" in page.content.decode()
    # …but does not submit, edit or verify it.
    assert (
        login(staff_a).post(reverse("execution:report_verify", args=[report.pk])).status_code == 403
    )
