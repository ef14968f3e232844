"""A self-evaluation report published for comment, in a real browser (002 七.3; issue 21 item
4): the office approves department A's report with a comment period → a visitor on a phone
comments → the office publishes the comment on the moderation page → the department answers →
the visitor reads the answer. The public pages have no serious or critical axe-core violation,
fit a phone's width and load nothing from the internet."""

import datetime

import pytest
from playwright.sync_api import expect

from execution import clock
from portal.models import PublicComment, PublicReport
from tests.portal.test_self_evaluation_comments import self_sheet  # noqa: F401 (fixture)

from . import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date(2027, 4, 5)


@pytest.fixture
def on_5_april_2027(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with clock.frozen(TODAY):
        yield TODAY


def test_self_evaluation_comment_journey(
    browser,
    live_server,
    sign_in,
    on_5_april_2027,
    self_sheet,  # noqa: F811
    office,
    staff_a,
):
    # 1. The office approves the report with a comment period.
    desk = sign_in("office", to_list=False)
    desk.goto("/gongkai/manage/")
    desk.get_by_role("link", name="自评报告公示").click()
    desk.get_by_label("评议开始日期").fill("2027-04-01")
    desk.get_by_label("评议截止日期").fill("2027-04-30")
    desk.get_by_role("button", name="批准公示").click()
    expect(desk.locator(".messages")).to_contain_text("已批准公示")
    report = PublicReport.objects.get()

    # 2. A visitor on a phone finds the report and comments.
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 375, "height": 812}
    )
    axe.install(context)
    outside = []
    context.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    visitor = context.new_page()
    visitor.goto("/gongkai/")
    visitor.get_by_role("link", name="2027年度部门自评报告").click()
    visitor.get_by_role("link", name="市发展改革委").click()
    expect(visitor.locator("#report-summary")).to_contain_text("重大项目按节点推进")
    found = {}
    for url in (
        "/gongkai/",
        "/gongkai/2027/reports/",
        f"/gongkai/reports/{report.pk}/",
        f"/gongkai/reports/{report.pk}/?lang=en",
    ):
        visitor.goto(url)
        violations = axe.violations(visitor)
        if violations:
            found[url] = violations
        assert visitor.evaluate("document.documentElement.scrollWidth") <= 375, url
    assert found == {}
    visitor.goto(f"/gongkai/reports/{report.pk}/")
    visitor.get_by_label("评议内容").fill("建议列明整改措施和完成时限。")
    visitor.get_by_role("button", name="提交评议").click()
    expect(visitor.locator("h1")).to_contain_text("评议已提交")

    # 3. The office publishes it on the moderation page.
    desk.goto("/gongkai/manage/comments/")
    expect(desk.locator("#moderation-list")).to_contain_text("建议列明整改措施和完成时限。")
    desk.get_by_role("button", name="公开评议").click()
    expect(desk.locator(".messages")).to_contain_text("评议已公开")

    # 4. The department answers it in public.
    department = sign_in("staff_a", to_list=False)
    department.goto("/gongkai/manage/reports/")
    department.get_by_label("公开答复（公开后不能修改）").fill("已列入整改清单，6月底前完成。")
    department.get_by_role("button", name="公开答复").click()
    expect(department.locator(".messages")).to_contain_text("答复已公开")
    assert PublicComment.objects.get().answer == "已列入整改清单，6月底前完成。"

    # 5. The visitor reads the comment and the answer.
    visitor.goto(f"/gongkai/reports/{report.pk}/")
    expect(visitor.locator("#comments")).to_contain_text("建议列明整改措施和完成时限。")
    expect(visitor.locator("#comments")).to_contain_text("已列入整改清单，6月底前完成。")
    assert outside == []
    context.close()
