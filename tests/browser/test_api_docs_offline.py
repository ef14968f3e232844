"""The API docs load nothing from outside (government intranets have no internet; issue 11).
Redoc's bundle shows a logo from cdn.redoc.ly; the page's Content-Security-Policy makes the
browser refuse that request before it leaves the machine."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/api/redoc/", "/api/docs/"])
def test_api_docs_request_only_our_own_server(page, live_server, path):
    requested, refused = [], []
    page.on("request", lambda request: requested.append(request.url))
    # Playwright reports a request the page's CSP refused too, failed with reason "csp":
    # the browser never sent it.
    page.on(
        "requestfailed",
        lambda request: refused.append(request.url) if request.failure == "csp" else None,
    )
    page.goto(live_server.url + path)
    expect(page.get_by_text("Mubiao 目标 API").first).to_be_visible(timeout=15_000)
    expect(page.get_by_text("/api/v1/adjustments/").first).to_be_attached(timeout=15_000)
    page.wait_for_load_state("networkidle")
    sent_outside = [
        url
        for url in requested
        if not url.startswith((live_server.url, "data:", "blob:")) and url not in refused
    ]
    assert sent_outside == []
