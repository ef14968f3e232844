"""Issue 11, item 4: a vice-mayor whose portfolio department only cooperates on another
department's target reads it under the cooperating department's rule (Art. 15–16): nothing of
it — page, thread, history, versions — while it is a draft or returned; all of it once
submitted."""

import pytest
from django.urls import reverse

from targets import services
from targets.models import TargetDepartment
from tests.conftest import quantitative_input
from tests.targets.conftest import act_as


@pytest.fixture
def led_by_b(plan_year, aspect, dept_a, dept_b, staff_b):
    """B's draft in which A — the vice-mayor's portfolio department — cooperates."""
    return services.target_create(
        by=staff_b,
        plan_year=plan_year,
        data=quantitative_input(
            aspect,
            dept_b,
            title="一般公共预算收入增长4%",
            departments=[
                services.DepartmentInput(
                    department=dept_a,
                    role=TargetDepartment.Role.COOPERATING,
                    task="提供重大项目清单",
                )
            ],
        ),
    )


def urls(target):
    return [
        f"/api/v1/targets/{target.pk}/",
        f"/api/v1/targets/{target.pk}/comments/",
        f"/api/v1/targets/{target.pk}/history/",
        f"/api/v1/targets/{target.pk}/revisions/",
        reverse("targets:target_detail", args=[target.pk]),
        reverse("targets:target_revision", args=[target.pk, 1]),
    ]


def statuses(api, client, user, target):
    act_as(api, user)
    client.force_login(user)
    return [(api if u.startswith("/api/") else client).get(u).status_code for u in urls(target)]


def test_draft_and_returned_stay_hidden_until_submitted(
    api, client, vice_mayor, led_by_b, head_b, office
):
    assert statuses(api, client, vice_mayor, led_by_b) == [404] * 6
    submitted = services.target_submit(target=led_by_b, by=head_b)
    assert statuses(api, client, vice_mayor, submitted) == [200] * 6
    returned = services.target_return(target=submitted, by=office, comment="请补充收入测算依据")
    assert statuses(api, client, vice_mayor, returned) == [404] * 6
    listed = act_as(api, vice_mayor).get("/api/v1/targets/").json()["results"]
    assert led_by_b.pk not in [row["id"] for row in listed]


def test_the_lead_departments_vice_mayor_reads_the_draft(api, client, other_vice_mayor, led_by_b):
    """The lead department's own vice-mayor follows its drafts, as before."""
    assert statuses(api, client, other_vice_mayor, led_by_b) == [200] * 6
