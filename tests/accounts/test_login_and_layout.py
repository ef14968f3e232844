"""The login page and the frame every page shares: Chinese by default, the user's name and
role in the header, a language switch and logout by POST, assets from our own static files."""

import pytest
from django.urls import reverse

LOGIN = reverse("accounts:login")


def test_login_page_in_chinese_with_error_message(client, staff_a):
    html = client.get(LOGIN).content.decode()
    assert "登录目标管理系统" in html and "用户名" in html and "密码" in html
    response = client.post(LOGIN, {"username": "staff_a", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_login_then_lands_on_home(client, staff_a, plan_year):
    response = client.post(LOGIN, {"username": "staff_a", "password": "pass-1234"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize(
    "who, page",
    [
        # Issue 6: each reader lands on the page they open first.
        ("staff_a", "dashboards:department"),
        ("head_a", "dashboards:department"),
        ("office", "dashboards:office"),
        ("vice_mayor", "dashboards:leader"),
        ("auditor", "targets:target_list"),
        ("outsider", "targets:target_list"),
    ],
)
def test_home_redirects_each_role_to_its_page(login, request, who, page, plan_year):
    response = login(request.getfixturevalue(who)).get("/")
    assert response["Location"] == reverse(page)


def test_header_shows_user_role_language_switch_and_logout(login, staff_a, plan_year):
    html = login(staff_a).get(reverse("targets:target_list")).content.decode()
    assert "目标管理系统" in html
    assert "张填报" in html and "发改委 · 部门填报员" in html
    assert f'action="{reverse("set_language")}"' in html
    assert f'action="{reverse("accounts:logout")}" method="post"' in html


def test_no_asset_from_outside(login, staff_a, plan_year):
    """Government intranets have no internet: every script and stylesheet is ours."""
    html = login(staff_a).get(reverse("targets:target_list")).content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert "/static/css/mubiao.css" in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html and "//cdn" not in html


def test_english_switch_sets_html_lang(login, staff_a, plan_year):
    client = login(staff_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/targets/"})
    html = client.get(reverse("targets:target_list")).content.decode()
    assert '<html lang="en">' in html
