"""Drafting is only possible while the plan year is open for drafting (issue 2; Art. 10: the
departments form next year's targets in the third quarter, then the city government approves)."""

import pytest

from targets import services
from targets.models import PlanYear
from tests.conftest import quantitative_input
from tests.targets.conftest import nothing_written
from workflow.errors import ValidationFailed

CLOSED_STATUSES = [PlanYear.Status.PREPARING, PlanYear.Status.EXECUTING, PlanYear.Status.CLOSED]


def set_status(plan_year, status):
    PlanYear.objects.filter(pk=plan_year.pk).update(status=status)


@pytest.mark.parametrize("status", CLOSED_STATUSES)
def test_no_new_target_outside_drafting(plan_year, aspect, dept_a, staff_a, status):
    """Art. 10: 每年三季度…形成年度工作目标 — outside that window nothing new is drafted."""
    set_status(plan_year, status)
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.target_create(
            by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a)
        )
    label = str(PlanYear.Status(status).label)
    assert exc.value.message == f"2027年度目标编制未开放（当前阶段：{label}），不能新建或修改目标。"


@pytest.mark.parametrize("status", CLOSED_STATUSES)
def test_no_edit_outside_drafting(draft, aspect, dept_a, staff_a, plan_year, status):
    """Art. 10: edits to drafts stop when the drafting window closes."""
    set_status(plan_year, status)
    with nothing_written(draft), pytest.raises(ValidationFailed) as exc:
        services.target_update(
            target=draft, by=staff_a, data=quantitative_input(aspect, dept_a, title="改写")
        )
    assert "目标编制未开放" in exc.value.message


def test_the_year_is_read_from_the_database(plan_year, aspect, dept_a, staff_a):
    """A page that loaded the year while it was open cannot draft after it closed."""
    set_status(plan_year, PlanYear.Status.CLOSED)
    assert plan_year.status == PlanYear.Status.DRAFTING  # the stale object
    with nothing_written(), pytest.raises(ValidationFailed):
        services.target_create(
            by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a)
        )


def test_drafting_reopens_with_the_year(plan_year, aspect, dept_a, staff_a):
    set_status(plan_year, PlanYear.Status.PREPARING)
    with pytest.raises(ValidationFailed):
        services.target_create(
            by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a)
        )
    set_status(plan_year, PlanYear.Status.DRAFTING)
    target = services.target_create(
        by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a)
    )
    assert target.code == "2027-0001"
