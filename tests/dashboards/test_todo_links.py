"""Every to-do item opens its action, not the target page, and the homes' counts link to the
lists behind them (issue 19 item 5; Shanghai Art. 14: the department reports, the office
verifies)."""

import datetime

import pytest
from django.urls import reverse

from execution import clock
from targets.models import PlanYear
from tests.execution.daily import executing_targets, reports_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(plan_year):
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)
    plan_year.refresh_from_db()
    return plan_year


def test_department_home_todos_open_the_report_form(client, year, aspect, dept_a, staff_a):
    empty, drafted, returned = executing_targets(
        3, plan_year=year, aspect=aspect, lead=dept_a, created_by=staff_a
    )
    (draft,) = reports_of([drafted], department=dept_a, state="draft", created_by=staff_a)
    (back,) = reports_of([returned], department=dept_a, state="returned", created_by=staff_a)
    client.force_login(staff_a)
    with clock.frozen(datetime.date(2027, 4, 5)):
        html = client.get(reverse("dashboards:department")).content.decode()
    # Nothing filed yet: the form for that period; a draft: its page (edit and submit there);
    # returned: its edit form.
    create = reverse("execution:report_create", args=[empty.pk]) + "?period=2027-01-01"
    assert f'href="{create}" data-todo-action' in html
    assert f'href="{reverse("execution:report_detail", args=[draft.pk])}" data-todo-action' in html
    assert reverse("execution:report_edit", args=[back.pk]) in html
    assert (
        f'href="{reverse("targets:target_detail", args=[empty.pk])}" data-todo-action' not in html
    )
    # The count of to-dos leads to the full list, and the hand-off and grid are one click away.
    assert f'<a href="{reverse("execution:todo")}">' in html
    assert reverse("execution:handoff") in html and reverse("execution:progress_grid") in html


def test_office_home_counts_link_to_their_lists(client, year, aspect, dept_a, staff_a, office):
    targets = executing_targets(3, plan_year=year, aspect=aspect, lead=dept_a, created_by=staff_a)
    reports_of(targets[:2], department=dept_a, state="submitted", created_by=staff_a)
    client.force_login(office)
    html = client.get(reverse("dashboards:office"), {"year": 2027}).content.decode()
    assert f'href="{reverse("execution:review_queue")}?year=2027"' in html
    assert "待审核进展报告（2）" in html
    assert f'href="{reverse("execution:adjustment_list")}?state=pending"' in html
    with clock.frozen(datetime.date(2027, 4, 12)):
        html = client.get(reverse("dashboards:office"), {"year": 2027}).content.decode()
    # Past the Q1 due date, the 未报 figure (one target never reported) opens the 催报 page.
    assert 'id="chase-period"' in html
    assert f"{reverse('execution:chase')}?year=2027&amp;period=2027-01-01" in html
