"""Signing in and out, and the throttle against password guessing."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_signs_in_and_lands_on_the_home_of_its_role(client, staff_a):
    response = client.post(
        reverse("accounts:login"), {"username": "staff_a", "password": "pass-1234"}
    )
    assert response.status_code == 302
    # config.views.home then sends each role to its page (issue 6).
    assert response["Location"] == reverse("home")


def test_wrong_password_is_refused_with_a_message(client, staff_a):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_logout_needs_post_and_ends_the_session(client, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_require_login(client):
    response = client.get(reverse("targets:target_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_repeated_failures_for_one_account_are_throttled(client, staff_a, throttled):
    throttled.LOGIN_RATE_PER_USERNAME = "3/h"
    url = reverse("accounts:login")
    for _ in range(3):
        client.post(url, {"username": "staff_a", "password": "wrong"})
    # Even the right password is refused while throttled: guessing must not pay off.
    response = client.post(url, {"username": "staff_a", "password": "pass-1234"})
    assert response.status_code == 429
    assert "登录尝试过于频繁" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_successful_sign_ins_do_not_count_as_guesses(client, staff_a, throttled):
    throttled.LOGIN_RATE_PER_USERNAME = "3/h"
    url = reverse("accounts:login")
    for _ in range(5):
        client.logout()
        response = client.post(url, {"username": "staff_a", "password": "pass-1234"})
        assert response.status_code == 302
