"""Targets keep the number a list gives them (Huangpu's lists number their targets; issue 8's
import matches on it), otherwise the year's next number; and only loading a spreadsheet lets the
general office draft a department's target (Art. 10: the office gathers the year's list)."""

import pytest

from targets import services
from tests.conftest import qualitative_input
from tests.targets.conftest import nothing_written
from workflow.errors import NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


def test_a_given_code_is_kept_and_generated_numbers_skip_it(plan_year, aspect, dept_a, staff_a):
    given = services.target_create(
        by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a, code="HP-3.14")
    )
    generated = services.target_create(
        by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a)
    )
    assert (given.code, generated.code) == ("HP-3.14", "2027-0001")


@pytest.mark.parametrize(
    ("code", "message"),
    [("2027-0001", "已被使用"), ("有 空格", "编号须为"), ("X" * 21, "编号须为")],
)
def test_a_used_or_malformed_code_is_refused(plan_year, aspect, dept_a, staff_a, code, message):
    services.target_create(by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a))
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.target_create(
            by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a, code=code)
        )
    assert message in caught.value.field_errors["code"][0]


def test_the_office_drafts_department_targets_only_by_importing(plan_year, aspect, dept_a, office):
    with nothing_written(), pytest.raises(NotPermitted):
        services.target_create(
            by=office, plan_year=plan_year, data=qualitative_input(aspect, dept_a)
        )
    target = services.target_create(
        by=office, plan_year=plan_year, data=qualitative_input(aspect, dept_a), imported=True
    )
    assert (target.state, target.lead_department, target.created_by) == ("draft", dept_a, office)


def test_importing_gives_a_department_nothing_more(plan_year, aspect, dept_b, staff_a):
    with nothing_written(), pytest.raises(NotPermitted):
        services.target_create(
            by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_b), imported=True
        )
