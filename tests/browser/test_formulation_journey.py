"""The whole formulation journey in a real browser (Shanghai measures Art. 9–12, 14):
staff drafts a quantitative target with Q1–Q4 node targets → the head submits → the general
office returns it with a comment → staff fixes it and the head resubmits → the office
negotiates, confirms on the city government's approval, and issues the task book → the
timeline shows every step."""

import re

import pytest
from playwright.sync_api import expect

from targets.models import Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _act(page, action, *, comment="", reference=""):
    form = page.locator(f"form[data-action={action}]")
    if reference:
        form.locator("input[name=approval_reference]").fill(reference)
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_formulation_journey(sign_in, staff_a, head_a, office, plan_year, dept_a):
    # 1. Staff drafts a quantitative target with four quarterly node targets.
    staff = sign_in("staff_a")
    expect(staff.locator(".whoami")).to_contain_text("张填报")
    staff.get_by_role("link", name="新建目标").click()
    staff.check("input[name=kind][value=quantitative]")
    staff.fill("#id_title", "全市研发经费投入强度达到4.2%")
    staff.fill("#id_content", "全社会研发经费支出占地区生产总值比重达到4.2%。")
    staff.fill("#id_measures", "落实研发费用加计扣除，支持企业研发机构建设。")
    staff.select_option("#id_aspect", label="1. 经济发展与结构调整")
    staff.fill("#id_weight", "2")
    staff.fill("#id_indicator", "研发经费投入强度")
    staff.fill("#id_unit", "%")
    staff.fill("#id_baseline", "4.0")
    staff.fill("#id_target_value", "4.1")
    staff.select_option("#id_direction", "higher")
    staff.select_option("#id_lead_department", str(dept_a.pk))
    for q in (1, 2, 3, 4):
        staff.fill(f"#id_q{q}-description", f"第{q}季度研发投入进度达到序时要求")
        staff.fill(f"#id_q{q}-expected_value", f"{4.0 + q * 0.025:.2f}")
    staff.get_by_role("button", name="保存草稿").click()
    expect(staff.locator(".messages")).to_contain_text("已保存为草稿")
    target = Target.objects.get()
    detail_url = f"/targets/{target.pk}/"
    expect(staff.locator(".page-head .badge")).to_have_text("拟定")
    expect(staff.locator("table").first).to_contain_text("Q4")
    for q in (1, 2, 3, 4):
        expect(staff.locator("body")).to_contain_text(f"第{q}季度研发投入进度达到序时要求")
    # Staff may not submit: no button.
    expect(staff.locator("form[data-action=submit]")).to_have_count(0)

    # 2. The head submits it from the list, ticking it.
    head = sign_in("head_a")
    head.check(f"input[name=ids][value='{target.pk}']")
    head.select_option("select[name=action]", "submit")
    head.get_by_role("button", name="执行").click()
    expect(head.locator(".messages")).to_contain_text("已对1个目标执行“报送”")

    # 3. The general office finds it in the review queue and returns it with a comment.
    desk = sign_in("office")
    desk.goto("/targets/review/")
    desk.get_by_role("link", name="全市研发经费投入强度达到4.2%").click()
    expect(desk.locator(".page-head .badge")).to_have_text("已报送")
    _act(desk, "return", comment="目标值偏低，请对标标题中的4.2%。")
    expect(desk.locator(".page-head .badge")).to_have_text("已退回")

    # 4. Staff read the comment, answer in the thread (htmx), fix the target.
    staff.goto(detail_url)
    expect(staff.locator("#thread")).to_contain_text("目标值偏低，请对标标题中的4.2%。")
    staff.locator("#thread button[type=submit]").click()
    expect(staff.locator("#thread .field-error")).to_have_text("请填写意见内容。")
    staff.fill("#thread textarea[name=body]", "已按意见将目标值调整为4.2%。")
    staff.locator("#thread button[type=submit]").click()
    expect(staff.locator("#thread .thread__list")).to_contain_text("已按意见将目标值调整为4.2%。")
    staff.get_by_role("link", name="修改").click()
    staff.fill("#id_target_value", "4.2")
    staff.get_by_role("button", name="保存草稿").click()
    expect(staff.locator(".messages")).to_contain_text("第2版")

    # ... and the head submits again, this time from the target's page.
    head.goto(detail_url)
    _act(head, "submit")
    expect(head.locator(".page-head .badge")).to_have_text("已报送")

    # 5. The office negotiates, confirms on the approval, and issues the task book.
    desk.goto(detail_url)
    _act(desk, "negotiate", comment="协商一致")
    expect(desk.locator(".page-head .badge")).to_have_text("已协商")
    _act(desk, "confirm", reference="市政府第15次常务会议")
    expect(desk.locator(".page-head .badge")).to_have_text("已确认")
    expect(desk.locator("body")).to_contain_text("市政府第15次常务会议")
    _act(desk, "start_execution")
    expect(desk.locator(".page-head .badge")).to_have_text("执行中")

    # 6. The timeline shows every step, and nobody can edit the content any more (Art. 12).
    staff.goto(detail_url)
    timeline = staff.locator("#timeline")
    for text in [
        "创建",
        "修改",
        "目标值",
        "报送",
        "退回修改",
        "目标值偏低，请对标标题中的4.2%。",
        "协商一致",
        "确认",
        "下达任务书",
        "执行中",
        "张填报",
        "李主任",
        "陈目标办",
    ]:
        expect(timeline).to_contain_text(text)
    expect(timeline.locator(".timeline__item--transition")).to_have_count(6)
    expect(staff.get_by_role("link", name="修改")).to_have_count(0)
    staff.goto(f"/targets/{target.pk}/edit/")
    expect(staff.locator("body")).to_contain_text("内容已锁定")
    expect(staff).to_have_url(re.compile(rf"/targets/{target.pk}/edit/$"))

    target.refresh_from_db()
    assert target.state == Target.State.EXECUTING
    assert target.version == 2
    assert target.approval_reference == "市政府第15次常务会议"
