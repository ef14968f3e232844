"""The targets list page (目标清单): what each persona sees, filters, bulk actions, and a fixed
number of SQL queries whatever the number of targets."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from targets import services
from targets.models import Target
from tests.conftest import qualitative_input, quantitative_input

LIST = reverse("targets:target_list")
BULK = reverse("targets:bulk_transition")


def test_staff_of_other_department_cannot_see_draft(login, staff_b, draft):
    """Art. 9: a draft is the department's own until it is submitted — B's staff get neither the
    row in the list nor the page (404, never another department's data)."""
    client = login(staff_b)
    page = client.get(LIST)
    assert page.status_code == 200
    assert draft.code not in page.content.decode()
    assert client.get(reverse("targets:target_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("targets:target_edit", args=[draft.pk])).status_code == 404


def test_staff_sees_own_department_targets_with_columns(login, staff_a, draft):
    html = login(staff_a).get(LIST).content.decode()
    assert draft.code in html
    assert draft.title in html
    assert "经济发展与结构调整" in html  # aspect
    assert "发改委" in html  # lead department
    assert "定量目标" in html
    assert 'class="badge badge--draft"' in html
    assert '<html lang="zh-hans">' in html


def test_list_shows_empty_state(login, staff_b, plan_year):
    html = login(staff_b).get(LIST).content.decode()
    assert "本年度还没有您可以查看的目标。" in html


def test_list_filters_by_state_and_keyword(login, office, plan_year, aspect, dept_a, staff_a):
    first = services.target_create(
        by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a)
    )
    second = services.target_create(
        by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a)
    )
    client = login(office)
    html = client.get(LIST, {"q": "营商环境"}).content.decode()
    assert second.code in html and first.code not in html
    html = client.get(LIST, {"state": "submitted"}).content.decode()
    assert first.code not in html and second.code not in html
    assert "没有符合筛选条件的目标。" in html


def test_new_target_button_only_for_department_members(login, staff_a, auditor, office, plan_year):
    """Art. 9: departments draft their own targets; the general office drafts city targets."""
    assert "新建目标</a>" in login(staff_a).get(LIST).content.decode()
    html = login(office).get(LIST).content.decode()
    assert "新建市政府总体目标" in html
    assert "新建目标</a>" not in html
    html = login(auditor).get(LIST).content.decode()
    assert "新建" not in html


def test_bulk_bar_shown_only_to_those_permitted(login, staff_a, head_a, auditor, draft):
    """Art. 10: only the department head submits; staff and auditors get no checkboxes."""
    assert 'name="ids"' not in login(staff_a).get(LIST).content.decode()
    assert 'name="ids"' not in login(auditor).get(LIST).content.decode()
    html = login(head_a).get(LIST).content.decode()
    assert f'name="ids" value="{draft.pk}"' in html
    assert 'value="submit"' in html


def test_head_submits_selected_drafts(login, head_a, plan_year, aspect, dept_a, staff_a):
    """Art. 10: the head signs off the department's drafts, many at once."""
    targets = [
        services.target_create(
            by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a)
        )
        for _ in range(3)
    ]
    response = login(head_a).post(
        BULK, {"action": "submit", "ids": [t.pk for t in targets], "next": LIST}, follow=True
    )
    assert "已对3个目标执行“报送”。" in response.content.decode()
    assert set(Target.objects.values_list("state", flat=True)) == {"submitted"}


def test_staff_cannot_bulk_submit(login, staff_a, draft):
    """Art. 10, 15: only the head (第一责任人) submits — staff (offered no bulk bar) are refused
    with the 403 page saying why, as for one target (issue 15: one page error path); the state
    is unchanged and nothing is recorded."""
    before = AuditEvent.objects.count()
    response = login(staff_a).post(BULK, {"action": "submit", "ids": [draft.pk]})
    assert response.status_code == 403
    assert f"您无权对目标“{draft.code}”执行此操作。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == Target.State.DRAFT
    assert AuditEvent.objects.count() == before


