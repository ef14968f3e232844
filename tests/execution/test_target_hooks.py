"""The targets app's hooks for the execution stage: the `complete` and `cancel` transitions
(only the general office, only from their states), city targets staying readable once ended, and
the target pages showing the new states."""

import pytest
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from targets import services
from targets.models import Target
from targets.selectors import visible_targets
from tests.conftest import qualitative_input
from workflow.errors import NotPermitted


@pytest.fixture
def city_executing(plan_year, aspect, office_dept, office):
    target = services.target_create(
        by=office,
        plan_year=plan_year,
        data=qualitative_input(aspect, office_dept, level="city", title="城市目标", content="内容"),
    )
    for step in (services.target_submit, services.target_negotiate):
        target = step(target=target, by=office)
    target = services.target_confirm(target=target, by=office, approval_reference="常务会议")
    return services.target_start_execution(target=target, by=office)


@pytest.mark.parametrize("state", ["completed", "cancelled", "evaluated"])
def test_an_ended_city_target_stays_readable_to_everyone(city_executing, staff_b, state):
    Target.objects.filter(pk=city_executing.pk).update(state=state)
    assert visible_targets(staff_b).filter(pk=city_executing.pk).exists()


def test_only_the_office_completes_or_cancels(executing, head_a, office):
    for hook in (services.target_complete, services.target_cancel):
        with pytest.raises(NotPermitted):
            hook(target=executing, by=head_a)
    assert services.target_complete(target=executing, by=office).state == "completed"


def test_complete_only_from_executing_cancel_from_confirmed_or_executing(confirmed, office):
    with pytest.raises(TransitionNotAllowed):
        confirmed.complete()
    assert services.target_cancel(target=confirmed, by=office).state == "cancelled"


def test_list_and_page_show_the_new_states(client, executing, office):
    services.target_complete(target=executing, by=office)
    client.force_login(office)
    page = client.get(reverse("targets:target_detail", args=[executing.pk])).content.decode()
    assert "badge--completed" in page and "办结" in page
    listing = client.get(
        reverse("targets:target_list"), {"year": executing.plan_year.year, "state": "completed"}
    )
    assert executing.code in listing.content.decode()
