"""The hand-off between staff and head (issue 19 item 2; Shanghai Art. 15: the department head
is the first responsible person and signs reports off): the head's 待我报送 list with batch
报送 behind a confirmation page; staff see 已保存，待负责人报送; the head is told when a report
is ready."""

import pytest
from django.urls import reverse

from execution import clock
from execution.models import ProgressReport, QuarterlyReport
from execution.services import progress as reports_service
from notifications.models import Notification

from .conftest import Q1, report_input
from .daily import executing_targets, reports_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(executing_year, aspect, dept_a, dept_b, staff_a, staff_b):
    targets = executing_targets(
        3, plan_year=executing_year, aspect=aspect, lead=dept_a, created_by=staff_a
    )
    drafts = reports_of(targets, department=dept_a, state="draft", created_by=staff_a)
    b_targets = executing_targets(
        1, plan_year=executing_year, aspect=aspect, lead=dept_b, created_by=staff_b, prefix="B"
    )
    of_b = reports_of(b_targets, department=dept_b, state="draft", created_by=staff_b)
    now = clock.now()
    quarterly = QuarterlyReport.objects.create(
        plan_year=executing_year, quarter=1, department=dept_a, drafted_at=now, updated_at=now
    )
    return {"drafts": drafts, "of_b": of_b, "quarterly": quarterly}


def test_head_sees_what_waits_for_them(client, head_a, ready):
    client.force_login(head_a)
    response = client.get(reverse("execution:handoff"))
    assert response.status_code == 200
    assert response.context["is_head"]
    assert [r.pk for r in response.context["reports"]] == [r.pk for r in ready["drafts"]]
    assert [q.pk for q in response.context["quarterly"]] == [ready["quarterly"].pk]
    assert 'data-action="batch-submit"' in response.content.decode()


def test_staff_see_saved_waiting_for_the_head_without_a_submit_button(client, staff_a, ready):
    client.force_login(staff_a)
    response = client.get(reverse("execution:handoff"))
    html = response.content.decode()
    assert "已保存，待负责人报送" in html
    assert 'data-action="batch-submit"' not in html
    detail = client.get(reverse("execution:report_detail", args=[ready["drafts"][0].pk]))
    assert "已保存，待负责人报送" in detail.content.decode()


def test_batch_submit_asks_first_then_submits_exactly_those(client, head_a, ready):
    client.force_login(head_a)
    chosen = [r.pk for r in ready["drafts"][:2]]
    data = {"progress": chosen, "quarterly": [ready["quarterly"].pk]}
    response = client.post(reverse("execution:handoff_submit"), data)
    assert response.status_code == 200
    assert "将报送以下3份报告" in response.content.decode()
    assert ProgressReport.objects.filter(state="submitted").count() == 0
    response = client.post(reverse("execution:handoff_submit"), {**data, "confirm": "1"})
    assert response.status_code == 302
    assert set(
        ProgressReport.objects.filter(state="submitted").values_list("pk", flat=True)
    ) == set(chosen)
    for report in ProgressReport.objects.filter(pk__in=chosen):
        assert report.submitted_by == head_a and report.is_late is False
    ready["quarterly"].refresh_from_db()
    assert ready["quarterly"].state == "submitted"


def test_one_report_that_cannot_go_stops_the_batch(client, head_a, office, ready):
    """A report someone submitted meanwhile: nothing moves, the fresh list is shown."""
    reports_service.progress_report_submit(report=ready["drafts"][0], by=head_a)
    client.force_login(head_a)
    chosen = [r.pk for r in ready["drafts"]]
    response = client.post(
        reverse("execution:handoff_submit"), {"progress": chosen, "confirm": "1"}
    )
    assert response.status_code == 409
    assert ProgressReport.objects.filter(state="submitted").count() == 1
    assert [r.pk for r in response.context["reports"]] == chosen[1:]


def test_staff_and_others_may_not_batch_submit(client, staff_a, head_b, office, ready):
    chosen = [r.pk for r in ready["drafts"]]
    for user in (staff_a, office):
        client.force_login(user)
        response = client.post(
            reverse("execution:handoff_submit"), {"progress": chosen, "confirm": "1"}
        )
        assert response.status_code == 403
    # Another department's head: A's reports are not in their list, so nothing they may act on.
    client.force_login(head_b)
    response = client.post(
        reverse("execution:handoff_submit"), {"progress": chosen, "confirm": "1"}
    )
    assert response.status_code == 409
    assert response.context["reports"] == []
    assert ProgressReport.objects.filter(state="submitted").count() == 0
    assert client.get(reverse("execution:handoff")).context["reports"] == ready["of_b"]


def test_nothing_ticked_or_garbage(client, head_a, ready):
    client.force_login(head_a)
    assert client.post(reverse("execution:handoff_submit"), {}).status_code == 302
    response = client.post(reverse("execution:handoff_submit"), {"progress": ["x"], "confirm": "1"})
    assert response.status_code == 400
    assert ProgressReport.objects.filter(state="submitted").count() == 0


def test_head_is_told_when_staff_saved_a_report(target, staff_a, head_a, media):
    report = reports_service.progress_report_create(
        target=target, by=staff_a, period_start=Q1, data=report_input()
    )
    (notice,) = Notification.objects.filter(kind="progress_report_ready")
    assert notice.recipient == head_a
    assert notice.url == reverse("execution:handoff")
    assert target.code in notice.title
    # Saving again does not repeat it; a head filing it themselves tells nobody.
    reports_service.progress_report_update(
        report=report, by=staff_a, data=report_input(narrative="补充")
    )
    assert Notification.objects.filter(kind="progress_report_ready").count() == 1


def test_a_head_saving_their_own_report_tells_nobody(target, head_a, media):
    reports_service.progress_report_create(
        target=target, by=head_a, period_start=Q1, data=report_input()
    )
    assert not Notification.objects.filter(kind="progress_report_ready").exists()


def test_outsider_has_no_handoff(client, outsider, office):
    for user in (outsider, office):
        client.force_login(user)
        assert client.get(reverse("execution:handoff")).status_code == 403


def test_the_ready_notice_is_settled_once_the_head_submits(target, staff_a, head_a, media):
    report = reports_service.progress_report_create(
        target=target, by=staff_a, period_start=Q1, data=report_input()
    )
    notice = Notification.objects.get(kind="progress_report_ready")
    assert notice.read_at is None
    reports_service.progress_report_submit(report=report, by=head_a)
    notice.refresh_from_db()
    assert notice.read_at is not None
