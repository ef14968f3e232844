"""The whole year's set at once (issue 2: the office confirms negotiated targets "one or the
whole year's set" on the city government's approval, Art. 10–11, then issues the task book)."""

import pytest

from targets import services
from targets.models import PlanYear
from tests.conftest import qualitative_input, quantitative_input
from tests.targets.conftest import nothing_written, state_in_db
from workflow.errors import Conflict, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def negotiated_pair(plan_year, aspect, dept_a, dept_b, staff_a, head_a, staff_b, head_b, office):
    made = []
    for staff, head, dept, make in [
        (staff_a, head_a, dept_a, quantitative_input),
        (staff_b, head_b, dept_b, qualitative_input),
    ]:
        target = services.target_create(by=staff, plan_year=plan_year, data=make(aspect, dept))
        services.target_submit(target=target, by=head)
        made.append(services.target_negotiate(target=target, by=office))
    return made


def test_office_confirms_every_negotiated_target_of_the_year(negotiated_pair, draft, office):
    done = services.plan_year_transition_all(
        plan_year=draft.plan_year, by=office, action="confirm", approval_reference="常务会议第3次"
    )
    assert sorted(t.pk for t in done) == sorted(t.pk for t in negotiated_pair)
    assert [state_in_db(t) for t in negotiated_pair] == ["confirmed", "confirmed"]
    assert state_in_db(draft) == "draft"  # only negotiated targets take part


def test_then_issues_every_task_book(negotiated_pair, office):
    year = negotiated_pair[0].plan_year
    services.plan_year_transition_all(
        plan_year=year, by=office, action="confirm", approval_reference="常务会议第3次"
    )
    services.plan_year_transition_all(plan_year=year, by=office, action="start_execution")
    assert [state_in_db(t) for t in negotiated_pair] == ["executing", "executing"]


def test_confirming_the_year_needs_the_approval_reference(negotiated_pair, office):
    with nothing_written(*negotiated_pair), pytest.raises(ValidationFailed) as exc:
        services.plan_year_transition_all(
            plan_year=negotiated_pair[0].plan_year, by=office, action="confirm"
        )
    assert "approval_reference" in exc.value.field_errors


@pytest.mark.parametrize("persona", ["head_a", "staff_a", "vice_mayor", "auditor", "supervisor"])
def test_only_the_general_office_confirms_the_year(negotiated_pair, persona, request):
    user = request.getfixturevalue(persona)
    with nothing_written(*negotiated_pair), pytest.raises(NotPermitted):
        services.plan_year_transition_all(
            plan_year=negotiated_pair[0].plan_year,
            by=user,
            action="confirm",
            approval_reference="常务会议第3次",
        )


def test_nothing_to_confirm_is_a_clear_message(plan_year, office):
    with pytest.raises(ValidationFailed) as exc:
        services.plan_year_transition_all(
            plan_year=plan_year, by=office, action="confirm", approval_reference="常务会议第3次"
        )
    assert exc.value.message == "2027年度没有处于“已协商”状态的目标。"


def test_other_years_are_untouched(negotiated_pair, office):
    other = PlanYear.objects.create(year=2028, status=PlanYear.Status.DRAFTING)
    with pytest.raises(ValidationFailed):
        services.plan_year_transition_all(
            plan_year=other, by=office, action="confirm", approval_reference="x"
        )
    assert [state_in_db(t) for t in negotiated_pair] == ["negotiated", "negotiated"]


def test_unknown_year_action_is_refused(plan_year, office):
    with pytest.raises(ValidationFailed):
        services.plan_year_transition_all(plan_year=plan_year, by=office, action="submit")


def test_the_set_must_be_the_one_shown(negotiated_pair, plan_year, office):
    """Issue 11: the confirmation page sends the ids it listed; if the year's set differs,
    nothing moves (Conflict)."""
    first, second = negotiated_pair
    with nothing_written(first, second), pytest.raises(Conflict, match="已有变化"):
        services.plan_year_transition_all(
            plan_year=plan_year,
            by=office,
            action="confirm",
            approval_reference="市政府第12次常务会议",
            expected_ids=[first.pk],
        )
    done = services.plan_year_transition_all(
        plan_year=plan_year,
        by=office,
        action="confirm",
        approval_reference="市政府第12次常务会议",
        expected_ids=[second.pk, first.pk],
    )
    assert {t.pk for t in done} == {first.pk, second.pk}


def test_who_may_not_is_told_so_before_the_set_is_compared(negotiated_pair, plan_year, head_a):
    with pytest.raises(NotPermitted):
        services.plan_year_transition_all(
            plan_year=plan_year,
            by=head_a,
            action="confirm",
            approval_reference="市政府第12次常务会议",
            expected_ids=[],
        )
