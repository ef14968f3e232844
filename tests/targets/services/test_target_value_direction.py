"""Progress % that a reader can check (issue 16 item 4; Shanghai Art. 6: a quantitative target
is measurable): % complete is the share of the way from the baseline to the target value, so a
target value that does not move from the baseline in the indicator's direction is refused — on
creation, edit (service, page and API alike; one rule, ``targets.services.inputs``), with the
message bound to the target value field and nothing written."""

from decimal import Decimal

import pytest
from django.urls import reverse

from targets import services
from targets.models import Target
from tests.conftest import quantitative_input
from tests.targets.conftest import act_as, form_data, nothing_written, target_body
from workflow.errors import ValidationFailed

pytestmark = pytest.mark.django_db

HIGHER = "指标越高越好，目标值须高于基期值6（现为6），否则无法计算完成进度。"


@pytest.mark.parametrize(
    ("baseline", "goal", "direction", "message"),
    [
        ("6.0", "6.0", "higher", HIGHER),
        (
            "6.0",
            "5.5",
            "higher",
            "指标越高越好，目标值须高于基期值6（现为5.5），否则无法计算完成进度。",
        ),
        (
            "0.40",
            "0.40",
            "lower",
            "指标越低越好，目标值须低于基期值0.4（现为0.4），否则无法计算完成进度。",
        ),
        (
            "0.40",
            "0.45",
            "lower",
            "指标越低越好，目标值须低于基期值0.4（现为0.45），否则无法计算完成进度。",
        ),
    ],
)
def test_a_target_value_that_does_not_move_from_the_baseline_is_refused(
    plan_year, aspect, dept_a, staff_a, baseline, goal, direction, message
):
    data = quantitative_input(
        aspect,
        dept_a,
        baseline=Decimal(baseline),
        target_value=Decimal(goal),
        direction=direction,
    )
    with nothing_written(), pytest.raises(ValidationFailed) as refused:
        services.target_create(by=staff_a, plan_year=plan_year, data=data)
    assert refused.value.field_errors == {"target_value": [message]}


@pytest.mark.parametrize(
    ("baseline", "goal", "direction"),
    [("6.0", "6.5", "higher"), ("0.40", "0.30", "lower"), (None, "6.5", "higher")],
)
def test_a_target_value_beyond_the_baseline_or_without_one_is_accepted(
    plan_year, aspect, dept_a, staff_a, baseline, goal, direction
):
    data = quantitative_input(
        aspect,
        dept_a,
        baseline=Decimal(baseline) if baseline else None,
        target_value=Decimal(goal),
        direction=direction,
    )
    assert services.target_create(by=staff_a, plan_year=plan_year, data=data).pk


def test_rounded_as_stored_a_value_at_the_baseline_is_refused(plan_year, aspect, dept_a, staff_a):
    """6.00004 is stored as 6.0000 (four places): the baseline itself."""
    data = quantitative_input(aspect, dept_a, target_value=Decimal("6.00004"))
    with pytest.raises(ValidationFailed) as refused:
        services.target_create(by=staff_a, plan_year=plan_year, data=data)
    assert "target_value" in refused.value.field_errors


def test_an_edit_to_the_baseline_is_refused_and_the_draft_unchanged(draft, aspect, dept_a, staff_a):
    data = quantitative_input(aspect, dept_a, target_value=Decimal("6.0"))
    with nothing_written(draft), pytest.raises(ValidationFailed) as refused:
        services.target_update(target=draft, by=staff_a, data=data)
    assert refused.value.field_errors == {"target_value": [HIGHER]}


def test_the_page_form_shows_the_error_at_the_target_value_field(login, staff_a, aspect, dept_a):
    response = login(staff_a).post(
        reverse("targets:target_create"), form_data(aspect, dept_a, target_value="6.0")
    )
    assert response.status_code == 400
    html = response.content.decode()
    block = html.split('id="field-target_value"')[1].split('id="field-')[0]
    assert HIGHER in block
    assert not Target.objects.exists()


def test_the_edit_page_refuses_it_too(login, draft, staff_a, aspect, dept_a):
    data = form_data(aspect, dept_a, target_value="5.9", expected_version=str(draft.version))
    response = login(staff_a).post(reverse("targets:target_edit", args=[draft.pk]), data)
    assert response.status_code == 400
    assert "目标值须高于基期值6（现为5.9）" in response.content.decode()
    draft.refresh_from_db()
    assert draft.target_value == Decimal("6.5")


def test_the_api_refuses_it_with_the_field_error(api, aspect, dept_a, staff_a):
    response = act_as(api, staff_a).post(
        "/api/v1/targets/", target_body(aspect, dept_a, target_value="6.00"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["target_value"] == [HIGHER]
    assert not Target.objects.exists()
