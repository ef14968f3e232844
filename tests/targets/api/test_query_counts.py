"""The API list runs a fixed number of SQL queries whatever the number of targets (STYLE 6:
reads in selectors, already joined) — asserted at 10 and at 300 targets."""

from decimal import Decimal

import pytest

from targets.models import Target, TargetDepartment
from tests.targets.conftest import act_as

# Per request: the user's memberships and portfolio (access_for), the page's count, the page.
LIST_QUERIES = 4


def make_targets(n, *, plan_year, aspect, lead, cooperating, parent, created_by):
    """n targets in every formulation state, half with a cooperating department and a parent,
    inserted in bulk: the query count is what is measured here, not the services."""
    states = ["draft", "submitted", "returned", "negotiated", "confirmed", "executing"]
    targets = Target.objects.bulk_create(
        Target(
            plan_year=plan_year,
            code=f"{plan_year.year}-{i + 100:04d}",
            aspect=aspect,
            kind=Target.Kind.QUALITATIVE,
            title=f"目标{i}",
            content="内容",
            weight=Decimal(1),
            lead_department=lead,
            parent=parent if i % 2 else None,
            state=states[i % len(states)],
            created_by=created_by,
        )
        for i in range(n)
    )
    TargetDepartment.objects.bulk_create(
        TargetDepartment(target=t, department=cooperating, role="cooperating", task="配合")
        for t in targets[::2]
    )


@pytest.fixture
def city_target(plan_year, aspect, office_dept, office):
    return Target.objects.create(
        plan_year=plan_year,
        code=f"{plan_year.year}-0001",
        level=Target.Level.CITY,
        aspect=aspect,
        kind=Target.Kind.QUALITATIVE,
        title="市政府总体目标",
        content="内容",
        lead_department=office_dept,
        state="confirmed",
        created_by=office,
    )


@pytest.mark.parametrize("n", [10, 300])
@pytest.mark.parametrize("persona", ["staff_a", "office"])
def test_target_list_runs_a_fixed_number_of_queries(
    api,
    request,
    django_assert_num_queries,
    plan_year,
    aspect,
    dept_a,
    dept_b,
    city_target,
    n,
    persona,
):
    make_targets(
        n,
        plan_year=plan_year,
        aspect=aspect,
        lead=dept_a,
        cooperating=dept_b,
        parent=city_target,
        created_by=city_target.created_by,
    )
    client = act_as(api, request.getfixturevalue(persona))
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/api/v1/targets/", {"plan_year__year": plan_year.year})
    assert response.status_code == 200
    body = response.json()
    # Staff see their department's targets and the confirmed city target; the office sees all.
    assert body["count"] == n + 1
    assert len(body["results"]) == min(n + 1, 50)
    assert any(row["parent_code"] == city_target.code for row in body["results"])
