"""The progress journey in a real browser (Shanghai Art. 14): department staff file the Q1
report with an evidence file → the head submits it → the general office verifies it at a
different value with a reason → the target page shows the reported and verified values side by
side and the early-warning level."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from execution import clock
from execution.models import ProgressReport
from targets.models import PlanYear

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def on_5_april_2027(executing, plan_year, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)
    # The live server runs in another thread: the execution clock is process-wide.
    with clock.frozen(datetime.date(2027, 4, 5)):
        yield executing


def test_progress_journey(sign_in, on_5_april_2027, staff_a, head_a, office):
    target = on_5_april_2027
    detail_url = f"/targets/{target.pk}/"

    # 1. Staff open the target and file the Q1 report with a PDF.
    staff = sign_in("staff_a")
    staff.goto(detail_url)
    expect(staff.locator("#progress")).to_contain_text("还没有进展报告")
    staff.get_by_role("link", name="填报2027年第1季度进展").click()
    staff.fill("#id_actual_value", "6.1")
    staff.fill("#id_narrative", "一季度地区生产总值增长6.1%，重大项目开工18个。")
    staff.fill("#id_problems", "外需偏弱。")
    staff.set_input_files(
        "#id_files",
        files=[{"name": "一季度进展.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    staff.get_by_role("button", name="保存").click()
    expect(staff.locator(".messages")).to_contain_text("进展报告已保存")
    expect(staff.locator("body")).to_contain_text("一季度进展.pdf")
    expect(staff.locator("form[data-action=submit]")).to_have_count(0)
    report = ProgressReport.objects.get()

    # 2. The head submits it.
    head = sign_in("head_a")
    head.goto(f"/execution/reports/{report.pk}/")
    head.locator("form[data-action=submit] button[type=submit]").click()
    expect(head.locator(".messages")).to_contain_text("已报送")
    expect(head.locator(".page-head")).to_contain_text("已报送")

    # 3. The office verifies it at a different value; it first forgets the reason (issue 16
    #    item 1): the form comes back with its own 6.0 and 80, the error at the reason field.
    desk = sign_in("office")
    desk.goto(detail_url)
    desk.locator(f"tr[data-report='{report.pk}']").get_by_role("link", name="办理").click()
    form = desk.locator("form[data-action=verify]")
    form.locator("input[name=verified_value]").fill("6.0")
    form.locator("input[name=verified_percent]").fill("80")
    form.locator("button[type=submit]").click()
    form = desk.locator("form[data-action=verify]")
    expect(form.locator("input[name=verified_value]")).to_have_value("6.0")
    expect(form.locator("input[name=verified_percent]")).to_have_value("80")
    reason = form.locator("textarea[name=reason]")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#id_reason-error")).to_contain_text("须写明调整理由")
    assert ProgressReport.objects.get().state == "submitted"
    reason.fill("以市统计局一季度快报数6.0%为准。")
    form.locator("button[type=submit]").click()
    expect(desk.locator(".messages")).to_contain_text("已审核")
    report.refresh_from_db()
    assert (report.verified_value, report.verified_percent) == (Decimal("6.0"), Decimal("80"))

    # 4. The target page shows both values side by side, the reason and the warning level.
    desk.goto(detail_url)
    row = desk.locator(f"tr[data-report='{report.pk}']")
    expect(row.locator("[data-value=reported]")).to_have_text("6.1 %")
    expect(row.locator("[data-value=verified]")).to_have_text("6 %")
    expect(row).to_contain_text("以市统计局一季度快报数6.0%为准。")
    expect(row).to_contain_text("一季度进展.pdf")
    badge = desk.locator("#progress [data-warning-level]")
    expect(badge).to_have_count(1)
    expect(badge).to_contain_text("预警")
    expect(desk.locator("#progress svg rect.trend__bar")).to_have_count(1)
    # The verification is on the target's timeline (Art. 14).
    expect(desk.locator("#timeline")).to_contain_text("以市统计局一季度快报数6.0%为准。")
    # Phone width: the page still shows the values.
    desk.set_viewport_size({"width": 390, "height": 844})
    expect(row.locator("[data-value=verified]")).to_be_visible()
