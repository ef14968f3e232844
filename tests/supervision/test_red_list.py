"""The red list → supervision (issue 9 item 1: "the office can issue an order straight from a red
target or a red list (bulk: one order per lead department)"; Shanghai Art. 18): on the targets
list filtered to 预警等级=红色, the general office and the supervision office get a link to the
bulk-issue page with those targets ticked; nobody else does, and no other filter shows it."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from execution.models import WarningSnapshot
from supervision.models import SupervisionOrder
from targets.models import Milestone, Target, TargetDepartment
from workflow import generations

pytestmark = pytest.mark.django_db


def snapshot(target, level):
    WarningSnapshot.objects.update_or_create(
        target=target,
        period_start=datetime.date(target.plan_year.year, 1, 1),
        defaults={
            "period_end": datetime.date(target.plan_year.year, 3, 31),
            "level": level,
            "expected": 25,
            "computed_at": timezone.now(),
        },
    )


def clone(target, code, department=None):
    copy = Target.objects.get(pk=target.pk)
    copy.pk = None
    copy.code = code
    if department is not None:
        copy.lead_department = department
    copy.save()
    return copy


def red_list(client, user, year):
    client.force_login(user)
    return client.get(reverse("targets:target_list"), {"year": year, "warning": "red"})


def action_ids(response):
    html = response.content.decode()
    marker = 'data-list-action="supervision_red_list"'
    if marker not in html:
        return None
    [href] = [
        a["url"] for a in response.context["list_actions"] if a["key"] == "supervision_red_list"
    ]
    return sorted(int(i) for i in parse_qs(urlparse(href).query)["ids"])


@pytest.fixture
def red_and_green(executing, dept_b):
    red_b = clone(executing, f"{executing.code}-b", dept_b)
    green = clone(executing, f"{executing.code}-g")
    snapshot(executing, "red")
    snapshot(red_b, "red")
    snapshot(green, "green")
    return executing, red_b, green


@pytest.mark.parametrize("persona", ["supervisor", "office"])
def test_the_offices_get_a_link_with_the_red_targets_ticked(
    request, client, persona, red_and_green
):
    red_a, red_b, green = red_and_green
    response = red_list(client, request.getfixturevalue(persona), red_a.plan_year.year)
    assert response.status_code == 200
    assert action_ids(response) == sorted([red_a.pk, red_b.pk])
    assert "对这2项红色预警目标下发督办单" in response.content.decode()


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "vice_mayor", "auditor"])
def test_nobody_else_gets_the_link(request, client, persona, red_and_green):
    response = red_list(client, request.getfixturevalue(persona), red_and_green[0].plan_year.year)
    assert response.status_code == 200
    assert action_ids(response) is None


def test_no_link_without_the_red_filter_or_without_red_targets(client, supervisor, red_and_green):
    client.force_login(supervisor)
    year = red_and_green[0].plan_year.year
    for params in ({"year": year}, {"year": year, "warning": "green"}):
        assert action_ids(client.get(reverse("targets:target_list"), params)) is None
    WarningSnapshot.objects.update(level="yellow")
    assert action_ids(red_list(client, supervisor, year)) is None


def test_following_the_link_issues_one_order_per_lead_department(
    client, supervisor, red_and_green, dept_a, dept_b
):
    red_a, red_b, green = red_and_green
    response = red_list(client, supervisor, red_a.plan_year.year)
    url = response.context["list_actions"][0]["url"]
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{red_a.pk}" checked' in html and f'value="{red_b.pk}" checked' in html
    assert f'value="{green.pk}"' not in html  # only the red list is shown
    ids = parse_qs(urlparse(url).query)["ids"]
    response = client.post(
        reverse("supervision:order_bulk"),
        {"ids": ids, "kind": "key", "requirement": "请说明滞后原因并提出赶超措施。", "days": 5},
    )
    assert response.status_code == 302
    orders = SupervisionOrder.objects.order_by("id")
    assert [list(o.departments.all()) for o in orders] == [[dept_a], [dept_b]]
    assert [list(o.targets.all()) for o in orders] == [[red_a], [red_b]]


@pytest.mark.parametrize("count", [10, 300])
def test_the_red_list_runs_a_fixed_number_of_queries(
    client, supervisor, executing, count, django_assert_num_queries
):
    snapshot(executing, "red")
    for i in range(count - 1):
        snapshot(clone(executing, f"{executing.code}-{i}"), "red")
    Milestone.objects.all().delete()
    TargetDepartment.objects.all().delete()
    client.force_login(supervisor)
    red_list(client, supervisor, executing.plan_year.year)  # warm caches
    # Counted: the page built, not served again from the page cache (issue 20,
    # workflow/pagecache.py), which a write — here a new generation — makes it do.
    generations.bump()
    with django_assert_num_queries(QUERIES):
        response = client.get(
            reverse("targets:target_list"), {"year": executing.plan_year.year, "warning": "red"}
        )
    assert len(action_ids(response)) == count


# The targets list page filtered to red, as the supervision office: the same 12 at 10 and 300
# rows, one of them the list action's query for the red targets' ids.
QUERIES = 12
