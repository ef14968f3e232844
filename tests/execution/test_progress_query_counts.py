"""New list pages run a fixed number of SQL queries whatever the number of targets (STYLE 6),
asserted at 10 and 300 targets: the department's to-do list and the targets list with the
warning-level and report filters."""

import datetime

import pytest
from django.urls import reverse

from execution import clock, early_warning

from .test_early_warning import make_executing_targets

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(executing_year, aspect, dept_a, staff_a):
    def _make(n):
        make_executing_targets(
            n, plan_year=executing_year, aspect=aspect, lead=dept_a, created_by=staff_a
        )
        early_warning.recompute_early_warnings()

    return _make


def fresh(user):
    from accounts.models import User

    return User.objects.get(pk=user.pk)


# Session, user, access (2), header memberships, the header's unread count, cooperating rows,
# targets, reports, department names, overdue node targets (issue 16 item 3).
TODO_QUERIES = 11


@pytest.mark.parametrize("n", [10, 300])
def test_todo_page(client, django_assert_num_queries, many, staff_a, n):
    many(n)
    client.force_login(staff_a)
    with django_assert_num_queries(TODO_QUERIES):
        response = client.get(reverse("execution:todo"))
    assert response.status_code == 200
    owed = n + len([i for i in range(n) if i % 3 == 0])
    assert response.context["page_obj"].paginator.count == owed


# As tests/pages/test_target_list.py (11: session, user, plan years once — issue 20 reduced it
# from twice, 12 → 11 —, aspects, departments, access twice, count, page, header memberships,
# the header's unread count): the warning filter is a subquery of the same count and page; the
# report filter reads the targets' plan years once more.
LIST_QUERIES = 11


@pytest.mark.parametrize("n", [10, 300])
@pytest.mark.parametrize("params", [{"warning": "red"}, {"report": "late"}, {"report": "due"}])
def test_target_list_with_filters(client, django_assert_num_queries, many, office, n, params):
    many(n)
    client.force_login(office)
    url = reverse("targets:target_list")
    # The red filter, for the general office, also offers supervision's bulk-issue link: one
    # query for the red targets' ids (supervision.list_actions).
    queries = LIST_QUERIES + (1 if "report" in params else 0) + (1 if "warning" in params else 0)
    with clock.frozen(datetime.date(2027, 4, 11)), django_assert_num_queries(queries):
        response = client.get(url, params)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count > 0
