"""Chinese by default (DESIGN: zh-hans), English only when the user chooses it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_even_when_the_browser_asks_for_english(client):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "en-US,en"})
    assert '<html lang="zh-hans"' in response.content.decode()


def test_the_language_switcher_turns_english_on_and_off(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en"' in client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans"' in client.get(reverse("accounts:login")).content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies["django_language"] = "fr"
    assert '<html lang="zh-hans"' in client.get(reverse("accounts:login")).content.decode()
