"""Issue 11, item 1: editing one field of a target in a real browser leaves its node targets'
custom due dates as they were, and the history records only the field that changed (Art. 14:
the trail must not show changes nobody made)."""

import datetime

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent
from targets import services
from targets.models import Milestone
from tests.conftest import quantitative_input

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DUE = {
    1: datetime.date(2027, 2, 15),
    2: datetime.date(2027, 5, 20),
    3: datetime.date(2027, 8, 31),
    4: datetime.date(2027, 11, 30),
}


def test_editing_the_title_keeps_custom_due_dates(sign_in, staff_a, plan_year, aspect, dept_a):
    target = services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=quantitative_input(
            aspect,
            dept_a,
            milestones=[
                services.MilestoneInput(quarter=q, description=f"第{q}季度节点", due_date=d)
                for q, d in DUE.items()
            ],
        ),
    )
    page = sign_in("staff_a")
    page.goto(f"/targets/{target.pk}/edit/")
    # What the person sees in the date inputs is the stored date, not an empty box.
    for quarter, due in DUE.items():
        expect(page.locator(f"#id_q{quarter}-due_date")).to_have_value(due.isoformat())
    page.fill("#id_title", "全市地区生产总值增长6.6%")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("第2版")

    stored = dict(Milestone.objects.filter(target=target).values_list("quarter", "due_date"))
    assert stored == DUE
    update = AuditEvent.objects.for_object(target).with_action(target, "update").get()
    assert set(update.changes) == {"title"}
