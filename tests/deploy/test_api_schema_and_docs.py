"""The OpenAPI schema is valid and the API docs work with no internet (issue: assets from our
own static files or a package that ships them)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from tests.helpers import act_as


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


def test_schema_validates_without_warnings(tmp_path):
    """drf-spectacular's own validation; a warning (an undocumented endpoint) fails the test."""
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in [
        "/api/v1/targets/",
        "/api/v1/targets/{id}/submit/",
        "/api/v1/targets/{id}/return/",
        "/api/v1/targets/{id}/negotiate/",
        "/api/v1/targets/{id}/confirm/",
        "/api/v1/targets/{id}/start-execution/",
        "/api/v1/targets/bulk-transition/",
        "/api/v1/targets/{id}/comments/",
        "/api/v1/targets/{id}/history/",
        "/api/v1/targets/{id}/revisions/",
        "/api/v1/plan-years/",
        "/api/v1/aspects/",
    ]:
        assert f"  {path}:" in text, path


def test_schema_is_served(api, outsider):
    response = act_as(api, outsider).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    target = schema["paths"]["/api/v1/targets/{id}/"]
    assert "delete" not in target
    assert set(target) >= {"get", "put", "patch"}
    detail = schema["components"]["schemas"]["TargetDetail"]["properties"]
    assert {"allowed_actions", "milestones", "departments", "children", "version"} <= set(detail)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_api_docs_use_only_local_assets(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""https?://""", html), "the docs page must not load anything remote"
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    sidecar = [a for a in assets if "drf_spectacular_sidecar" in a]
    assert sidecar
    for asset in sidecar:
        assert asset.startswith("/static/")
        assert finders.find(asset.removeprefix("/static/")), asset


def test_redoc_page_allows_images_only_from_our_server(client):
    """Redoc's bundle fetches its logo from cdn.redoc.ly (no setting turns it off); the page's
    Content-Security-Policy keeps the browser from sending that request (issue 11; the browser
    test tests/browser/test_api_docs_offline.py watches the requests themselves)."""
    html = client.get("/api/redoc/").content.decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy
    directives = dict(d.strip().split(" ", 1) for d in policy.group(1).split(";"))
    assert directives["img-src"].split() == ["'self'", "data:", "blob:"]


def test_filters_of_later_stages_are_in_the_schema(api, outsider):
    """Issue 5: the targets list's early-warning and report filters, registered by execution,
    are documented with their values like the list's own filters."""
    schema = act_as(api, outsider).get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/targets/"]["get"]["parameters"]}
    assert parameters["warning"]["schema"]["enum"] == ["green", "yellow", "red"]
    assert parameters["report"]["schema"]["enum"] == ["due", "late"]
