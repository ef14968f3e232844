"""What schemathesis found in the API contract (issue 17 item 6), one case each, so a
regression names itself without a fuzzing run."""

import pytest
from rest_framework.test import APIClient

from accounts.ids import MAX_ID
from execution import clock

pytestmark = pytest.mark.django_db

HUGE = str(MAX_ID + 1)


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/supervision/orders/", "department"),
        ("/api/v1/supervision/findings/", "target"),
        ("/api/v1/supervision/inspections/", "department"),
        ("/api/v1/supervision/external-inputs/", "target"),
        ("/api/v1/supervision/accountability/", "department"),
        ("/api/v1/progress-reports/", "target"),
    ],
)
def test_an_id_filter_beyond_64_bits_is_bad_input_not_a_server_error(supervisor, url, name):
    response = as_user(supervisor).get(url, {name: HUGE})
    assert response.status_code == 400
    assert "不是有效的编号。" in str(response.json())


def test_options_on_the_notification_preferences_answers(staff_a):
    response = as_user(staff_a).options("/api/v1/notifications/preferences/")
    assert response.status_code == 200
    assert response.json()["name"]


def test_a_path_id_that_is_no_number_answers_json_404(staff_a):
    response = as_user(staff_a).get("/api/v1/targets/abc/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "未找到。"


def test_page_size_is_honoured_up_to_200(staff_a, dept_a, dept_b, dept_c):
    client = as_user(staff_a)
    assert len(client.get("/api/v1/departments/", {"page_size": 2}).json()["results"]) == 2
    many = client.get("/api/v1/departments/", {"page_size": 10_000})
    assert many.status_code == 200
    assert len(many.json()["results"]) == many.json()["count"] <= 200


def test_the_inspection_detail_counts_its_findings(supervisor, executing, dept_a):
    client = as_user(supervisor)
    created = client.post(
        "/api/v1/supervision/inspections/",
        {
            "plan_year": executing.plan_year_id,
            "kind": "year_end",
            "title": "年终考核",
            "departments": [dept_a.pk],
            "started_on": clock.today().isoformat(),
            "inspectors": "考核组",
        },
        format="json",
    )
    assert created.status_code == 201
    detail = client.get(f"/api/v1/supervision/inspections/{created.json()['id']}/")
    assert detail.json()["finding_count"] == 0


def test_a_warning_explanation_body_that_is_no_object_is_bad_input(staff_a):
    response = as_user(staff_a).post("/api/v1/warning-explanations/", [None, None], format="json")
    assert response.status_code == 400


def test_every_operation_documents_its_error_answers_and_downloads_are_no_json(client, staff_a):
    client.force_login(staff_a)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for code in ("400", "401", "403", "404"):
                assert code in operation["responses"], (method, path, code)
    new_version = schema["paths"]["/api/v1/evaluation/schemes/{id}/new-version/"]["post"]
    assert "201" in new_version["responses"] and "200" not in new_version["responses"]
    download = schema["paths"]["/api/v1/documents/{id}/download/"]["get"]["responses"]["200"]
    assert list(download["content"]) == ["*/*"]
