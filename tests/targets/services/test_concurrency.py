"""Two people performing the same step at the same moment (issue 2: exactly one succeeds, the
other gets a clear message; nothing is written twice). Real threads on real PostgreSQL
connections, released together by a barrier; the row lock in targets.services serialises them."""

import pytest
from django.db import connection

from audit.models import AuditEvent
from targets import services
from targets.models import Target, TargetComment, TargetRevision
from tests.conftest import Role, make_user, quantitative_input
from tests.helpers import one_won, run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need a real database server"
    ),
]


def transitions_of(target, name=None):
    qs = AuditEvent.objects.for_object(target).exclude(to_state="")
    return qs.with_action(target, name) if name else qs


@pytest.fixture
def office2(office_dept):
    return make_user(
        "office2", department=office_dept, role=Role.GENERAL_OFFICE, display_name="周目标办"
    )


@pytest.fixture
def head_a2(dept_a):
    return make_user("head_a2", department=dept_a, role=Role.HEAD, display_name="孙副主任")


def test_two_office_users_confirming_at_once(negotiated, office, office2):
    """Art. 10–11: a target is confirmed once, on one approval — not twice."""
    outcomes = run_together(
        lambda: services.target_confirm(
            target=negotiated, by=office, approval_reference="市政府第1次常务会议", comment="甲"
        ),
        lambda: services.target_confirm(
            target=negotiated, by=office2, approval_reference="市政府第2次常务会议", comment="乙"
        ),
    )
    winner, _ = one_won(outcomes)
    target = Target.objects.get(pk=negotiated.pk)
    assert target.state == Target.State.CONFIRMED
    assert target.approval_reference == winner.approval_reference
    assert transitions_of(negotiated, "confirm").count() == 1
    assert TargetComment.objects.filter(target=negotiated, transition="confirm").count() == 1


def test_negotiate_and_return_at_once(submitted, office, office2):
    """Art. 9: the office either agrees or returns a submission, never both."""
    outcomes = run_together(
        lambda: services.target_negotiate(target=submitted, by=office, comment="协商一致"),
        lambda: services.target_return(target=submitted, by=office2, comment="请修改"),
    )
    winner, _ = one_won(outcomes)
    assert Target.objects.get(pk=submitted.pk).state == winner.state
    assert winner.state in (Target.State.NEGOTIATED, Target.State.RETURNED)
    # One transition out of "submitted" (the fixture's own submit aside), one comment at most.
    assert transitions_of(submitted).filter(from_state="submitted").count() == 1
    assert TargetComment.objects.filter(target=submitted).count() <= 1


def test_two_heads_submitting_at_once(draft, head_a, head_a2):
    """Art. 10, 15: a draft is submitted once even if two heads press the button together."""
    outcomes = run_together(
        lambda: services.target_submit(target=draft, by=head_a, comment="报送"),
        lambda: services.target_submit(target=draft, by=head_a2, comment="报送"),
    )
    one_won(outcomes)
    assert Target.objects.get(pk=draft.pk).state == Target.State.SUBMITTED
    assert transitions_of(draft, "submit").count() == 1
    assert TargetComment.objects.filter(target=draft).count() == 1


def test_two_starts_of_execution_at_once(confirmed, office, office2):
    outcomes = run_together(
        lambda: services.target_start_execution(target=confirmed, by=office),
        lambda: services.target_start_execution(target=confirmed, by=office2),
    )
    one_won(outcomes)
    assert transitions_of(confirmed, "start_execution").count() == 1


def test_two_edits_of_the_same_version_at_once(draft, staff_a, head_a, aspect, dept_a):
    """Optimistic locking under real concurrency: both read version 1, one save wins."""
    outcomes = run_together(
        lambda: services.target_update(
            target=draft,
            by=staff_a,
            data=quantitative_input(aspect, dept_a, title="甲的修改"),
            expected_version=1,
        ),
        lambda: services.target_update(
            target=draft,
            by=head_a,
            data=quantitative_input(aspect, dept_a, title="乙的修改"),
            expected_version=1,
        ),
    )
    winner, _ = one_won(outcomes)
    target = Target.objects.get(pk=draft.pk)
    assert (target.title, target.version) == (winner.title, 2)
    assert TargetRevision.objects.filter(target=draft).count() == 2
    assert AuditEvent.objects.for_object(draft).with_action(draft, "update").count() == 1


def test_two_creations_in_one_year_get_different_codes(plan_year, aspect, dept_a, staff_a, head_a):
    """Codes number a year's targets (2027-0001, 2027-0002, …); two departments drafting at the
    same moment must not receive the same number."""
    outcomes = run_together(
        lambda: services.target_create(
            by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a, title="甲")
        ),
        lambda: services.target_create(
            by=head_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a, title="乙")
        ),
    )
    assert all(isinstance(o, Target) for o in outcomes), outcomes
    assert sorted(o.code for o in outcomes) == ["2027-0001", "2027-0002"]
    assert Target.objects.count() == 2


def test_many_creations_at_once_number_without_gaps(plan_year, aspect, dept_a, staff_a):
    outcomes = run_together(
        *[
            (
                lambda i=i: services.target_create(
                    by=staff_a,
                    plan_year=plan_year,
                    data=quantitative_input(aspect, dept_a, title=f"目标{i}"),
                )
            )
            for i in range(6)
        ]
    )
    assert all(isinstance(o, Target) for o in outcomes), outcomes
    assert sorted(o.code for o in outcomes) == [f"2027-{n:04d}" for n in range(1, 7)]


def test_completing_and_cancelling_at_once(executing, office, office2):
    """Art. 12, 14: a target ends once — either 办结 or 撤销, never both, one audit row."""
    outcomes = run_together(
        lambda: services.target_complete(target=executing, by=office),
        lambda: services.target_cancel(target=executing, by=office2),
    )
    moved, _error = one_won(outcomes)
    executing.refresh_from_db()
    assert executing.state == moved.state
    assert executing.state in (Target.State.COMPLETED, Target.State.CANCELLED)
    assert transitions_of(executing).filter(from_state="executing").count() == 1
