"""Real headless Chromium (Debian's /usr/bin/chromium) driven by pytest-playwright against
Django's live server. Playwright's sync API runs an event loop in the test thread, so Django's
async-safety check must be told that synchronous database access there is intended."""

import os

import pytest

# The personas' password in tests/conftest.py's make_user.
PASSWORD = "pass-1234"

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def sign_in(browser, live_server):
    """``sign_in(username)`` opens a fresh browser context (its own cookies) signed in as that
    persona, through the login page, and returns its page."""
    contexts = []

    def _sign_in(username, password=PASSWORD, *, to_list=True):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form.form-stack button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if to_list:
            page.goto("/targets/")
        return page

    yield _sign_in
    for context in contexts:
        context.close()
