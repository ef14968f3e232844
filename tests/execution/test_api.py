"""/api/v1/adjustments/, /coordination-items/, /completion-reports/: the same services and rules
as the pages (Shanghai Art. 12, 14, 16–17); unreadable is 404, forbidden is 403."""

import datetime
import json

import pytest
from rest_framework.test import APIClient

from execution.models import AdjustmentRequest, CoordinationItem
from tests.helpers import act_as

from .conftest import PDF, pdf
from .test_pages import _many


@pytest.fixture
def api():
    return APIClient()


def test_head_requests_by_multipart_office_approves_and_the_target_changes(
    api, executing, head_a, office
):
    response = act_as(api, head_a).post(
        "/api/v1/adjustments/",
        {
            "target": executing.pk,
            "kind": "change",
            "reason": "national_policy",
            "explanation": "国家政策调整。",
            "attachment": pdf(),
            "proposed": json.dumps({"target_value": "6.8"}),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["changes"] == {"target_value": ["6.5", "6.8"]}
    assert body["state"] == "pending"
    response = act_as(api, office).post(
        f"/api/v1/adjustments/{body['id']}/approve/", {"comment": "同意"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "approved"
    assert response.json()["result_version"] == executing.version + 1
    target = act_as(api, office).get(f"/api/v1/targets/{executing.pk}/").json()
    assert target["target_value"] == "6.8"


def test_bad_adjustment_is_400_with_field_errors(api, executing, head_a):
    response = act_as(api, head_a).post(
        "/api/v1/adjustments/",
        {
            "target": executing.pk,
            "kind": "change",
            "reason": "other",
            "explanation": "x",
            "attachment": pdf(),
            "proposed": json.dumps(
                {"milestones": [{"quarter": 1, "description": "x", "due_date": "2027-05-01"}]}
            ),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "milestones.0.due_date" in response.json()["errors"]
    assert not AdjustmentRequest.objects.exists()


def test_adjustment_permissions(api, pending_change, head_b, head_a, vice_mayor, auditor):
    url = f"/api/v1/adjustments/{pending_change.pk}/"
    assert act_as(api, head_b).get(url).status_code == 404
    assert act_as(api, head_b).post(url + "approve/", {}, format="json").status_code == 404
    assert act_as(api, vice_mayor).get(url).status_code == 200
    assert act_as(api, auditor).post(url + "approve/", {}, format="json").status_code == 403
    assert (
        act_as(api, head_a).post(url + "reject/", {"comment": "x"}, format="json").status_code
        == 403
    )
    response = act_as(api, auditor).get(url + "attachment/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert act_as(api, head_b).get("/api/v1/adjustments/").json()["count"] == 0


def test_request_for_an_unreadable_target_is_404(api, executing, head_b):
    response = act_as(api, head_b).post(
        "/api/v1/adjustments/",
        {
            "target": executing.pk,
            "kind": "cancel",
            "reason": "other",
            "explanation": "x",
            "attachment": pdf(),
        },
        format="multipart",
    )
    assert response.status_code == 404


def test_coordination_through_the_api(
    api, executing, staff_a, head_a, dept_a, dept_b, staff_b, vice_mayor, office
):
    due = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = act_as(api, staff_a).post(
        "/api/v1/coordination-items/",
        {
            "target": executing.pk,
            "subject": "资金",
            "description": "请协调",
            "departments": [dept_b.pk],
            "due_date": due,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    item = response.json()
    assert item["leader"] == vice_mayor.pk
    url = f"/api/v1/coordination-items/{item['id']}/"
    assert (
        act_as(api, staff_b).post(url + "messages/", {"body": "配合"}, format="json").status_code
        == 201
    )
    assert len(act_as(api, vice_mayor).get(url + "messages/").json()) == 1
    sheet = {
        "duties": [
            {"department": dept_a.pk, "duty": "牵头"},
            {"department": dept_b.pk, "duty": "资金"},
        ]
    }
    assert act_as(api, staff_b).put(url + "sheet/", sheet, format="json").status_code == 403
    response = act_as(api, office).put(url + "sheet/", sheet, format="json")
    assert response.status_code == 200 and len(response.json()["duties"]) == 2
    assert (
        act_as(api, head_a).post(url + "escalate/", {}, format="json").json()["state"]
        == "escalated"
    )
    response = act_as(api, vice_mayor).post(url + "resolve/", {"text": ""}, format="json")
    assert response.status_code == 400
    response = act_as(api, vice_mayor).post(url + "resolve/", {"text": "已落实"}, format="json")
    assert response.json()["state"] == "resolved"


def test_completion_through_the_api(api, executing, head_a, office, head_b):
    response = act_as(api, head_a).post(
        "/api/v1/completion-reports/",
        {"target": executing.pk, "summary": "完成", "evidence": pdf("材料.pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    url = f"/api/v1/completion-reports/{response.json()['id']}/"
    assert act_as(api, head_b).get(url).status_code == 404
    assert act_as(api, office).post(url + "return/", {}, format="json").status_code == 400
    assert (
        act_as(api, office).post(url + "accept/", {}, format="json").json()["state"] == "accepted"
    )
    assert (
        act_as(api, office).get(f"/api/v1/targets/{executing.pk}/").json()["state"] == "completed"
    )


@pytest.mark.parametrize("n", [10, 300])
@pytest.mark.parametrize(
    ("url", "who", "queries"),
    [
        # user's access (2), count, page; coordination adds the departments prefetch
        ("/api/v1/adjustments/", "office", 4),
        ("/api/v1/adjustments/", "head_a", 4),
        ("/api/v1/coordination-items/", "office", 5),
        ("/api/v1/coordination-items/", "staff_b", 5),
        ("/api/v1/completion-reports/", "office", 4),
        ("/api/v1/completion-reports/", "head_a", 4),
    ],
)
def test_api_lists_run_a_fixed_number_of_queries(
    api,
    n,
    url,
    who,
    queries,
    request,
    executing,
    head_a,
    staff_a,
    dept_b,
    django_assert_num_queries,
):
    _many(executing, n, head_a, staff_a, dept_b)
    user = request.getfixturevalue(who)
    act_as(api, user)
    with django_assert_num_queries(queries):
        response = api.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == n


def test_schema_lists_the_endpoints(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in [
        "/api/v1/adjustments/",
        "/api/v1/adjustments/{id}/approve/",
        "/api/v1/adjustments/{id}/reject/",
        "/api/v1/adjustments/{id}/attachment/",
        "/api/v1/coordination-items/{id}/escalate/",
        "/api/v1/coordination-items/{id}/resolve/",
        "/api/v1/coordination-items/{id}/sheet/",
        "/api/v1/coordination-items/{id}/messages/",
        "/api/v1/completion-reports/{id}/accept/",
        "/api/v1/completion-reports/{id}/return/",
        "/api/v1/completion-reports/{id}/evidence/",
    ]:
        assert f"  {path}:" in text, path


def test_items_listed_for_involved_departments(api, coordination_item, staff_b, other_vice_mayor):
    assert act_as(api, staff_b).get("/api/v1/coordination-items/").json()["count"] == 1
    assert act_as(api, other_vice_mayor).get("/api/v1/coordination-items/").json()["count"] == 0
    assert CoordinationItem.objects.count() == 1
