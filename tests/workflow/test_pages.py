"""The pages' one error path (issue 15 item 4): what a service refuses is rendered the same way
on every page, as ``workflow.api.exception_handler`` does for the API."""

import pytest
from django.contrib.messages import get_messages

pytestmark = [pytest.mark.urls("tests.workflow.urls"), pytest.mark.django_db]


@pytest.fixture
def signed_in(client, staff_a):
    client.force_login(staff_a)
    return client


def test_not_permitted_is_the_403_page_with_the_reason(signed_in):
    response = signed_in.get("/t/refuses/")
    assert response.status_code == 403
    assert "您无权查看该目标。" in response.content.decode()


def test_not_found_for_user_is_the_404_page(signed_in):
    response = signed_in.get("/t/hides/")
    assert response.status_code == 404
    assert "不存在，或您无权查看" in response.content.decode()


def test_a_conflict_on_an_action_is_a_message_and_the_way_back(signed_in):
    response = signed_in.post("/t/raced/")
    assert (response.status_code, response.url) == (302, "/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "目标已被他人处理，请刷新后查看。"
    ]


def test_a_conflict_goes_back_to_the_referring_page_of_this_site(signed_in):
    response = signed_in.post("/t/raced-nowhere/", HTTP_REFERER="http://testserver/targets/")
    assert (response.status_code, response.url) == (302, "http://testserver/targets/")


def test_a_referer_of_another_site_is_not_followed(signed_in):
    """No open redirect: with nowhere safe to go back to, the error page says it with 409."""
    response = signed_in.post("/t/raced-nowhere/", HTTP_REFERER="https://evil.example/")
    assert response.status_code == 409
    assert "目标已被他人处理" in response.content.decode()


def test_htmx_gets_the_message_as_a_fragment_with_the_status(signed_in):
    response = signed_in.post("/t/raced-nowhere/", HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_form_errors_are_bound_to_their_fields(signed_in):
    response = signed_in.post("/t/validates/", {"name": "x"})
    assert response.status_code == 400
    assert response.json() == {"name": ["请填写名称。"]}


# --- the public site's variant (portal) --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "html"),
    [
        (
            "/t/public/refused/",
            400,
            "<h1>未能提交</h1><p>未提交，请更正标出的问题。 请填写内容。</p>",
        ),
        ("/t/public/refused-briefly/", 400, "<h1>未能订阅</h1><p>请填写有效的电子邮箱。</p>"),
        ("/t/public/link-gone/", 404, "<h1>链接无效</h1><p>链接无效或订阅已删除。</p>"),
        ("/t/public/raced/", 409, "<h1>未能提交</h1><p>评议期已结束。</p>"),
    ],
)
def test_a_refused_public_action_is_the_sites_own_page_with_the_message(client, url, status, html):
    """No one is signed in and nothing is carried back: the site's page says why, with the
    error's status (or the one the site names)."""
    response = client.post(url)
    assert (response.status_code, response.content.decode()) == (status, html)


def test_the_state_a_list_asks_for():
    from django.db import models
    from django.test import RequestFactory

    from workflow.pages import requested_state

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        PUBLISHED = "published", "已公开"
        WITHHELD = "withheld", "不予公开"

    def asked(query, **options):
        request = RequestFactory().get("/", query)
        return requested_state(request, State, default="pending", **options)

    assert asked({}) == "pending"
    assert asked({"state": "withheld"}) == "withheld"
    # A list with an "all" tab gets the value back (and shows every state for it)...
    assert asked({"state": "all"}) == "all"
    # ...a list without one falls back to what it names.
    assert asked({"state": "bogus"}, unknown="pending") == "pending"
    assert asked({"state": "published"}, unknown="pending") == "published"
