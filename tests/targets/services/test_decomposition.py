"""Decomposition (Shanghai Art. 9: 市政府总体目标和部门工作目标制定时要紧密衔接，形成…锁链式的
目标体系): department targets are linked to a city target as their parent."""

from targets import selectors, services
from targets.models import Target
from tests.conftest import qualitative_input, quantitative_input


def test_department_targets_decompose_a_city_target(
    plan_year, aspect, dept_a, dept_b, staff_a, staff_b, office, city_target
):
    child_a = services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=quantitative_input(aspect, dept_a, parent=city_target),
    )
    child_b = services.target_create(
        by=staff_b,
        plan_year=plan_year,
        data=qualitative_input(aspect, dept_b, parent=city_target),
    )
    services.target_create(by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a))
    assert child_a.parent == city_target
    assert set(city_target.children.all()) == {child_a, child_b}
    assert set(selectors.target_children(office, city_target)) == {child_a, child_b}


def test_a_draft_is_linked_to_its_city_target_by_editing(
    draft, staff_a, aspect, dept_a, city_target
):
    services.target_update(
        target=draft, by=staff_a, data=quantitative_input(aspect, dept_a, parent=city_target)
    )
    assert list(city_target.children.all()) == [draft]
    assert Target.objects.get(pk=draft.pk).revisions.last().snapshot["parent"] == str(city_target)


def test_the_link_can_be_removed_while_drafting(draft, staff_a, aspect, dept_a, city_target):
    services.target_update(
        target=draft, by=staff_a, data=quantitative_input(aspect, dept_a, parent=city_target)
    )
    services.target_update(target=draft, by=staff_a, data=quantitative_input(aspect, dept_a))
    assert list(city_target.children.all()) == []


def test_city_targets_have_no_parent(city_target):
    assert city_target.parent is None
    assert city_target.level == Target.Level.CITY
