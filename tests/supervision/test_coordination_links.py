"""Orders about coordination items (issue 9 item 1: "about one or more targets, coordination items
or a free-text matter"; Shanghai Art. 16–18): set in the service, the issue form and the API,
shown on the order page and on the item's page (only to readers of the order), audited on the
item's target's timeline."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from execution.services import coordination
from supervision import services
from supervision.deadlines import today
from supervision.models import SupervisionOrder
from workflow.errors import ValidationFailed

from .conftest import nothing_written

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/supervision/orders/"


@pytest.fixture
def item(executing, staff_a, dept_b, vice_mayor):
    return coordination.coordination_item_raise(
        target=executing,
        by=staff_a,
        subject="项目用地指标需财政局配合",
        description="重大项目资金拨付需财政局协调。",
        departments=[dept_b],
        due_date=today() + datetime.timedelta(days=7),
        today=today(),
    )


def issue(by, item, departments, **overrides):
    values = {
        "by": by,
        "plan_year": item.target.plan_year,
        "kind": "special",
        "title": "协调事项督办",
        "requirement": "请于5个工作日内落实。",
        "departments": departments,
        "coordination_items": [item],
        "days": 5,
    }
    values.update(overrides)
    return services.order_issue(**values)


def test_an_order_can_be_about_a_coordination_item_alone(item, supervisor, dept_a, executing):
    order = issue(supervisor, item, [dept_a])
    assert list(order.coordination_items.all()) == [item]
    assert list(item.supervision_orders.all()) == [order]
    event = AuditEvent.objects.for_object(order).with_action(order, "create").get()
    # On the timeline of the item's target, though the order names no target itself.
    assert event.scope_object_id == str(executing.pk)
    assert event.changes["coordination_items"] == [None, [item.subject]]


def test_a_resolved_item_or_one_of_another_year_is_refused(
    item, supervisor, head_a, dept_a, plan_year
):
    coordination.coordination_item_resolve(item=item, by=head_a, resolution="已解决")
    item.refresh_from_db()
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        issue(supervisor, item, [dept_a])
    assert "已解决" in caught.value.field_errors["coordination_items"][0]


def test_the_issue_form_links_items_and_both_pages_show_the_link(
    client, item, supervisor, dept_a, staff_a, staff_b
):
    client.force_login(supervisor)
    form = client.get(reverse("supervision:order_create"), {"coordination": item.pk})
    assert form.status_code == 200
    assert form.context["form"].initial["coordination_items"] == [item.pk]
    response = client.post(
        reverse("supervision:order_create"),
        {
            "plan_year": item.target.plan_year_id,
            "kind": "special",
            "title": "协调事项督办",
            "requirement": "请落实。",
            "coordination_items": [item.pk],
            "departments": [dept_a.pk],
            "days": 5,
        },
    )
    assert response.status_code == 302
    order = SupervisionOrder.objects.get()
    assert list(order.coordination_items.all()) == [item]
    detail = client.get(reverse("supervision:order_detail", args=[order.pk])).content.decode()
    assert reverse("execution:coordination_detail", args=[item.pk]) in detail
    page = client.get(reverse("execution:coordination_detail", args=[item.pk])).content.decode()
    assert order.code in page and "就此协调事项下发督办单" in page
    # Department A is addressed: it sees the order on the item's page, without the issue link.
    client.force_login(staff_a)
    page = client.get(reverse("execution:coordination_detail", args=[item.pk])).content.decode()
    assert order.code in page and "就此协调事项下发督办单" not in page
    # Department B reads the item (it was asked to help) but not the order addressed to A.
    client.force_login(staff_b)
    response = client.get(reverse("execution:coordination_detail", args=[item.pk]))
    assert response.status_code == 200 and order.code not in response.content.decode()


def test_the_api_sets_and_shows_the_items(item, supervisor, dept_a, staff_b):
    api = APIClient()
    api.force_authenticate(supervisor)
    body = {
        "plan_year": item.target.plan_year_id,
        "kind": "special",
        "title": "协调事项督办",
        "requirement": "请落实。",
        "departments": [dept_a.pk],
        "coordination_items": [item.pk],
        "days": 5,
    }
    response = api.post(ORDERS, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["coordination_items"] == [item.pk]
    assert (
        api.post(ORDERS, {**body, "coordination_items": [999999]}, format="json").status_code == 400
    )
