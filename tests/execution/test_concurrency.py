"""Two office users deciding the same request at the same moment (issue 5: exactly one
succeeds). Real threads on real PostgreSQL connections, as in tests/services/test_concurrency.py."""

import pytest
from django.db import connection

from accounts.errors import Conflict
from audit.models import AuditEvent
from execution.models import AdjustmentRequest, CompletionReport
from execution.services import adjustments, completion
from targets.models import Target, TargetRevision
from tests.conftest import Role, make_user
from tests.services.test_concurrency import one_won, run_together

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
    assert AuditEvent.objects.for_object(pending_change).filter(transition="approve").count() == 1


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
    assert AuditEvent.objects.for_object(target).filter(transition="complete").count() == 1


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
