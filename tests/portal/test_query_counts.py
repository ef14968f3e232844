"""The public pages read only the portal's tables, in a fixed number of queries whatever the
number of published targets (STYLE habit 6), before the cache holds them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import services as portal
from targets import services
from targets.models import PlanYear
from tests.conftest import qualitative_input

pytestmark = pytest.mark.django_db

WORKFLOW_TABLES = ("targets_", "execution_", "supervision_", "evaluation_", "audit_")


def _more_targets(n, *, plan_year, aspect, dept_a, staff_a, head_a, office):
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.DRAFTING)
    plan_year.refresh_from_db()
    for i in range(n):
        t = services.target_create(
            by=staff_a,
            plan_year=plan_year,
            data=qualitative_input(aspect, dept_a, title=f"目标{i}"),
        )
        services.target_submit(target=t, by=head_a)
        services.target_negotiate(target=t, by=office)
        services.target_confirm(target=t, by=office, approval_reference="常务会议")


def _queries(client, url):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize(
    "name", ["portal:year", "portal:overview", "portal:target", "portal:department"]
)
def test_a_fixed_number_of_queries_and_none_on_the_workflows_tables(
    client, name, published_year, target, plan_year, aspect, dept_a, staff_a, head_a, office
):
    args = {
        "portal:year": [2027],
        "portal:overview": [2027],
        "portal:target": [target.pk],
        "portal:department": [dept_a.pk],
    }[name]
    url = reverse(name, args=args)
    few = _queries(client, url)
    _more_targets(
        3,
        plan_year=plan_year,
        aspect=aspect,
        dept_a=dept_a,
        staff_a=staff_a,
        head_a=head_a,
        office=office,
    )
    portal.year_publish(plan_year=plan_year, by=office)
    many = _queries(client, url)
    assert len(few) == len(many)
    touched = [q for q in many if any(f'"{t}' in q for t in WORKFLOW_TABLES)]
    assert touched == []
