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
