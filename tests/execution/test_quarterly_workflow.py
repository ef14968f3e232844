# ruff: noqa: F811 — the city fixtures are imported below and named as test parameters
"""The quarterly report's and the quarterly summary's state machines through the one workflow
core (issue 15). Shanghai Art. 17: the department head reports each quarter (报送), the general
office forwards it to the vice-mayor (转呈), who reads it (已阅); the office publishes the
summary (印发). Whoever lacks a step's permission is refused on the page (403, state unchanged,
no audit row) and through the API (403); the trail names each step with its model's own words."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from audit.models import AuditEvent
from execution.models import ProgressReport, QuarterlyReport, QuarterlySummary
from execution.permissions import quarterly as perms
from execution.services import quarterly as q
from tests.dashboards.conftest import city, mayor, today, year  # noqa: F401
from tests.helpers import act_as
from workflow.events import event_label, present_event, timeline
from workflow.transitions import transition_label

from .test_quarterly_services import drafted, forwarded, narrate, report_a  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/quarterly-reports/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def chinese(settings):
    """The labels are read in the site's language, whatever an earlier test activated."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def submitted(report_a, staff_a, head_a):
    narrate(report_a, staff_a, A1="说明")
    return q.quarterly_report_submit(report=report_a, by=head_a)


@pytest.fixture
def published(drafted, office):
    summary = QuarterlySummary.objects.get()
    q.quarterly_summary_update(summary=summary, by=office, text="二季度总体进展顺利。")
    return q.quarterly_summary_publish(summary=summary, by=office)


def test_each_transition_declares_a_permission_and_its_own_label():
    for model, name, label in (
        (QuarterlyReport, "submit", "报送季度报告"),
        (QuarterlyReport, "forward", "转呈分管市领导"),
        (QuarterlyReport, "mark_read", "市领导已阅"),
        (QuarterlySummary, "publish", "印发季度汇总"),
    ):
        assert transition_label(model, name) == label
        meta = getattr(model, name)._django_fsm
        assert all(t.permission is not None for t in meta.transitions.values())
    # One method name, each model's own words.
    assert transition_label(ProgressReport, "submit") == "报送"


def _refused_on_the_page(client, url, report):
    events = AuditEvent.objects.count()
    state = type(report).objects.get(pk=report.pk).state
    response = client.post(url)
    assert response.status_code == 403
    assert type(report).objects.get(pk=report.pk).state == state
    assert AuditEvent.objects.count() == events


def _refused_through_the_api(api, user, url, report):
    events = AuditEvent.objects.count()
    state = type(report).objects.get(pk=report.pk).state
    response = act_as(api, user).post(url, {}, format="json")
    assert response.status_code == 403, response.json()
    assert type(report).objects.get(pk=report.pk).state == state
    assert AuditEvent.objects.count() == events


def test_submit_is_the_heads(client, api, report_a, staff_a):
    """Art. 15, 17: the department's staff write the report; only its head sends it."""
    narrate(report_a, staff_a, A1="说明")
    client.force_login(staff_a)
    _refused_on_the_page(client, f"/execution/quarterly/{report_a.pk}/submit/", report_a)
    _refused_through_the_api(api, staff_a, f"{API}{report_a.pk}/submit/", report_a)


@pytest.mark.parametrize("who", ["staff_a", "head_a", "auditor"])
def test_forward_is_the_general_offices(client, api, request, submitted, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    _refused_on_the_page(client, f"/execution/quarterly/{submitted.pk}/forward/", submitted)
    _refused_through_the_api(api, user, f"{API}{submitted.pk}/forward/", submitted)


@pytest.mark.parametrize("who", ["office", "auditor", "staff_a"])
def test_mark_read_is_the_vice_mayors(client, api, request, forwarded, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    _refused_on_the_page(client, f"/execution/quarterly/{forwarded.pk}/mark_read/", forwarded)
    _refused_through_the_api(api, user, f"{API}{forwarded.pk}/mark-read/", forwarded)


@pytest.mark.parametrize("who", ["auditor", "vice_mayor"])
def test_publishing_the_summary_is_the_general_offices(client, request, published, who):
    """Readers of the published summary (leaders, auditors) cannot publish one: 403 before the
    state is looked at. (The summary has no API.)"""
    client.force_login(request.getfixturevalue(who))
    _refused_on_the_page(
        client, f"/execution/quarterly-summaries/{published.pk}/publish/", published
    )


def test_actions_offered_come_from_the_transitions(submitted, office, head_a, vice_mayor):
    assert "forward" in perms.report_actions(submitted, office)
    assert "forward" not in perms.report_actions(submitted, head_a)
    summary = QuarterlySummary.objects.get()
    assert perms.summary_actions(summary, office) == ["edit", "publish"]
    assert perms.summary_actions(summary, vice_mayor) == []


def test_the_trail_names_each_step_with_the_reports_own_words(forwarded, vice_mayor):
    """Art. 14 全程记录, Art. 17: 报送季度报告 → 转呈分管市领导 → 市领导已阅."""
    q.quarterly_instruction_create(report=forwarded, by=vice_mayor, body="请加快进度。")
    events = list(AuditEvent.objects.for_object(forwarded))
    moves = [e for e in events if e.is_transition]
    assert [e.action for e in moves] == [
        "execution.quarterlyreport.submit",
        "execution.quarterlyreport.forward",
        "execution.quarterlyreport.mark_read",
    ]
    assert [event_label(e) for e in moves] == ["报送季度报告", "转呈分管市领导", "市领导已阅"]
    forward = present_event(moves[1])
    assert (forward["from_state"], forward["to_state"]) == ("已报送目标办", "已转呈市领导")
    assert [c["label"] for c in forward["changes"]] == ["分管市领导"]
    # Every change key is a field (or relation) of the report, or one it declares.
    names = {f.name for f in QuarterlyReport._meta.get_fields()} | set(QuarterlyReport.AUDIT_FIELDS)
    assert all(set(e.changes) <= names for e in events)


def test_the_narratives_edit_reads_by_target_code(report_a, staff_a):
    narrate(report_a, staff_a, A1="原材料涨价")
    event = AuditEvent.objects.with_action(QuarterlyReport, "update").get()
    rows = {row["name"]: row for row in present_event(event)["changes"]}
    assert rows["items"]["label"] == "各目标情况说明"
    assert rows["items"]["after"] == ["A1：原材料涨价"]


def test_the_summary_page_shows_its_publication_in_its_own_words(client, published, office):
    client.force_login(office)
    page = client.get(f"/execution/quarterly-summaries/{published.pk}/")
    assert page.status_code == 200
    assert [item["label"] for item in page.context["timeline"]] == [
        "创建",
        "修改",
        "印发季度汇总",
    ]
    assert "印发季度汇总" in page.content.decode()
    assert [item["label"] for item in timeline(AuditEvent.objects.for_object(published))][-1] == (
        "印发季度汇总"
    )
