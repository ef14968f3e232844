"""The leader's journey in a real browser (Shanghai Art. 17; issue 6): vm_wang signs in and
lands on his dashboard, the chart renders (a canvas, no console error), he opens a red target,
reads his department's quarterly report and writes an instruction (批示); the department finds
it on its home page. Every page is also shot at phone width (build/screenshots/, not committed)."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from accounts.models import LeaderPortfolio
from execution import clock
from execution.models import QuarterlyReport
from execution.services import quarterly as q
from tests.conftest import Role, make_user
from tests.dashboards.conftest import Q1, Q2, make_target, milestone, progress, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(django_settings.BASE_DIR) / "build" / "screenshots"
PHONE = {"width": 390, "height": 844}


def at_phone_width(page, name: str) -> None:
    """Narrow the page to a phone's width, wait until the layout (the charts redraw on the
    resize) fits it, then keep a full-page screenshot; nothing may be wider than the screen."""
    page.set_viewport_size(PHONE)
    page.wait_for_function(
        f"document.documentElement.scrollWidth <= {PHONE['width'] + 1}", timeout=5000
    )
    page.screenshot(path=str(SHOTS / name), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    # The header takes one row: its entries fold behind 菜单 (issue 19 item 9).
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 100, header
    expect(page.locator(".site-nav")).to_be_hidden()
    toggle = page.get_by_role("button", name="菜单")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".site-nav a").first).to_be_visible()
    # Each header entry stays on one line (squeezed, 目标清单 became a tower of characters).
    tallest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.site-nav a')]"
        ".map(a => a.getBoundingClientRect().height))"
    )
    assert 0 < tallest < 40, tallest
    toggle.click()
    expect(page.locator(".site-nav")).to_be_hidden()


def test_vice_mayor_reads_and_instructs(
    sign_in, plan_year, dept_a, staff_a, head_a, office, government
):
    plan_year.status = "executing"
    plan_year.save(update_fields=["status"])
    vm = make_user("vm_wang", department=government, role=Role.LEADER, display_name="王建国")
    LeaderPortfolio.objects.create(leader=vm, department=dept_a)
    red = make_target(plan_year, "A1", dept_a, 1, staff_a)
    green = make_target(plan_year, "A2", dept_a, 2, staff_a)
    for t, levels in ((red, ("yellow", "red")), (green, ("green", "green"))):
        snapshot(t, Q1, levels[0])
        snapshot(t, Q2, levels[1], reason="进度明显滞后" if levels[1] == "red" else "")
        milestone(t, "achieved" if t is green else "missed")
        progress(t, dept_a, "verified", by=staff_a)
    with clock.frozen(datetime.date(2027, 7, 20)):
        q.quarterly_draft(plan_year=plan_year, quarter=2, by=office)
        report = QuarterlyReport.objects.get()
        q.quarterly_report_update(
            report=report,
            by=staff_a,
            summary="二季度总体平稳。",
            narratives={red.pk: "原材料涨价，已调整施工计划。"},
        )
        q.quarterly_report_submit(report=report, by=head_a)
        q.quarterly_report_forward(report=report, by=office)
    SHOTS.mkdir(parents=True, exist_ok=True)

    with clock.frozen(datetime.date(2027, 7, 20)):
        page = sign_in("vm_wang", to_list=False)
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.reload()
        expect(page).to_have_url(f"{page.url.split('/dashboard/')[0]}/dashboard/")
        expect(page.locator("h1")).to_have_text("领导驾驶舱")
        expect(page.locator("#chart-departments canvas")).to_have_count(1)
        expect(page.locator("#chart-trend canvas")).to_have_count(1)
        # In July the dashboard opens on Q3 (issue 16 item 2: the quarter containing today);
        # the vice-mayor looks back at Q2, the last quarter with figures.
        page.goto("/dashboard/?quarter=2")
        expect(page.locator("#chart-departments canvas")).to_have_count(1)
        # The numbers are also in the table under the chart.
        row = page.locator("#departments-table tbody tr").first
        expect(row).to_contain_text("市发展改革委")
        expect(row).to_contain_text("50%")
        assert errors == []
        at_phone_width(page, "leader-dashboard-phone.png")
        page.set_viewport_size({"width": 1280, "height": 900})

        # A red target, one click away.
        page.locator("#red-list").get_by_role("link", name="A1 目标A1").click()
        expect(page).to_have_url(f"{page.url.split('/targets/')[0]}/targets/{red.pk}/")
        page.go_back()

        # The quarterly report awaiting reading; he writes an instruction.
        page.locator("#reports-to-read").get_by_role("link").first.click()
        expect(page.locator("h1")).to_contain_text("第2季度目标执行情况报告")
        expect(page.locator("tr[data-level=red]")).to_contain_text("原材料涨价")
        page.fill("#instruction-body", "请月底前报告A1整改进展。")
        page.get_by_role("button", name="作出批示").click()
        expect(page.locator(".messages")).to_contain_text("批示已发送给部门")
        expect(page.locator(".page-head [data-state]")).to_have_text("市领导已阅")
        at_phone_width(page, "quarterly-report-phone.png")
        # On a phone each target is a card: its name, problems and narrative side by side with
        # their labels, not a table to scroll sideways.
        card = page.locator("tr[data-level=red]")
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        narrative = card.locator("td[data-label=情况说明]")
        expect(narrative).to_be_visible()
        assert narrative.evaluate("td => getComputedStyle(td).display") == "grid"
        page.set_viewport_size({"width": 1280, "height": 900})

        # The department sees it on its home page.
        dept = sign_in("staff_a", to_list=False)
        expect(dept.locator("h1")).to_have_text("部门工作台")
        expect(dept.locator("#instructions")).to_contain_text("请月底前报告A1整改进展")
        at_phone_width(dept, "department-home-phone.png")

        desk = sign_in("office", to_list=False)
        expect(desk.locator("h1")).to_have_text("目标办总览")
        expect(desk.locator("#chart-aspects canvas")).to_have_count(1)
        at_phone_width(desk, "office-overview-phone.png")
