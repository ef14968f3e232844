"""The 500 page (issue 18 item 6): with DEBUG off, an unhandled error shows templates/500.html —
Chinese, in the house style, with the request id to quote — and it renders with the database
down and without any asset from elsewhere."""

import re

import pytest
from django.template.loader import render_to_string


@pytest.fixture
def failing_site(settings, client):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.deploy.failing_urls"
    client.raise_request_exception = False
    return client


def test_an_unhandled_error_shows_the_house_500_page_without_the_database(failing_site):
    """No django_db mark: any database access in rendering would fail the test."""
    response = failing_site.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出错" in page
    assert "目标管理系统" in page
    assert 'href="/"' in page
    # ...not Django's bare fallback, which is what a missing or broken 500.html gives.
    assert "Server Error (500)" not in page


def test_the_500_page_names_the_request_id_a_user_can_quote(failing_site):
    response = failing_site.get("/boom/", headers={"X-Request-ID": "lb-7f3a.42"})
    assert response["X-Request-ID"] == "lb-7f3a.42"
    assert "lb-7f3a.42" in response.content.decode()


def test_the_500_page_loads_nothing_from_elsewhere():
    """Government intranets have no internet, and a failing server may not serve its static
    files either: styles inline, no script, no external link."""
    page = render_to_string("500.html", {"request_id": "x"})
    assert not re.search(r"https?://", page)
    assert "<script" not in page
    assert 'rel="stylesheet"' not in page
    assert "<style>" in page
