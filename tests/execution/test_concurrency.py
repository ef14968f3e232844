"""Two people taking a step on the same record at the same moment (issue 5, issue 15: exactly one
succeeds, the other is told it was handled; one transition recorded) — adjustment requests
(Shanghai Art. 12), completion reports (Art. 14) and coordination items (Art. 16–17). Real
threads on real PostgreSQL connections, as in tests/services/test_concurrency.py."""

import pytest
from django.db import connection

from audit.models import AuditEvent
from execution.models import AdjustmentRequest, CompletionReport, CoordinationItem
from execution.services import adjustments, completion, coordination
from targets.models import Target, TargetRevision
from tests.conftest import Role, make_user
from tests.helpers import one_won, run_together
from workflow.errors import Conflict

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need a real database server"
    ),
]


@pytest.fixture
def office2(office_dept):
    return make_user("office2", department=office_dept, role=Role.GENERAL_OFFICE)


def test_two_office_users_approving_the_same_adjustment(pending_change, office, office2):
    """Art. 12: the change applies once — one new revision, one approval."""
    target = pending_change.target
    revisions = TargetRevision.objects.filter(target=target).count()
    won, lost = one_won(
        run_together(
            lambda: adjustments.adjustment_request_approve(adjustment=pending_change, by=office),
            lambda: adjustments.adjustment_request_approve(adjustment=pending_change, by=office2),
        )
    )
    assert won.state == "approved"
    assert TargetRevision.objects.filter(target=target).count() == revisions + 1
    approvals = AuditEvent.objects.for_object(pending_change).with_action(pending_change, "approve")
    assert approvals.count() == 1


def test_approve_and_reject_at_once(pending_change, office, office2):
    won, lost = one_won(
        run_together(
            lambda: adjustments.adjustment_request_approve(adjustment=pending_change, by=office),
            lambda: adjustments.adjustment_request_reject(
                adjustment=pending_change, by=office2, comment="不同意"
            ),
        )
    )
    assert AdjustmentRequest.objects.get(pk=pending_change.pk).state == won.state


def test_two_office_users_accepting_the_same_completion(completion_report, office, office2):
    won, lost = one_won(
        run_together(
            lambda: completion.completion_report_accept(report=completion_report, by=office),
            lambda: completion.completion_report_accept(report=completion_report, by=office2),
        )
    )
    assert CompletionReport.objects.get(pk=completion_report.pk).state == "accepted"
    target = Target.objects.get(pk=completion_report.target_id)
    assert target.state == "completed"
    assert AuditEvent.objects.for_object(target).with_action(target, "complete").count() == 1


def test_two_heads_filing_adjustments_at_once(executing, head_a, dept_a):
    from .conftest import pdf

    head2 = make_user("head_a2", department=dept_a, role=Role.HEAD)

    def file(by, value):
        return lambda: adjustments.adjustment_request_create(
            target=executing,
            by=by,
            kind="change",
            reason="other",
            explanation="x",
            attachment=pdf(),
            proposed={"target_value": value},
        )

    outcomes = run_together(file(head_a, "7"), file(head2, "8"))
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    assert AdjustmentRequest.objects.filter(target=executing, state="pending").count() == 1


def _one_transition(obj, name):
    return AuditEvent.objects.for_object(obj).with_action(obj, name).count() == 1


def test_two_office_users_rejecting_the_same_adjustment(pending_change, office, office2):
    """Art. 12: a request is decided once, by one person."""
    won, lost = one_won(
        run_together(
            lambda: adjustments.adjustment_request_reject(
                adjustment=pending_change, by=office, comment="甲"
            ),
            lambda: adjustments.adjustment_request_reject(
                adjustment=pending_change, by=office2, comment="乙"
            ),
        )
    )
    fresh = AdjustmentRequest.objects.get(pk=pending_change.pk)
    assert fresh.state == "rejected" and fresh.decision_comment == won.decision_comment
    assert _one_transition(pending_change, "reject")


def test_accept_and_return_of_one_completion_report_at_once(completion_report, office, office2):
    """Art. 14: the report is either accepted (the target completes) or returned, not both."""
    won, lost = one_won(
        run_together(
            lambda: completion.completion_report_accept(report=completion_report, by=office),
            lambda: completion.completion_report_return(
                report=completion_report, by=office2, comment="缺材料"
            ),
        )
    )
    fresh = CompletionReport.objects.get(pk=completion_report.pk)
    assert fresh.state == won.state
    target = Target.objects.get(pk=completion_report.target_id)
    assert target.state == ("completed" if won.state == "accepted" else "executing")
    decisions = AuditEvent.objects.for_object(completion_report).exclude(to_state="")
    assert decisions.count() == 1


def test_two_people_escalating_the_same_item(coordination_item, head_a, office):
    """Art. 16: an item goes to the vice-mayor once."""
    won, lost = one_won(
        run_together(
            lambda: coordination.coordination_item_escalate(item=coordination_item, by=head_a),
            lambda: coordination.coordination_item_escalate(item=coordination_item, by=office),
        )
    )
    assert CoordinationItem.objects.get(pk=coordination_item.pk).state == "escalated"
    assert _one_transition(coordination_item, "escalate")


def test_two_people_resolving_the_same_item(coordination_item, head_a, vice_mayor):
    """Art. 16–17: one result is recorded, by whoever was first."""
    won, lost = one_won(
        run_together(
            lambda: coordination.coordination_item_resolve(
                item=coordination_item, by=head_a, resolution="甲"
            ),
            lambda: coordination.coordination_item_resolve(
                item=coordination_item, by=vice_mayor, resolution="乙"
            ),
        )
    )
    fresh = CoordinationItem.objects.get(pk=coordination_item.pk)
    assert fresh.state == "resolved" and fresh.resolution == won.resolution
    assert _one_transition(coordination_item, "resolve")
