"""The public pages under /gongkai/ (issue 21 item 2): no sign-in, only published records,
Chinese first with English available, nothing loaded from the internet, cached (item 6)."""

import re

import pytest
from django.urls import reverse

from portal import services as portal
from portal.models import PublicSummary

pytestmark = pytest.mark.django_db


def urls_of(target, year, dept):
    return [
        reverse("portal:index"),
        reverse("portal:year", args=[year]),
        reverse("portal:overview", args=[year]),
        reverse("portal:target", args=[target.pk]),
        reverse("portal:department", args=[dept.pk]),
    ]


def test_every_page_answers_without_sign_in(client, published_year, target, dept_a):
    for url in urls_of(target, 2027, dept_a):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "登录" not in response.content.decode()


def test_the_year_list_shows_the_published_target_and_not_the_draft(
    client, a_draft, published_year, target
):
    page = client.get(reverse("portal:year", args=[2027])).content.decode()
    assert target.title in page
    assert a_draft.title not in page


def test_a_drafts_id_answers_404(client, a_draft, published_year):
    assert client.get(reverse("portal:target", args=[a_draft.pk])).status_code == 404
    assert client.get(reverse("portal:api_target", args=[a_draft.pk])).status_code == 404
    assert client.get(reverse("portal:target_feed", args=[a_draft.pk])).status_code == 404


def test_an_unpublished_year_answers_404(client, target):
    assert client.get(reverse("portal:year", args=[2027])).status_code == 404
    assert client.get(reverse("portal:target", args=[target.pk])).status_code == 404


def test_search_and_filters(client, published_year, target, dept_a, dept_b):
    url = reverse("portal:year", args=[2027])
    assert target.title in client.get(url, {"q": "生产总值"}).content.decode()
    assert target.title not in client.get(url, {"q": "不存在的词"}).content.decode()
    assert target.title in client.get(url, {"department": dept_a.pk}).content.decode()
    assert target.title not in client.get(url, {"department": dept_b.pk}).content.decode()
    assert target.title in client.get(url, {"aspect": 1, "status": "executing"}).content.decode()
    assert target.title not in client.get(url, {"status": "completed"}).content.decode()


def test_english_is_available_and_chinese_is_the_default(client, published_year, target):
    url = reverse("portal:target", args=[target.pk])
    assert '<html lang="zh-Hans">' in client.get(url).content.decode()
    english = client.get(url, {"lang": "en"}).content.decode()
    assert '<html lang="en">' in english
    assert f'href="{url}"' in english  # the way back to Chinese


def test_no_page_loads_anything_from_the_internet(client, published_year, target, dept_a):
    for url in urls_of(target, 2027, dept_a):
        page = client.get(url).content.decode()
        assert not re.search(r'(src|href)="(https?:)?//', page), url


def test_a_department_narrative_shows_only_once_approved(
    client, published_year, dept_a, staff_a, office, django_capture_on_commit_callbacks
):
    summary = portal.public_summary_propose(
        department=dept_a, year=2027, quarter=1, text="一季度工作综述（待审核）", by=staff_a
    )
    url = reverse("portal:department", args=[dept_a.pk])
    assert "一季度工作综述" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        portal.public_summary_approve(summary=summary, by=office)
    assert PublicSummary.objects.get().state == "approved"
    assert "一季度工作综述" in client.get(url).content.decode()


def test_a_cached_page_runs_no_query_and_a_public_change_invalidates_it(
    client,
    published_year,
    target,
    office,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    url = reverse("portal:target", args=[target.pk])
    first = client.get(url).content
    with django_assert_num_queries(0):
        assert client.get(url).content == first
    with django_capture_on_commit_callbacks(execute=True):
        portal.target_withdraw(target=target, by=office, comment="口径调整")
    assert client.get(url).status_code == 404


def test_pages_refuse_posts(client, published_year, target):
    assert client.post(reverse("portal:target", args=[target.pk])).status_code == 405


def test_search_is_rate_limited_per_address(client, settings, published_year):
    settings.RATELIMIT_ENABLE = True
    settings.PORTAL_RATE_SEARCH = "2/m"
    url = reverse("portal:year", args=[2027])
    assert client.get(url, {"q": "一"}).status_code == 200
    assert client.get(url, {"q": "二"}).status_code == 200
    assert client.get(url, {"q": "三"}).status_code == 429
    # Browsing without a search is not counted.
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "四"}, REMOTE_ADDR="10.0.0.7").status_code == 200
