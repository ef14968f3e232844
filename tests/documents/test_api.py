"""The documents through the REST API (/api/v1/documents/): the same services and rules as the
pages — 404 for what the user may not read, 403 for the ledger of a department member, the
download re-checked, imports checked then confirmed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from targets.models import Target
from tests.documents.conftest import good_row, pdf_text, sheet
from tests.helpers import act_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def post(api, django_capture_on_commit_callbacks):
    def _post(user, url, data=None, **kwargs):
        act_as(api, user)
        with django_capture_on_commit_callbacks(execute=True):
            return api.post(url, data, **kwargs)

    return _post


def test_auditor_asks_for_a_dossier_and_downloads_it(api, post, submitted, auditor):
    response = post(
        auditor,
        "/api/v1/documents/",
        {"kind": "target_dossier", "target": submitted.pk},
        format="json",
    )
    assert response.status_code == 202
    job_id = response.json()["id"]
    job = api.get(f"/api/v1/documents/{job_id}/").json()
    assert job["state"] == "done" and job["download_url"] == f"/api/v1/documents/{job_id}/download/"
    download = api.get(job["download_url"])
    assert download.status_code == 200
    assert submitted.title in pdf_text(b"".join(download.streaming_content))
    assert [j["id"] for j in api.get("/api/v1/documents/").json()["results"]] == [job_id]


def test_unreadable_is_404_and_forbidden_is_403(api, post, draft, staff_b, staff_a, office):
    response = post(
        staff_b, "/api/v1/documents/", {"kind": "target_dossier", "target": draft.pk}, format="json"
    )
    assert response.status_code == 404
    assert (
        post(
            staff_a, "/api/v1/documents/", {"kind": "year_ledger", "year": 2027}, format="json"
        ).status_code
        == 403
    )
    job_id = post(
        office, "/api/v1/documents/", {"kind": "target_dossier", "target": draft.pk}, format="json"
    ).json()["id"]
    act_as(api, staff_a)
    assert api.get(f"/api/v1/documents/{job_id}/").status_code == 404
    assert api.get(f"/api/v1/documents/{job_id}/download/").status_code == 404


def test_export_with_the_list_filters(api, post, draft, office):
    response = post(
        office,
        "/api/v1/documents/",
        {"kind": "target_list_xlsx", "query": {"state": "draft"}},
        format="json",
    )
    assert response.status_code == 202
    job = api.get(f"/api/v1/documents/{response.json()['id']}/").json()
    assert job["result"]["rows"] == 1


def test_import_through_the_api(api, post, plan_year, dept_a, office):
    upload = SimpleUploadedFile("list.xlsx", sheet([good_row(1), good_row(2)]))
    response = post(office, "/api/v1/documents/imports/", {"file": upload}, format="multipart")
    assert response.status_code == 202
    check = api.get(f"/api/v1/documents/{response.json()['id']}/").json()
    assert check["state"] == "done" and check["result"]["ok"] is True
    response = post(office, f"/api/v1/documents/{check['id']}/confirm/")
    assert response.status_code == 202
    apply = api.get(f"/api/v1/documents/{response.json()['id']}/").json()
    assert apply["result"]["created"] == 2
    assert Target.objects.count() == 2
    bad = post(
        office,
        "/api/v1/documents/imports/",
        {"file": SimpleUploadedFile("a.csv", b"x")},
        format="multipart",
    )
    assert bad.status_code == 400 and "只能导入Excel文件" in bad.json()["detail"]
