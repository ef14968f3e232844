"""Issue 11, item 5: ids beyond 64 bits (and other numbers that cannot name a row) in filters,
bodies and paths are bad input — 400, or 404 where an id is looked up — never a 500. One check,
``accounts.ids``; run on SQLite (OverflowError) and PostgreSQL (bigint) alike."""

import pytest

from accounts.ids import MAX_ID, parse_id
from targets.models import Target
from tests.targets.conftest import act_as, target_body

BIG = "99999999999999999999"
NOT_IDS = [BIG, str(MAX_ID + 1), "0", "-1", "1.5", "1e3", "abc", "١"]


@pytest.mark.parametrize("value", NOT_IDS)
def test_parse_id_refuses_what_cannot_name_a_row(value):
    assert parse_id(value) is None


@pytest.mark.parametrize("value", ["1", " 42 ", str(MAX_ID), 7])
def test_parse_id_reads_ids(value):
    assert parse_id(value) == int(value)


@pytest.mark.parametrize("name", ["plan_year", "aspect", "lead_department", "parent"])
@pytest.mark.parametrize("value", [BIG, "-1", "1.5"])
def test_target_list_id_filters_are_400(api, office, draft, name, value):
    response = act_as(api, office).get("/api/v1/targets/", {name: value})
    assert response.status_code == 400, response.content
    assert name in response.json()


def test_target_list_id_filter_in_range_still_filters(api, office, draft):
    client = act_as(api, office)
    rows = client.get("/api/v1/targets/", {"aspect": draft.aspect_id}).json()["results"]
    assert [r["id"] for r in rows] == [draft.pk]
    assert client.get("/api/v1/targets/", {"aspect": MAX_ID}).json()["results"] == []


@pytest.mark.parametrize("path", ["/api/v1/aspects/?plan_year=", "/api/v1/departments/?parent="])
def test_reference_filters_are_400(api, office, path):
    assert act_as(api, office).get(path + BIG).status_code == 400


def test_bulk_ids_beyond_range_are_400_and_nothing_moves(api, office, submitted):
    response = act_as(api, office).post(
        "/api/v1/targets/bulk-transition/",
        {"action": "negotiate", "ids": [submitted.pk, int(BIG)]},
        format="json",
    )
    assert response.status_code == 400
    assert "ids.1" in response.json()["errors"]
    assert Target.objects.get(pk=submitted.pk).state == "submitted"


@pytest.mark.parametrize(
    "field", ["aspect", "lead_department", "parent", "lead_leader", "plan_year"]
)
def test_related_ids_in_a_body_are_400(api, staff_a, aspect, dept_a, field):
    before = Target.objects.count()
    body = {**target_body(aspect, dept_a), field: int(BIG)}
    response = act_as(api, staff_a).post("/api/v1/targets/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Target.objects.count() == before


def test_nested_and_many_ids_in_a_body_are_400(api, staff_a, aspect, dept_a):
    body = {
        **target_body(aspect, dept_a),
        "cooperating_leaders": [int(BIG)],
        "departments": [{"department": int(BIG), "role": "cooperating", "task": "配合"}],
    }
    response = act_as(api, staff_a).post("/api/v1/targets/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "cooperating_leaders" in errors and "departments.0.department" in errors


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/targets/{BIG}/",
        f"/api/v1/targets/{BIG}/history/",
        f"/api/v1/plan-years/{BIG}/",
        f"/api/v1/aspects/{BIG}/",
        f"/api/v1/departments/{BIG}/",
    ],
)
def test_path_ids_beyond_range_are_404(api, office, path):
    assert act_as(api, office).get(path).status_code == 404
