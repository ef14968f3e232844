"""A progress report's state machine through the one workflow core (issue 15): each step is a
transition with its permission and its own words (Shanghai Art. 14 报送/审核/退回, Art. 15: the
department head signs off), refused for whoever lacks the permission — on the page (403, state
unchanged, no audit row) and through the API (403) — and shown on the timelines with the
report's own labels, never another record's."""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from audit.models import AuditEvent
from execution.models import ProgressReport
from execution.permissions import progress as perms
from execution.services import progress as reports
from targets.models import Target
from tests.helpers import act_as
from workflow.events import event_label, timeline
from workflow.transitions import available_transitions, transition_label

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/progress-reports/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def chinese(settings):
    """The labels are read in the site's language, whatever an earlier test activated."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def test_each_transition_declares_a_permission_and_a_label():
    for name, label in (
        ("submit", "报送"),
        ("verify", "审核"),
        ("return_to_department", "退回"),
    ):
        assert transition_label(ProgressReport, name) == label
        meta = getattr(ProgressReport, name)._django_fsm
        assert all(t.permission is not None for t in meta.transitions.values())


@pytest.mark.parametrize("who", ["staff_a", "office", "head_b"])
def test_submit_without_the_permission_is_refused_on_the_page(request, login, draft_report, who):
    """Art. 15: only the reporting department's head (第一责任人) submits."""
    user = request.getfixturevalue(who)
    events = AuditEvent.objects.count()
    response = login(user).post(reverse("execution:report_submit", args=[draft_report.pk]))
    # head_b and the office cannot read a draft of department A at all: 404, which tells
    # nothing; staff_a reads it and is refused.
    assert response.status_code == (403 if who == "staff_a" else 404)
    assert ProgressReport.objects.get().state == "draft"
    assert AuditEvent.objects.count() == events


def test_submit_without_the_permission_is_refused_through_the_api(api, draft_report, staff_a):
    events = AuditEvent.objects.count()
    response = act_as(api, staff_a).post(f"{REPORTS}{draft_report.pk}/submit/", {}, format="json")
    assert response.status_code == 403
    assert ProgressReport.objects.get().state == "draft"
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "action, url_name", [("verify", "report_verify"), ("return", "report_return")]
)
def test_verify_or_return_without_the_permission_is_refused_on_the_page(
    login, submitted_report, auditor, action, url_name
):
    """Art. 14: the general office (or the supervision office, Art. 18) verifies; the auditor
    reads every filed report but changes none."""
    events = AuditEvent.objects.count()
    response = login(auditor).post(
        reverse(f"execution:{url_name}", args=[submitted_report.pk]), {"comment": "意见"}
    )
    assert response.status_code == 403
    assert ProgressReport.objects.get().state == "submitted"
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("action", ["verify", "return"])
def test_verify_or_return_without_the_permission_is_refused_through_the_api(
    api, submitted_report, auditor, head_a, action
):
    events = AuditEvent.objects.count()
    for user in (auditor, head_a):
        response = act_as(api, user).post(
            f"{REPORTS}{submitted_report.pk}/{action}/", {"comment": "意见"}, format="json"
        )
        assert response.status_code == 403, response.json()
    assert ProgressReport.objects.get().state == "submitted"
    assert AuditEvent.objects.count() == events


def test_allowed_actions_come_from_the_transitions(submitted_report, office, head_a, auditor):
    assert set(available_transitions(submitted_report, office)) == {
        "return_to_department",
        "verify",
    }
    assert perms.report_actions(submitted_report, office) == ["verify", "return"]
    assert perms.report_actions(submitted_report, head_a) == []
    assert perms.report_actions(submitted_report, auditor) == []


def test_the_report_and_the_target_timelines_name_the_reports_own_steps(
    login, submitted_report, office, head_a, target
):
    """Art. 14 全程记录: a returned report reads 退回 — the report's word — on its own page and
    on the target's timeline, while the target's own return (same method name) reads 退回修改."""
    reports.progress_report_return(report=submitted_report, by=office, comment="请补充佐证")
    event = AuditEvent.objects.with_action(ProgressReport, "return_to_department").get()
    assert event.action == "execution.progressreport.return_to_department"
    assert event.verb == "return_to_department" and event.is_transition
    assert (event.from_state, event.to_state) == ("submitted", "returned")
    assert event.scope_object_id == str(target.pk)
    assert event_label(event) == "退回"
    assert transition_label(Target, "return_to_department") == "退回修改"

    labels = [item["label"] for item in timeline(AuditEvent.objects.for_timeline(target))]
    assert "退回" in labels and "报送" in labels and "退回修改" not in labels

    page = login(head_a).get(reverse("execution:report_detail", args=[submitted_report.pk]))
    assert page.status_code == 200
    labels = [item["label"] for item in page.context["timeline"]]
    assert labels == ["创建", "报送", "退回"]
    html = page.content.decode()
    assert "已退回" in html and "请补充佐证" in html


def test_verify_records_the_verified_values_as_field_changes(submitted_report, office):
    reports.progress_report_verify(report=submitted_report, by=office)
    event = AuditEvent.objects.with_action(ProgressReport, "verify").get()
    assert event_label(event) == "审核"
    assert set(event.changes) <= {f.name for f in ProgressReport._meta.get_fields()}
    assert event.changes["verified_value"] == [None, "6.1"]
