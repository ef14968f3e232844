"""POST /api/v1/plan-years/{id}/transition-all/: the whole year's set (Art. 10–11)."""

from targets.models import Target
from tests.targets.conftest import act_as


def url(plan_year):
    return f"/api/v1/plan-years/{plan_year.pk}/transition-all/"


def test_office_confirms_the_year(api, office, negotiated):
    response = act_as(api, office).post(
        url(negotiated.plan_year),
        {"action": "confirm", "approval_reference": "市政府第12次常务会议"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["count"] == 1
    assert Target.objects.get(pk=negotiated.pk).state == "confirmed"


def test_head_is_forbidden_and_nothing_moves(api, head_a, negotiated):
    response = act_as(api, head_a).post(
        url(negotiated.plan_year),
        {"action": "confirm", "approval_reference": "市政府第12次常务会议"},
        format="json",
    )
    assert response.status_code == 403
    assert Target.objects.get(pk=negotiated.pk).state == "negotiated"


def test_missing_reference_is_400(api, office, negotiated):
    response = act_as(api, office).post(
        url(negotiated.plan_year), {"action": "confirm"}, format="json"
    )
    assert response.status_code == 400
    assert "approval_reference" in response.json()["errors"]


def test_unknown_action_is_400(api, office, negotiated):
    response = act_as(api, office).post(
        url(negotiated.plan_year), {"action": "submit"}, format="json"
    )
    assert response.status_code == 400
    assert "action" in response.json()["errors"]
