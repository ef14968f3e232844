"""A department's narrative is public only when the general office approves a public summary
for that period (issue 21 item 1)."""

import pytest

from audit.models import AuditEvent
from portal import selectors
from portal import services as portal
from portal.models import PublicSummary
from workflow.errors import Conflict, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(dept_a, staff_a):
    return portal.public_summary_propose(
        department=dept_a, year=2027, quarter=1, text="一季度地区生产总值平稳增长。", by=staff_a
    )


def test_a_proposed_summary_is_not_public(proposed, dept_a):
    assert list(selectors.approved_summaries(dept_a)) == []
    assert AuditEvent.objects.for_object(proposed).count() == 1


def test_the_office_approves_and_the_summary_becomes_public(proposed, dept_a, office):
    portal.public_summary_approve(summary=proposed, by=office)
    assert [s.text for s in selectors.approved_summaries(dept_a)] == [
        "一季度地区生产总值平稳增长。"
    ]
    event = AuditEvent.objects.for_object(proposed).get(action="portal.publicsummary.approve")
    assert event.actor == office


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "supervisor", "auditor"])
def test_only_the_office_approves(request, proposed, persona):
    with pytest.raises(NotPermitted):
        portal.public_summary_approve(summary=proposed, by=request.getfixturevalue(persona))
    assert PublicSummary.objects.get().state == PublicSummary.State.PROPOSED


def test_another_department_cannot_propose_for_a(dept_a, staff_b):
    with pytest.raises(NotPermitted):
        portal.public_summary_propose(department=dept_a, year=2027, quarter=1, text="x", by=staff_b)
    assert not PublicSummary.objects.exists()


def test_empty_text_and_a_bad_quarter_are_refused(dept_a, staff_a):
    with pytest.raises(ValidationFailed) as caught:
        portal.public_summary_propose(department=dept_a, year=2027, quarter=5, text=" ", by=staff_a)
    assert set(caught.value.field_errors) == {"text", "quarter"}
    assert not PublicSummary.objects.exists()


def test_one_approved_summary_per_period(proposed, dept_a, staff_a, office):
    portal.public_summary_approve(summary=proposed, by=office)
    second = portal.public_summary_propose(
        department=dept_a, year=2027, quarter=1, text="另一版本", by=staff_a
    )
    with pytest.raises(Conflict):
        portal.public_summary_approve(summary=second, by=office)


def test_rejecting_needs_a_reason(proposed, office, dept_a):
    with pytest.raises(ValidationFailed):
        portal.public_summary_reject(summary=proposed, by=office, comment="")
    portal.public_summary_reject(summary=proposed, by=office, comment="含未公开数据")
    assert list(selectors.approved_summaries(dept_a)) == []
