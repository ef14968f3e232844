"""Markup that assistive technology relies on (issue 11, item 7): every ``aria-describedby``
points at an element that exists, ids are unique, and messages are not list items outside a
list (axe: ``aria-valid-attr-value``, ``duplicate-id``, ``listitem``)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.targets.conftest import form_data


class Markup(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.ids, self.described_by, self.stack, self.orphan_items = [], [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described_by += attrs["aria-describedby"].split()
        if tag == "li":
            parent = self.stack[-1] if self.stack else (None, {})
            if parent[0] not in ("ul", "ol", "menu") or parent[1].get("role") not in (
                None,
                "list",
            ):
                self.orphan_items.append(parent)
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def check(html):
    page = Markup(html)
    missing = [i for i in page.described_by if i not in page.ids]
    assert missing == [], f"aria-describedby points at no element: {missing}"
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert duplicates == set()
    assert page.orphan_items == []
    return page


def test_create_form_with_errors_describes_each_field_by_its_error(login, staff_a, aspect, dept_a):
    data = form_data(
        aspect,
        dept_a,
        title="",
        weight="abc",
        **{"q1-due_date": "2026-01-01", "q2-expected_value": "x"},
        **{"departments-0-task": "没有部门的一行"},
    )
    response = login(staff_a).post(reverse("targets:target_create"), data)
    assert response.status_code == 400
    page = check(response.content.decode())
    assert {"id_weight_error", "id_q2-expected_value_error"} <= set(page.described_by)


@pytest.mark.parametrize("fixture", ["draft", "returned"])
def test_edit_form_markup(login, staff_a, fixture, request):
    target = request.getfixturevalue(fixture)
    check(login(staff_a).get(reverse("targets:target_edit", args=[target.pk])).content.decode())


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "negotiated"])
@pytest.mark.parametrize("persona", ["office", "staff_a", "head_a", "auditor"])
def test_detail_page_markup(login, state, persona, request):
    target = request.getfixturevalue(state)
    client = login(request.getfixturevalue(persona))
    response = client.get(reverse("targets:target_detail", args=[target.pk]))
    if response.status_code == 200:
        check(response.content.decode())


def test_messages_are_a_status_region_not_stray_list_items(login, head_a, draft):
    client = login(head_a)
    response = client.post(
        reverse("targets:target_transition", args=[draft.pk, "submit"]), follow=True
    )
    html = response.content.decode()
    assert 'role="status"' in html and "当前状态：已报送" in html
    check(html)