def test_bulk_is_all_or_nothing(
    login, head_a, draft, submitted, plan_year, aspect, dept_a, staff_a
):
    """One target that cannot move stops the whole batch: nothing is half-done."""
    other = services.target_create(
        by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a)
    )
    response = login(head_a).post(
        BULK, {"action": "submit", "ids": [other.pk, submitted.pk]}, follow=True
    )
    assert "未执行任何操作" in response.content.decode()
    other.refresh_from_db()
    assert other.state == Target.State.DRAFT


def test_bulk_with_invisible_target_is_404(login, head_b, draft):
    """A ticked id the user may not read is answered as if it did not exist."""
    response = login(head_b).post(BULK, {"action": "submit", "ids": [draft.pk]})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.state == Target.State.DRAFT


def test_office_confirms_selected_with_approval_reference(login, office, negotiated):
    """Art. 10–11: confirmation records the approving meeting or document number."""
    client = login(office)
    response = client.post(BULK, {"action": "confirm", "ids": [negotiated.pk]}, follow=True)
    assert "请填写审定该目标的市政府会议或文件文号。" in response.content.decode()
    negotiated.refresh_from_db()
    assert negotiated.state == Target.State.NEGOTIATED

    client.post(
        BULK,
        {"action": "confirm", "ids": [negotiated.pk], "approval_reference": "市政府第3次常务会议"},
    )
    negotiated.refresh_from_db()
    assert negotiated.state == Target.State.CONFIRMED
    assert negotiated.approval_reference == "市政府第3次常务会议"

    client.post(BULK, {"action": "start_execution", "ids": [negotiated.pk]})
    negotiated.refresh_from_db()
    assert negotiated.state == Target.State.EXECUTING


def test_vice_mayor_sees_portfolio_targets_only(
    login, vice_mayor, other_vice_mayor, submitted, plan_year, aspect, dept_b, staff_b
):
    """Art. 15, 17: a vice-mayor reads the targets of the departments in the portfolio."""
    b_target = services.target_create(
        by=staff_b, plan_year=plan_year, data=qualitative_input(aspect, dept_b)
    )
    html = login(vice_mayor).get(LIST).content.decode()
    assert submitted.code in html
    assert b_target.code not in html
    client = login(other_vice_mayor)
    assert client.get(reverse("targets:target_detail", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("targets:target_detail", args=[b_target.pk])).status_code == 200


def test_list_requires_login(client, plan_year):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- fixed number of queries ----------------------------------------------------------------


def _make_targets(n, *, plan_year, aspect, dept_a, staff_a, head_a):
    """Half drafts and half submitted, so rows differ in which actions they offer."""
    for i in range(n):
        target = services.target_create(
            by=staff_a,
            plan_year=plan_year,
            data=quantitative_input(aspect, dept_a, milestones=[], title=f"目标{i}"),
        )
        if i % 2:
            services.target_submit(target=target, by=head_a)


# Session, user, plan years (once: the year menu's list also gives the year shown — issue 20
# reduced it from twice, 12 → 11), aspects, departments (filter menu), the user's memberships
# and portfolio (access_for, once per request), the page count, the page of rows, the header's
# memberships and its unread-notification count. None of them depends on the rows.
STAFF_QUERIES = 11
OFFICE_QUERIES = 11


@pytest.mark.benchmark
@pytest.mark.parametrize("n", [10, 300])
def test_list_query_count_is_fixed_for_staff(
    n, login, django_assert_num_queries, plan_year, aspect, dept_a, staff_a, head_a
):
    _make_targets(
        n, plan_year=plan_year, aspect=aspect, dept_a=dept_a, staff_a=staff_a, head_a=head_a
    )
    client = login(head_a)
    with django_assert_num_queries(STAFF_QUERIES):
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.content.decode().count('name="ids"') == min(n, 50) // 2


@pytest.mark.benchmark
@pytest.mark.parametrize("n", [10, 300])
def test_list_query_count_is_fixed_for_office(
    n, login, django_assert_num_queries, plan_year, aspect, dept_a, staff_a, head_a, office
):
    _make_targets(
        n, plan_year=plan_year, aspect=aspect, dept_a=dept_a, staff_a=staff_a, head_a=head_a
    )
    client = login(office)
    with django_assert_num_queries(OFFICE_QUERIES):
        response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="badge badge--') == min(n, 50)
    if n > 50:
        assert f"第 1 / {-(-n // 50)} 页，共 {n} 个目标" in html
