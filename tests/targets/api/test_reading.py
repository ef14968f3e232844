"""Reading targets and reference data: list filters, the detail's nested parts."""

import pytest

from targets import services
from targets.models import Aspect, PlanYear
from tests.conftest import qualitative_input, quantitative_input
from tests.targets.conftest import act_as


@pytest.fixture
def year_set(plan_year, aspect, dept_a, dept_b, staff_a, staff_b, head_a):
    social = plan_year.aspects.get(number=2)
    gdp = services.target_create(
        by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a, is_key_work=True)
    )
    reform = services.target_create(
        by=staff_a, plan_year=plan_year, data=qualitative_input(social, dept_a, weight=5)
    )
    services.target_submit(target=reform, by=head_a)
    finance = services.target_create(
        by=staff_b, plan_year=plan_year, data=qualitative_input(aspect, dept_b, title="财政收入")
    )
    older = PlanYear.objects.create(year=2026, status=PlanYear.Status.DRAFTING)
    old_aspect = Aspect.objects.create(plan_year=older, number=1, name="经济")
    old = services.target_create(
        by=staff_a, plan_year=older, data=qualitative_input(old_aspect, dept_a, title="上一年")
    )
    return {"gdp": gdp, "reform": reform, "finance": finance, "old": old}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"gdp", "reform", "finance", "old"}),
        ({"plan_year__year": 2027}, {"gdp", "reform", "finance"}),
        ({"state": "submitted"}, {"reform"}),
        ({"kind": "quantitative"}, {"gdp"}),
        ({"is_key_work": "true"}, {"gdp"}),
        ({"level": "city"}, set()),
        ({"search": "财政"}, {"finance"}),
        ({"search": "2026-0001"}, {"old"}),
    ],
)
def test_office_list_filters(api, year_set, office, params, expected):
    ids = {v.pk: k for k, v in year_set.items()}
    response = act_as(api, office).get("/api/v1/targets/", params)
    assert response.status_code == 200
    assert {ids[row["id"]] for row in response.json()["results"]} == expected


def test_list_filters_by_ids_of_related_rows(api, year_set, plan_year, dept_b, office):
    client = act_as(api, office)
    social = plan_year.aspects.get(number=2)

    def names(**params):
        ids = {v.pk: k for k, v in year_set.items()}
        return {ids[r["id"]] for r in client.get("/api/v1/targets/", params).json()["results"]}

    assert names(plan_year=plan_year.pk) == {"gdp", "reform", "finance"}
    assert names(aspect=social.pk) == {"reform"}
    assert names(lead_department=dept_b.pk) == {"finance"}


def test_list_ordering(api, year_set, office):
    response = act_as(api, office).get(
        "/api/v1/targets/", {"ordering": "-weight", "plan_year__year": 2027}
    )
    weights = [row["weight"] for row in response.json()["results"]]
    assert weights == ["5", "3", "2"]


def test_filters_never_widen_what_a_user_sees(api, year_set, dept_b, staff_a):
    """Filtering by another department's id returns nothing, not their drafts."""
    response = act_as(api, staff_a).get("/api/v1/targets/", {"lead_department": dept_b.pk})
    assert response.json()["results"] == []


def test_list_is_paginated(api, year_set, office):
    body = act_as(api, office).get("/api/v1/targets/").json()
    assert body["count"] == 4
    assert set(body) >= {"count", "next", "previous", "results"}


def test_list_rows_are_the_summary_serializers_json(api, year_set, office, staff_a):
    """The list writes plain values (targets.api.reading.summary_rows, issue 20) in exactly
    the format of TargetSummarySerializer, the schema's row, for every reader."""
    from targets import selectors
    from targets.api.reading import TargetSummarySerializer

    for user in (office, staff_a):
        rows = act_as(api, user).get("/api/v1/targets/", {"ordering": "code"}).json()["results"]
        assert rows
        targets = selectors.target_list(user).filter(pk__in=[r["id"] for r in rows])
        expected = {t["id"]: dict(t) for t in TargetSummarySerializer(targets, many=True).data}
        assert rows == [expected[r["id"]] for r in rows]


def test_detail_has_nested_parts(api, plan_year, aspect, dept_a, dept_b, staff_a, vice_mayor):
    data = quantitative_input(
        aspect,
        dept_a,
        cooperating_leaders=[vice_mayor],
        departments=[
            services.DepartmentInput(
                department=dept_b, role="cooperating", task="资金保障", acceptance="按季拨付"
            )
        ],
    )
    target = services.target_create(by=staff_a, plan_year=plan_year, data=data)
    detail = act_as(api, staff_a).get(f"/api/v1/targets/{target.pk}/").json()
    assert detail["code"] == "2027-0001"
    assert detail["state"] == "draft"
    assert detail["state_display"] == "拟定"
    assert detail["version"] == 1
    assert detail["parent"] is None
    assert detail["children"] == []
    assert detail["cooperating_leaders"] == [vice_mayor.pk]
    assert detail["departments"][0]["role"] == "cooperating"
    assert detail["departments"][0]["task"] == "资金保障"
    assert detail["departments"][0]["acceptance"] == "按季拨付"
    assert [m["quarter"] for m in detail["milestones"]] == [1, 2, 3, 4]
    assert detail["lead_department_name"] == "市发展改革委"
    assert detail["created_by_name"] == "张填报"


def test_plan_years_and_aspects(api, plan_year, outsider):
    PlanYear.objects.create(year=2026, status=PlanYear.Status.EXECUTING)
    client = act_as(api, outsider)
    rows = client.get("/api/v1/plan-years/", {"status": "drafting"}).json()["results"]
    assert [(r["year"], r["is_open_for_drafting"]) for r in rows] == [(2027, True)]
    assert rows[0]["status_display"] == "目标编制中"
    aspects = client.get("/api/v1/aspects/", {"plan_year": plan_year.pk}).json()["results"]
    assert [a["name"] for a in aspects] == ["经济发展与结构调整", "民生保障与社会事业"]
    assert client.get(f"/api/v1/plan-years/{plan_year.pk}/").json()["year"] == 2027
    assert client.post("/api/v1/plan-years/", {"year": 2030}, format="json").status_code == 405
