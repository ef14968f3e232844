"""HTTP Basic authentication on the API obeys the login page's throttle against password
guessing (issue 11): one rule, ``accounts.throttle``, for both ways of signing in."""

import base64

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/"


def basic(username, password) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_missing_credentials_are_401_with_a_basic_challenge(throttled):
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="api"'


def test_wrong_password_is_401_with_a_basic_challenge(throttled, staff_a):
    response = APIClient().get(URL, **basic("staff_a", "wrong"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="api"'


def test_right_password_reads_the_api(throttled, staff_a):
    response = APIClient().get(URL, **basic("staff_a", "pass-1234"))
    assert response.status_code == 200
    assert response.json()["username"] == "staff_a"


def test_fifteen_wrong_passwords_then_the_right_one_is_still_refused(throttled, staff_a):
    client = APIClient()
    codes = [client.get(URL, **basic("staff_a", f"guess-{i}")).status_code for i in range(15)]
    assert codes[:10] == [401] * 10
    assert set(codes[10:]) == {429}
    response = client.get(URL, **basic("staff_a", "pass-1234"))
    assert response.status_code == 429
    assert "登录尝试过于频繁" in response.json()["detail"]
    # ... exactly as the login page refuses the same account now.
    page = client.post(reverse("accounts:login"), {"username": "staff_a", "password": "pass-1234"})
    assert page.status_code == 429


def test_failures_on_the_login_page_lock_the_api_too(throttled, client, staff_a):
    for _ in range(10):
        client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    response = APIClient().get(URL, **basic("staff_a", "pass-1234"))
    assert response.status_code == 429


def test_one_address_guessing_many_accounts_is_refused(throttled, staff_a, staff_b):
    throttled.LOGIN_RATE_PER_IP = "5/m"
    client = APIClient()
    for i in range(5):
        assert client.get(URL, **basic(f"nobody-{i}", "wrong")).status_code == 401
    assert client.get(URL, **basic("staff_b", "pass-1234")).status_code == 429


def test_successful_requests_do_not_use_up_the_allowance(throttled, staff_a):
    """A script signing every request with the right password is never slowed down."""
    throttled.LOGIN_RATE_PER_USERNAME = "3/h"
    client = APIClient()
    for _ in range(10):
        assert client.get(URL, **basic("staff_a", "pass-1234")).status_code == 200
    assert client.get(URL, **basic("staff_a", "wrong")).status_code == 401
