"""The review queue's year-wide steps: confirm the whole negotiated set (Art. 10–11) and issue
every task book. They move dozens of targets at once, so the queue only links to a page that
lists how many and which targets will move; only that page's button acts, and only on exactly
the targets it listed (issue 11). No JavaScript needed."""

import pytest
from django.urls import reverse

from accounts.models import User
from targets import services
from targets.models import Target
from tests.conftest import quantitative_input

CONFIRM_ALL = reverse("targets:year_transition", args=[2027, "confirm"])
START_ALL = reverse("targets:year_transition", args=[2027, "start_execution"])
REFERENCE = "市政府第12次常务会议"


def negotiated_target(plan_year, aspect, dept, staff, head, office, title):
    target = services.target_create(
        by=staff, plan_year=plan_year, data=quantitative_input(aspect, dept, title=title)
    )
    services.target_submit(target=target, by=head)
    return services.target_negotiate(target=target, by=office)


def test_queue_links_to_the_confirmation_page_and_acts_on_nothing(login, office, negotiated):
    html = login(office).get(reverse("targets:review_queue")).content.decode()
    assert 'id="confirm-year"' in html
    assert "本年度有1个已协商目标待确认" in html
    assert f'href="{CONFIRM_ALL}"' in html
    assert f'action="{CONFIRM_ALL}"' not in html
    assert 'id="start-year"' not in html


def test_confirmation_page_lists_count_and_every_target_and_moves_nothing(
    login, office, negotiated, plan_year, aspect, dept_a, staff_a, head_a
):
    other = negotiated_target(plan_year, aspect, dept_a, staff_a, head_a, office, "第二个目标")
    response = login(office).get(CONFIRM_ALL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "将对以下2个目标执行“确认”" in html
    for target in (negotiated, other):
        assert target.code in html and target.title in html
        assert f'name="ids" value="{target.pk}"' in html
    assert 'name="approval_reference"' in html
    assert set(Target.objects.values_list("state", flat=True)) == {"negotiated"}


def test_office_confirms_the_listed_set_then_issues_the_task_books(login, office, negotiated):
    client = login(office)
    response = client.post(CONFIRM_ALL, {"ids": [negotiated.pk], "approval_reference": REFERENCE})
    assert response.status_code == 302
    target = Target.objects.get(pk=negotiated.pk)
    assert target.state == "confirmed"
    assert target.approval_reference == REFERENCE

    html = client.get(START_ALL).content.decode()
    assert "将对以下1个目标执行“下达任务书”" in html
    assert 'name="approval_reference"' not in html
    client.post(START_ALL, {"ids": [negotiated.pk]})
    assert Target.objects.get(pk=negotiated.pk).state == "executing"


def test_a_target_negotiated_after_the_page_was_shown_stops_everything(
    login, office, negotiated, plan_year, aspect, dept_a, staff_a, head_a
):
    """The person agreed to move the targets they saw; a newcomer means nothing moves and the
    page shows the new list."""
    client = login(office)
    client.get(CONFIRM_ALL)
    newcomer = negotiated_target(plan_year, aspect, dept_a, staff_a, head_a, office, "后来者")
    response = client.post(CONFIRM_ALL, {"ids": [negotiated.pk], "approval_reference": REFERENCE})
    assert response.status_code == 409
    html = response.content.decode()
    assert "已有变化（现为2个）" in html
    assert f'name="ids" value="{newcomer.pk}"' in html
    assert REFERENCE in html  # what was typed is kept
    assert set(Target.objects.values_list("state", flat=True)) == {"negotiated"}


def test_a_post_that_lists_no_targets_moves_none(login, office, negotiated):
    """A form from before this page existed (no list) must not move the whole year."""
    response = login(office).post(CONFIRM_ALL, {"approval_reference": REFERENCE})
    assert response.status_code == 409
    assert Target.objects.get(pk=negotiated.pk).state == "negotiated"


def test_without_the_reference_nothing_is_confirmed(login, office, negotiated):
    response = login(office).post(CONFIRM_ALL, {"ids": [negotiated.pk], "approval_reference": ""})
    assert response.status_code == 400
    assert "请填写审定该目标的市政府会议或文件文号。" in response.content.decode()
    assert Target.objects.get(pk=negotiated.pk).state == "negotiated"


def test_department_head_cannot_see_or_confirm_the_year(login, head_a, negotiated):
    client = login(head_a)
    assert client.get(CONFIRM_ALL).status_code == 403
    response = client.post(CONFIRM_ALL, {"ids": [negotiated.pk], "approval_reference": REFERENCE})
    assert response.status_code == 403
    assert Target.objects.get(pk=negotiated.pk).state == "negotiated"


def test_nothing_waiting_says_so(login, office, plan_year):
    response = login(office).get(CONFIRM_ALL)
    assert response.status_code == 200
    assert "目前没有可执行此操作的目标" in response.content.decode()


def test_unknown_year_or_action_is_404(login, office, negotiated):
    client = login(office)
    assert client.get(reverse("targets:year_transition", args=[1999, "confirm"])).status_code == 404
    assert client.post(reverse("targets:year_transition", args=[2027, "submit"])).status_code == 404


# Session, user, access (2), the plan year, the targets with their joins, header memberships,
# the header's unread count.
CONFIRM_PAGE_QUERIES = 8


@pytest.mark.benchmark
@pytest.mark.parametrize("n", [10, 300])
def test_confirmation_page_query_count_is_fixed(
    n, login, django_assert_num_queries, plan_year, aspect, dept_a, staff_a, head_a, office
):
    for i in range(n):
        negotiated_target(plan_year, aspect, dept_a, staff_a, head_a, office, f"目标{i}")
    client = login(User.objects.get(pk=office.pk))
    with django_assert_num_queries(CONFIRM_PAGE_QUERIES):
        response = client.get(CONFIRM_ALL)
    assert response.content.decode().count('name="ids"') == n
