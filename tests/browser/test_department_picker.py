"""Department pickers for a city of 68 departments (issue 19 item 7), in a real browser: the
supervisor types part of a name to filter the order form's 承办部门, chooses two with the keyboard
alone and issues the order (Shanghai Art. 18: an order names the departments that handle it);
the target list's 牵头部门 filter is searchable the same way. The comboboxes carry the field's
name for screen readers, and the page loads no script from outside our static files."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Department
from supervision.models import SupervisionOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city_departments(db):
    return Department.objects.bulk_create(
        Department(code=f"d{i:02d}", name=f"市第{i:02d}局", sort_order=100 + i) for i in range(66)
    ) + [
        Department.objects.create(code="ghj", name="市规划和自然资源局", sort_order=300),
        Department.objects.create(code="ghb", name="市规划编制研究中心", sort_order=301),
    ]


def test_order_form_department_picker_filters_by_typing_and_selects(
    sign_in, supervisor, executing, city_departments
):
    page = sign_in("supervisor")
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(page.url[:22]) else None,
    )
    page.goto(f"/supervision/orders/new/?target={executing.pk}")
    picker = page.get_by_role("combobox", name="承办部门")
    expect(picker).to_be_visible()
    # No checkbox wall: the departments are one select, enhanced.
    expect(page.locator("input[type=checkbox][name=departments]")).to_have_count(0)

    picker.focus()  # reached with the keyboard alone
    page.keyboard.type("规划")
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text("市规划和自然资源局")
    page.keyboard.press("Enter")
    page.keyboard.type("编制")
    expect(options).to_have_count(1)
    page.keyboard.press("Enter")
    page.keyboard.type("没有这个部门")
    expect(page.locator(".ts-dropdown .no-results")).to_have_text("没有匹配的部门")
    for _ in range(len("没有这个部门")):
        page.keyboard.press("Backspace")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # on to the next field: the list closes
    expect(page.locator("#id_departments-ts-dropdown")).to_be_hidden()
    page.screenshot(path="build/screenshots/department-picker.png", full_page=True)
    items = page.locator("#field-departments .ts-control .item")
    # The target's lead department comes pre-filled; two more were chosen.
    expect(items).to_have_count(3)

    page.check("input[name=kind][value=key]")
    page.fill("#id_requirement", "请于10日内报送赶超措施。")
    page.fill("#id_days", "10")
    page.locator("#id_days").press("Enter")  # the keyboard submits the form too
    page.wait_for_url(re.compile(r"/supervision/orders/\d+/$"), timeout=30_000)
    expect(page.locator(".messages")).to_contain_text("已下发")
    order = SupervisionOrder.objects.get()
    names = set(order.addressees.values_list("department__name", flat=True))
    assert {"市规划和自然资源局", "市规划编制研究中心"} <= names
    assert outside == []


def test_target_list_lead_department_filter_is_searchable(
    sign_in, office, executing, city_departments
):
    page = sign_in("office")
    page.goto(f"/targets/?year={executing.plan_year.year}")
    picker = page.get_by_role("combobox", name="牵头部门")
    picker.focus()
    page.keyboard.type("自然资源")
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(1)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="筛选").click()
    ghj = next(d for d in city_departments if d.code == "ghj")
    page.wait_for_url(re.compile(rf"lead_department={ghj.pk}(&|$)"), timeout=30_000)
    expect(page.locator(".empty")).to_contain_text("没有符合筛选条件的目标")
