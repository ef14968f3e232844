"""Open data (issue 21 item 3): the public records as JSON (OpenAPI, tag ``public``), CSV and
Excel downloads, Atom feeds per target and per department."""

import csv
import io
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from execution.services import progress as reports
from portal.fields import TARGET_FIELDS

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_year_as_json_is_the_public_records(client, published_year, target):
    rows = client.get(reverse("portal:api_year_targets", args=[2027])).json()
    assert [r["id"] for r in rows] == [target.pk]
    assert set(rows[0]) == set(TARGET_FIELDS)
    one = client.get(reverse("portal:api_target", args=[target.pk])).json()
    assert one == rows[0]


def test_json_filters_like_the_page(client, published_year, dept_b):
    url = reverse("portal:api_year_targets", args=[2027])
    assert client.get(url, {"q": "生产总值"}).json() != []
    assert client.get(url, {"department": dept_b.pk}).json() == []


def test_json_needs_no_sign_in_and_ignores_credentials(client, published_year, target):
    response = client.get(
        reverse("portal:api_target", args=[target.pk]), HTTP_AUTHORIZATION="Basic bm86bm8="
    )
    assert response.status_code == 200


def test_years_overview_and_department_as_json(client, published_year, target, dept_a):
    assert client.get(reverse("portal:api_years")).json() == [{"year": 2027, "targets": 1}]
    overview = client.get(reverse("portal:api_overview", args=[2027])).json()
    assert overview["targets"] == 1
    assert overview["by_status"] == {"executing": 1}
    department = client.get(reverse("portal:api_department", args=[dept_a.pk])).json()
    assert department == {
        "id": dept_a.pk,
        "name": dept_a.name,
        "targets": [target.pk],
        "summaries": [],
    }


def test_the_schema_documents_the_public_api_under_its_tag(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    public = {
        path
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        if "public" in operation.get("tags", [])
    }
    assert "/gongkai/api/targets/{target_id}/" in public
    assert "/gongkai/api/years/{year}/targets/" in public
    target_schema = schema["components"]["schemas"]["PublicTarget"]
    assert set(target_schema["properties"]) == set(TARGET_FIELDS)


def test_csv_and_excel_downloads(client, published_year, target):
    response = client.get(reverse("portal:year_csv", args=[2027]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["编号", "目标名称"]
    assert rows[1][:2] == [target.code, target.title]
    # Cached: the second answer is still a download.
    again = client.get(reverse("portal:year_csv", args=[2027]))
    assert "attachment" in again["Content-Disposition"]
    response = client.get(reverse("portal:year_xlsx", args=[2027]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:2] == [target.code, target.title]


def test_the_target_feed_tells_the_verified_value(
    client, published, target, submitted_report, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reports.progress_report_verify(
            report=submitted_report, by=office, verified_value=Decimal("6.1")
        )
    response = client.get(reverse("portal:target_feed", args=[target.pk]))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert any("审核值 6.1%" in t for t in titles)
    assert any("向社会公开" in t for t in titles)


def test_the_department_feed_lists_its_targets_events(client, published, dept_a, dept_b):
    response = client.get(reverse("portal:department_feed", args=[dept_a.pk]))
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
    assert len(feed.findall(f"{ATOM}entry")) == 1
    assert client.get(reverse("portal:department_feed", args=[dept_b.pk])).status_code == 404
