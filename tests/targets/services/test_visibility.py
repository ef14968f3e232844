"""Who reads which targets (targets.selectors.visible_targets). Issue 2: vice-mayors read their
portfolio (Art. 15, 17), auditors read everything, and nobody sees another department's data
unless that department takes part in the target."""

import pytest
from django.contrib.auth.models import AnonymousUser

from targets import selectors, services
from targets.models import Target, TargetDepartment
from tests.conftest import quantitative_input


@pytest.fixture
def draft_b(plan_year, aspect, dept_b, staff_b):
    return services.target_create(
        by=staff_b,
        plan_year=plan_year,
        data=quantitative_input(aspect, dept_b, title="一般公共预算收入增长4%"),
    )


@pytest.fixture
def cooperated_draft(plan_year, aspect, dept_a, dept_b, staff_a):
    """A's draft in which B is a cooperating department with its own task (Art. 7, 16)."""
    return services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=quantitative_input(
            aspect,
            dept_a,
            departments=[
                services.DepartmentInput(
                    department=dept_b,
                    role=TargetDepartment.Role.COOPERATING,
                    task="保障重大项目资金",
                )
            ],
        ),
    )


def visible(user):
    return set(selectors.visible_targets(user).values_list("pk", flat=True))


def test_staff_of_other_department_cannot_see_draft(draft, staff_b, head_b):
    """Issue 2: never another department's data — B does not see A's draft."""
    assert draft.pk not in visible(staff_b)
    assert draft.pk not in visible(head_b)


def test_staff_see_their_own_departments_drafts(draft, staff_a, head_a):
    assert draft.pk in visible(staff_a)
    assert draft.pk in visible(head_a)


def test_cooperating_department_sees_target_once_submitted(
    cooperated_draft, staff_b, head_a, draft
):
    """Art. 7, 16: the cooperating department must know its task, but only once the lead
    department has submitted the target, not while it is still being drafted."""
    assert cooperated_draft.pk not in visible(staff_b)
    services.target_submit(target=cooperated_draft, by=head_a)
    assert cooperated_draft.pk in visible(staff_b)
    # Taking part in one target opens no other of A's targets.
    assert draft.pk not in visible(staff_b)


def test_vice_mayor_sees_portfolio_targets_only(draft, draft_b, vice_mayor, other_vice_mayor):
    """Art. 15, 17: a vice-mayor follows the departments in the portfolio."""
    assert visible(vice_mayor) >= {draft.pk}
    assert draft_b.pk not in visible(vice_mayor)
    assert visible(other_vice_mayor) >= {draft_b.pk}
    assert draft.pk not in visible(other_vice_mayor)


def test_vice_mayor_sees_targets_where_portfolio_department_takes_part_once_submitted(
    cooperated_draft, other_vice_mayor, head_a, office
):
    """Art. 15: a vice-mayor follows a portfolio department's work also where it cooperates —
    under the cooperating department's own rule (Art. 16): not while the lead department is
    still drafting or reworking a returned target (issue 11)."""
    assert cooperated_draft.pk not in visible(other_vice_mayor)
    submitted = services.target_submit(target=cooperated_draft, by=head_a)
    assert submitted.pk in visible(other_vice_mayor)
    returned = services.target_return(target=submitted, by=office, comment="请补充")
    assert returned.pk not in visible(other_vice_mayor)
    services.target_submit(target=returned, by=head_a)
    assert returned.pk in visible(other_vice_mayor)


def test_vice_mayor_sees_portfolio_departments_own_drafts(draft, vice_mayor):
    """The lead department's drafts are the portfolio's own work: visible in every state."""
    assert draft.pk in visible(vice_mayor)


def test_vice_mayor_sees_targets_they_lead(plan_year, aspect, dept_b, staff_b, vice_mayor):
    """Art. 15: the lead vice-mayor (牵头负责的副市长) follows the target even outside the
    portfolio."""
    target = services.target_create(
        by=staff_b,
        plan_year=plan_year,
        data=quantitative_input(aspect, dept_b, lead_leader=vice_mayor),
    )
    assert target.pk in visible(vice_mayor)


@pytest.mark.parametrize("actor", ["auditor", "office", "supervisor"])
def test_auditor_office_and_supervision_see_everything(
    request, actor, draft, draft_b, submitted, city_target
):
    """Art. 11, 14, 15: the general office runs the process, supervision checks it, auditors read
    everything and change nothing."""
    user = request.getfixturevalue(actor)
    assert visible(user) == set(Target.objects.values_list("pk", flat=True))
    assert visible(user) >= {draft.pk, draft_b.pk, city_target.pk}


def test_outsider_sees_only_confirmed_city_targets(
    outsider, office, draft, draft_b, city_target, plan_year
):
    """Art. 11: the city targets become a public commitment once approved — not before."""
    assert visible(outsider) == set()
    services.target_submit(target=city_target, by=office)
    services.target_negotiate(target=city_target, by=office)
    assert visible(outsider) == set()
    services.target_confirm(target=city_target, by=office, approval_reference="市政府常务会议")
    assert visible(outsider) == {city_target.pk}
    services.target_start_execution(target=city_target, by=office)
    assert visible(outsider) == {city_target.pk}


def test_confirmed_department_target_stays_with_its_department(confirmed, outsider, staff_b):
    """Only city targets are shown to everyone signed in; a department's stay with it."""
    assert confirmed.pk not in visible(outsider)
    assert confirmed.pk not in visible(staff_b)


def test_anonymous_sees_nothing(draft, city_target, office):
    services.target_submit(target=city_target, by=office)
    services.target_negotiate(target=city_target, by=office)
    services.target_confirm(target=city_target, by=office, approval_reference="市政府常务会议")
    assert visible(AnonymousUser()) == set()
    assert visible(None) == set()


def test_inactive_user_sees_nothing(draft, staff_a):
    staff_a.is_active = False
    staff_a.save()
    staff_a.refresh_from_db()
    assert visible(staff_a) == set()


def test_children_are_filtered_by_visibility(
    city_target, draft, staff_a, staff_b, office, aspect, dept_a
):
    """Art. 9: the decomposition is shown, but only the children the reader may see."""
    services.target_update(
        target=draft, by=staff_a, data=quantitative_input(aspect, dept_a, parent=city_target)
    )
    assert list(selectors.target_children(office, city_target)) == [draft]
    assert list(selectors.target_children(staff_b, city_target)) == []
