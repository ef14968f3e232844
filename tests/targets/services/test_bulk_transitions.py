"""The same transition on many targets at once (issue 2: the head submits the department's
drafts, the office confirms the year's set) — all or nothing."""

import pytest

from audit.models import AuditEvent
from targets import services
from targets.models import Target
from tests.conftest import qualitative_input, quantitative_input
from tests.targets.conftest import nothing_written
from workflow.errors import Conflict, NotPermitted, ValidationFailed


@pytest.fixture
def drafts_a(plan_year, aspect, dept_a, staff_a):
    return [
        services.target_create(
            by=staff_a,
            plan_year=plan_year,
            data=quantitative_input(aspect, dept_a, title=f"目标{i}"),
        )
        for i in range(3)
    ]


@pytest.fixture
def draft_b(plan_year, aspect, dept_b, staff_b):
    return services.target_create(
        by=staff_b, plan_year=plan_year, data=qualitative_input(aspect, dept_b)
    )


def states(targets):
    return list(
        Target.objects.filter(pk__in=[t.pk for t in targets])
        .order_by("pk")
        .values_list("state", flat=True)
    )


def test_head_submits_several_drafts_at_once(drafts_a, head_a):
    """Art. 10: the head signs off the department's targets as a set."""
    moved = services.targets_transition_many(targets=drafts_a, by=head_a, action="submit")
    assert [t.state for t in moved] == ["submitted"] * 3
    assert states(drafts_a) == ["submitted"] * 3
    assert AuditEvent.objects.filter(action="targets.target.submit").count() == 3


def test_if_one_is_already_submitted_none_moves(drafts_a, head_a):
    services.target_submit(target=drafts_a[1], by=head_a)
    with nothing_written(*drafts_a), pytest.raises(Conflict) as exc:
        services.targets_transition_many(targets=drafts_a, by=head_a, action="submit")
    assert drafts_a[1].code in exc.value.message
    assert states(drafts_a) == ["draft", "submitted", "draft"]


def test_if_one_belongs_to_another_department_none_moves(drafts_a, draft_b, head_a):
    """Art. 10, 15: the head answers for the own department only."""
    with nothing_written(*drafts_a, draft_b), pytest.raises(NotPermitted):
        services.targets_transition_many(targets=[*drafts_a, draft_b], by=head_a, action="submit")
    assert states([*drafts_a, draft_b]) == ["draft"] * 4


def test_office_confirms_the_years_set(drafts_a, head_a, office):
    """Art. 10–11: one approval by the city government confirms the whole set."""
    services.targets_transition_many(targets=drafts_a, by=head_a, action="submit")
    services.targets_transition_many(targets=drafts_a, by=office, action="negotiate")
    moved = services.targets_transition_many(
        targets=drafts_a, by=office, action="confirm", approval_reference="市政府第20次常务会议"
    )
    assert {t.approval_reference for t in moved} == {"市政府第20次常务会议"}
    assert states(drafts_a) == ["confirmed"] * 3


def test_bulk_return_needs_the_comment_for_every_target(drafts_a, head_a, office):
    services.targets_transition_many(targets=drafts_a, by=head_a, action="submit")
    with nothing_written(*drafts_a), pytest.raises(ValidationFailed):
        services.targets_transition_many(targets=drafts_a, by=office, action="return", comment="")


def test_empty_selection_is_refused(head_a):
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.targets_transition_many(targets=[], by=head_a, action="submit")
    assert exc.value.message == "请至少选择一个目标。"


def test_a_target_named_twice_moves_once(draft, head_a):
    """A list that names one target twice (a double-ticked row, a repeated API id) is not an
    error: the target is submitted once and one audit row is written."""
    moved = services.targets_transition_many(targets=[draft, draft], by=head_a, action="submit")
    assert [t.pk for t in moved] == [draft.pk]
    assert AuditEvent.objects.for_object(draft).exclude(to_state="").count() == 1
