"""Publishing is a decision of the general office (issue 21 item 1; efficiency opinions 002 七.3
高度透明): per target or for a year's confirmed list, audited, a fixed field list."""

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from execution.services import progress as reports
from portal import selectors
from portal import services as portal
from portal.fields import (
    ASPECT_FIELDS,
    DEPARTMENT_FIELDS,
    LEAD_FIELDS,
    MILESTONE_FIELDS,
    TARGET_FIELDS,
)
from portal.models import PublicTarget, PublicYear
from targets.models import Target
from workflow.errors import Conflict, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


def test_office_publishes_a_confirmed_target_with_an_audit_event(published, target, office):
    assert published.state == PublicTarget.State.PUBLISHED
    assert published.published_by == office
    event = AuditEvent.objects.for_timeline(target).get(action="portal.publictarget.publish")
    assert event.actor == office
    assert (event.from_state, event.to_state) == ("unpublished", "published")


def test_the_public_record_holds_exactly_the_documented_fields(published):
    data = PublicTarget.objects.get(pk=published.pk).data
    # (jsonb keeps keys in its own order: compare as sets)
    assert set(data) == set(TARGET_FIELDS)
    assert set(data["aspect"]) == set(ASPECT_FIELDS)
    assert set(data["lead_department"]) == set(LEAD_FIELDS)
    assert all(set(d) == set(DEPARTMENT_FIELDS) for d in data["departments"])
    assert len(data["milestones"]) == 4
    assert all(set(m) == set(MILESTONE_FIELDS) for m in data["milestones"])
    assert data["periods"] == []
    assert data["status"] == "executing"


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "supervisor", "vice_mayor", "auditor"])
def test_only_the_general_office_may_publish(request, target, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotPermitted):
        portal.target_publish(target=target, by=user)
    with pytest.raises(NotPermitted):
        portal.year_publish(plan_year=target.plan_year, by=user)
    assert not PublicTarget.objects.exists()
    assert not PublicYear.objects.exists()


def test_a_draft_cannot_be_published(a_draft, office):
    with pytest.raises(Conflict, match="尚未确认"):
        portal.target_publish(target=a_draft, by=office)
    assert not PublicTarget.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="portal.").exists()


def test_publishing_twice_is_refused(published, target, office):
    with pytest.raises(Conflict, match="已经公开"):
        portal.target_publish(target=target, by=office)


def test_year_publish_publishes_the_confirmed_list_only(a_draft, published_year, target):
    assert published_year.published == 1
    assert published_year.not_confirmed == 1
    assert list(PublicTarget.objects.values_list("target_id", flat=True)) == [target.pk]
    decision = PublicYear.objects.get()
    assert decision.year == target.plan_year.year
    assert AuditEvent.objects.for_object(decision).count() == 1


def test_year_publish_again_adds_only_new_targets(published_year, plan_year, office):
    again = portal.year_publish(plan_year=plan_year, by=office)
    assert (again.published, again.already_public) == (0, 1)
    assert PublicTarget.objects.count() == 1


def test_a_year_with_nothing_confirmed_is_refused(plan_year, draft, office):
    with pytest.raises(ValidationFailed, match="没有已确认的目标"):
        portal.year_publish(plan_year=plan_year, by=office)
    assert not PublicTarget.objects.exists()
    assert not PublicYear.objects.exists()


def test_withdrawing_needs_a_reason_and_hides_the_target(published, target, office):
    with pytest.raises(ValidationFailed):
        portal.target_withdraw(target=target, by=office, comment=" ")
    portal.target_withdraw(target=target, by=office, comment="数据口径调整，暂不公开")
    with pytest.raises(Exception) as caught:
        selectors.public_target(target.pk)
    assert caught.type.__name__ == "Http404"


def test_a_withdrawn_target_stays_withdrawn_when_the_year_is_published_again(
    published_year, target, plan_year, office
):
    portal.target_withdraw(target=target, by=office, comment="暂不公开")
    with pytest.raises(ValidationFailed):
        portal.year_publish(plan_year=plan_year, by=office)
    assert PublicTarget.objects.get().state == PublicTarget.State.WITHDRAWN


def test_a_verified_value_reaches_the_public_record_after_commit(
    published, submitted_report, office, django_capture_on_commit_callbacks
):
    """Only the verified value (审核值, Art. 14) is public; the reported one never is."""
    with django_capture_on_commit_callbacks(execute=True):
        reports.progress_report_verify(
            report=submitted_report,
            by=office,
            verified_value=Decimal("6.05"),
            reason="按统计局快报核定",
        )
    data = PublicTarget.objects.get(pk=published.pk).data
    assert [p["verified_value"] for p in data["periods"]] == ["6.05"]
    assert "6.1" not in str(data)  # the department's reported value
    assert "统计局快报" not in str(data)  # the verification reason
    assert data["completion_percent"] == "10"


def test_a_rolled_back_change_never_reaches_the_public(published, submitted_report, office):
    before = PublicTarget.objects.get(pk=published.pk).data
    # Without executing the on-commit callbacks (as if the transaction rolled back).
    reports.progress_report_verify(report=submitted_report, by=office)
    assert PublicTarget.objects.get(pk=published.pk).data == before


def test_an_unpublished_target_is_not_copied_when_it_changes(
    target, submitted_report, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reports.progress_report_verify(report=submitted_report, by=office)
    assert not PublicTarget.objects.exists()


def test_completion_shows_as_completed_with_its_date(
    published, target, office, django_capture_on_commit_callbacks
):
    from targets.services import target_complete

    with django_capture_on_commit_callbacks(execute=True):
        target_complete(target=Target.objects.get(pk=target.pk), by=office)
    data = PublicTarget.objects.get(pk=published.pk).data
    assert data["status"] == "completed"
    assert data["completion_percent"] == "100"
    assert data["completed_on"] is not None


def _portal_refreshes(callbacks) -> int:
    """The on-commit refreshes the portal's audit receiver scheduled (portal/signals.py)."""
    return sum(c.__module__ == "portal.signals" for c in callbacks)


def test_only_a_published_targets_change_schedules_a_refresh(
    target, submitted_report, office, django_capture_on_commit_callbacks
):
    """The receiver hears every audited step; a target nobody published costs no refresh."""
    from targets.services import target_complete

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reports.progress_report_return(report=submitted_report, by=office, comment="请补充说明")
    assert _portal_refreshes(callbacks) == 0
    # Published afterwards (the set the receiver reads was loaded above): it is heard again.
    with django_capture_on_commit_callbacks(execute=True):
        published = portal.target_publish(target=target, by=office)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        target_complete(target=Target.objects.get(pk=target.pk), by=office)
    assert _portal_refreshes(callbacks) == 1
    assert PublicTarget.objects.get(pk=published.pk).data["status"] == "completed"


def test_a_withdrawn_targets_change_schedules_no_refresh(
    published, target, office, django_capture_on_commit_callbacks
):
    from targets.services import target_complete

    with django_capture_on_commit_callbacks(execute=True):
        portal.target_withdraw(target=target, by=office, comment="数据有误，暂不公开")
    before = PublicTarget.objects.get(pk=published.pk).data
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        target_complete(target=Target.objects.get(pk=target.pk), by=office)
    assert _portal_refreshes(callbacks) == 0
    assert PublicTarget.objects.get(pk=published.pk).data == before


def test_asking_whether_a_target_is_published_costs_no_query_once_loaded(
    published, target, django_assert_num_queries
):
    from portal.published import is_published

    assert is_published(target.pk)
    with django_assert_num_queries(0):
        assert is_published(target.pk) and not is_published(target.pk + 1)
