"""The year-end evaluation in a real browser (Shanghai Art. 23–25; Zhongshan Art. 19–25): a
rater (the vice-mayor, 市领导) fills and submits a sheet → the office locks and publishes →
the department reads its result, follows a number to the sheet behind it, and acknowledges the
office's improvement suggestions."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import EvaluationResult, Feedback, ScoreSheet
from tests.evaluation.conftest import make_scheme, rater_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_all_but_leaders(scheme, department):
    sheets = ScoreSheet.objects.filter(scheme=scheme, department=department).order_by(
        "-is_self", "pk"
    )
    for sheet in sheets:
        if sheet.body and sheet.body.kind == "leaders":
            continue
        entries = {
            leaf.pk: services.EntryInput(points=leaf.max_points)
            for leaf in services.sheet_leaves(sheet)
        }
        services.sheet_save(
            sheet=sheet,
            by=rater_for(sheet),
            entries=entries,
            summary="全年目标完成良好。" if sheet.is_self else None,
            submit=True,
        )


def test_evaluation_journey(sign_in, plan_year, dept_a, staff_a, office, vice_mayor, government):
    scheme = make_scheme("zhongshan_2012", year=plan_year, by=office, departments=[dept_a])
    services.scheme_open_scoring(scheme=scheme, by=office)
    _fill_all_but_leaders(scheme, dept_a)

    # 1. The vice-mayor finds the sheet waiting and scores 领导评价 9 of 10, saving a draft first.
    leader = sign_in("vm_a")
    leader.goto("/evaluation/")
    leader.locator("#my-sheets a").first.click()
    expect(leader.locator("h1")).to_contain_text("市领导")
    leader.get_by_label("领导评价").fill("12")
    leader.get_by_role("button", name="暂存草稿").click()
    expect(leader.locator(".form-errors")).to_contain_text("评分表未保存")
    expect(leader.locator(".field-error")).to_contain_text("得分须在0至10分之间")
    leader.get_by_label("领导评价").fill("9")
    leader.get_by_label("评分说明").fill("重点任务完成较好，个别节点略有滞后。")
    leader.get_by_role("button", name="暂存草稿").click()
    expect(leader.locator(".messages")).to_contain_text("已暂存为草稿")
    leader.get_by_role("button", name="提交评分").click()
    expect(leader.locator(".messages")).to_contain_text("评分表已提交")
    expect(leader.locator(".page-head .badge")).to_have_text("已提交")

    # 2. The office sees the collection complete, locks and publishes.
    desk = sign_in("office")
    desk.goto(f"/evaluation/schemes/{scheme.pk}/progress/")
    expect(desk.locator("h1 + p")).to_contain_text("已提交 13 / 13")
    desk.goto(f"/evaluation/schemes/{scheme.pk}/")
    desk.locator("form[data-action=lock] button").click()
    expect(desk.locator(".messages")).to_contain_text("评分已锁定")
    desk.locator("form[data-action=publish] button").click()
    expect(desk.locator(".messages")).to_contain_text("考评结果已发布")
    desk.get_by_role("link", name=dept_a.name).click()
    desk.fill("#id_suggestions", "建议加快重点任务节点推进。")
    desk.locator("form[data-action=feedback] button").click()
    expect(desk.locator(".messages")).to_contain_text("改进建议已反馈")

    # 3. The department reads its result and follows 领导评价's 9.00 to the sheet behind it.
    staff = sign_in("staff_a")
    staff.goto("/evaluation/")
    staff.locator("#my-results a").first.click()
    expect(staff.locator("#final-score")).to_have_text("99.00")
    staff.locator("a.score-link[data-indicator='领导评价']").click()
    expect(staff.locator("h1")).to_contain_text("市领导")
    expect(staff.locator("#sheet-form")).to_contain_text("重点任务完成较好")
    expect(staff.locator("#sheet-form")).to_contain_text("9.00")
    staff.go_back()

    # 4. … and acknowledges the feedback.
    expect(staff.locator("#feedback")).to_contain_text("建议加快重点任务节点推进。")
    staff.locator("form[data-action=acknowledge] button").click()
    expect(staff.locator(".messages")).to_contain_text("已签收改进建议")
    expect(staff.locator("#feedback .badge")).to_have_text("已签收")

    result = EvaluationResult.objects.get(scheme=scheme, department=dept_a)
    assert result.final_score == Decimal("99.00")
    assert Feedback.objects.get().acknowledged_by == staff_a
