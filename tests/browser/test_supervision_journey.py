"""The supervision journey in a real browser (Shanghai Art. 18; efficiency opinions 六.1, 保障措施):
the supervisor issues a key order (重点督办, red) on a lagging target → the department replies with
a file → the supervisor sends it back → the department replies again → the order is closed; a
finding about the same target goes from open to verified. (The red early-warning list arrives
with the execution stage; the order is issued from the target's page.)"""

import pytest
from playwright.sync_api import expect

from supervision.models import Finding, SupervisionOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def test_supervision_journey(sign_in, supervisor, staff_a, executing, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    evidence = tmp_path / "赶超措施.pdf"
    evidence.write_bytes(PDF)
    target_url = f"/targets/{executing.pk}/"

    # 1. The supervisor issues a key order from the target's page.
    desk = sign_in("supervisor")
    desk.goto(target_url)
    desk.locator("#supervision").get_by_role("link", name="下发督办单").click()
    expect(desk.locator("#id_targets")).to_have_value(executing.code)
    # Issue 19 item 8: a field reached with the keyboard is never under the sticky action bar.
    desk.set_viewport_size({"width": 1280, "height": 600})
    for field in ("#id_requirement", "#id_days", "#id_responsible_leader"):
        desk.locator(field).focus()
        box = desk.locator(field).bounding_box()
        bar = desk.locator(".form-actions").bounding_box()
        assert box["y"] + box["height"] <= bar["y"] + 1, (field, box, bar)
    desk.set_viewport_size({"width": 1280, "height": 900})
    desk.check("input[name=kind][value=key]")
    desk.fill("#id_requirement", "进度滞后，请于10日内报送原因和赶超措施。")
    desk.fill("#id_days", "10")
    desk.get_by_role("button", name="下发").click()
    expect(desk.locator(".messages")).to_contain_text("已下发")
    expect(desk.locator("#order-state")).to_have_text("已下发")
    expect(desk.locator(".page-head .order-kind--red")).to_have_text("重点督办")
    order = SupervisionOrder.objects.get()
    order_url = f"/supervision/orders/{order.pk}/"

    # 2. The department finds it on its supervision home and replies with a file.
    dept = sign_in("staff_a")
    dept.get_by_role("link", name="督查").click()
    dept.locator("#orders-to-answer").get_by_role("link", name=order.title).click()
    dept.fill("#id_body", "已分析滞后原因，制定赶超措施。")
    dept.set_input_files("#id_evidence", str(evidence))
    dept.get_by_role("button", name="提交答复").click()
    expect(dept.locator("#order-state")).to_have_text("已答复")
    expect(dept.locator("#replies")).to_contain_text("赶超措施.pdf")

    # 3. The supervisor sends it back for more.
    desk.goto(order_url)
    desk.locator("form[data-action=send_back] textarea").fill("措施缺少时间表，请补充。")
    desk.locator("form[data-action=send_back] button").click()
    expect(desk.locator("#order-state")).to_have_text("退回重办")

    # 4. The department replies again.
    dept.goto(order_url)
    expect(dept.locator("#timeline")).to_contain_text("措施缺少时间表，请补充。")
    dept.fill("#id_body", "补充时间表：6月底前全部完成。")
    dept.get_by_role("button", name="提交答复").click()
    expect(dept.locator("#order-state")).to_have_text("已答复")

    # 5. The supervisor closes it; the target's timeline shows every step.
    desk.goto(order_url)
    desk.locator("form[data-action=close] button").click()
    expect(desk.locator("#order-state")).to_have_text("已办结")
    desk.goto(target_url)
    timeline = desk.locator("#timeline")
    for text in ["答复", "退回重办", "办结", order.code]:
        expect(timeline).to_contain_text(text)

    # 6. A finding about the target: open → plan filed → rectified → verified.
    desk.locator("#supervision").get_by_role("link", name="登记问题").click()
    desk.fill("#id_title", "项目台账不完整")
    desk.fill("#id_description", "部分节点缺少佐证材料。")
    desk.fill("#id_days", "15")
    desk.get_by_role("button", name="登记").click()
    expect(desk.locator("#finding-state")).to_have_text("待整改")
    finding_url = desk.url

    dept.goto(finding_url)
    dept.fill("#id_plan-body", "两周内补齐台账，明确专人负责。")
    dept.get_by_role("button", name="报送整改方案").last.click()
    expect(dept.locator("#finding-state")).to_have_text("已报整改方案")
    dept.fill("#id_report-body", "台账已补齐。")
    dept.set_input_files("#id_report-evidence", str(evidence))
    dept.get_by_role("button", name="报送整改情况").last.click()
    expect(dept.locator("#finding-state")).to_have_text("已报整改情况")

    desk.goto(finding_url)
    desk.fill("#id_verify-comment", "复查属实，予以销号。")
    desk.get_by_role("button", name="验收通过").click()
    expect(desk.locator("#finding-state")).to_have_text("已销号")

    order.refresh_from_db()
    assert (order.state, order.round, order.replies.count()) == ("closed", 2, 2)
    assert Finding.objects.get().state == Finding.State.VERIFIED
