"""Overdue is overdue (issue 16 item 3; Shanghai 002 三.3 节点目标, Art. 14): a node target past
its due date without a result reads 逾期 — not 未到期 — on the target page, the leader's and the
department's dashboards and the department's to-do list; one rule (``Milestone.overdue_q`` /
``shown_status``) decides it.

Today is 5 April 2027 (tests/execution/conftest.py): the 2027 target's Q1 node target was due on
31 March and has no result; Q2 is due on 30 June."""

import datetime
import re

import pytest
from django.urls import reverse

from execution import clock
from targets.models import Milestone

pytestmark = pytest.mark.django_db


def _milestone_rows(html):
    """(quarter, status) of each row of the target page's 节点目标 table."""
    table = html[html.index("<th>完成情况</th>") :]
    table = table[: table.index("</table>")]
    return re.findall(
        r'data-label="季度">Q(\d)</td>.*?data-label="完成情况">([^<]*)</td>', table, re.S
    )


def test_the_target_page_says_overdue_for_a_node_target_past_its_due_date(login, target, office):
    """Q1 (due 2027-03-31, no result) → 逾期; Q2–Q4 not yet due → 未到期; in the table and in the
    progress section's node-target statuses alike."""
    html = login(office).get(reverse("targets:target_detail", args=[target.pk])).content.decode()
    assert _milestone_rows(html) == [
        ("1", "逾期"),
        ("2", "未到期"),
        ("3", "未到期"),
        ("4", "未到期"),
    ]
    progress = html[html.index('id="progress"') :]
    assert "Q1 · 逾期" in progress and "Q2 · 未到期" in progress


def test_a_result_or_the_due_day_itself_is_not_overdue(login, target, office):
    """已完成 / 未完成 stay as recorded after the due date; a node target due today is 未到期
    (the due day is not late)."""
    q1, q2 = target.milestones.order_by("quarter")[:2]
    Milestone.objects.filter(pk=q1.pk).update(status=Milestone.Status.MISSED)
    client = login(office)
    html = client.get(reverse("targets:target_detail", args=[target.pk])).content.decode()
    assert _milestone_rows(html)[0] == ("1", "未完成")
    with clock.frozen(q2.due_date):
        html = client.get(reverse("targets:target_detail", args=[target.pk])).content.decode()
        assert _milestone_rows(html)[1] == ("2", "未到期")
    with clock.frozen(q2.due_date + datetime.timedelta(days=1)):
        html = client.get(reverse("targets:target_detail", args=[target.pk])).content.decode()
        assert _milestone_rows(html)[1] == ("2", "逾期")
    # The SQL rule says what the row says.
    assert list(Milestone.objects.filter(Milestone.overdue_q(q2.due_date))) == []


def test_the_to_do_list_names_the_departments_overdue_node_targets(login, target, staff_a, staff_b):
    """The lead department's to-do list shows Q1 as 逾期 (and not Q2); another department's
    list does not show A's node target."""
    q1, q2 = target.milestones.order_by("quarter")[:2]
    html = login(staff_a).get(reverse("execution:todo")).content.decode()
    section = html[html.index('id="overdue-milestones"') :]
    section = section[: section.index("</section>")]
    assert f'data-overdue-milestone="{q1.pk}"' in section and "逾期" in section
    assert f'data-overdue-milestone="{q2.pk}"' not in section
    other = login(staff_b).get(reverse("execution:todo")).content.decode()
    assert f'data-overdue-milestone="{q1.pk}"' not in other


def test_the_dashboards_count_and_list_overdue_node_targets(login, target, head_a, vice_mayor):
    """The vice-mayor's department table for Q1: 0 of 1 achieved, 1 overdue (逾期 1), also in
    the API; the department's home lists Q1 as 逾期."""
    q1 = target.milestones.get(quarter=1)
    client = login(vice_mayor)
    html = client.get(reverse("dashboards:leader") + "?quarter=1").content.decode()
    row = html[html.index(f'data-department="{target.lead_department_id}"') :]
    row = row[: row.index("</tr>")]
    assert "0%（0/1）" in row and 'data-milestones-overdue="1"' in row and "逾期 1" in row
    api = client.get("/api/v1/dashboards/leader/?quarter=1")
    assert api.status_code == 200
    rows = {r["department_id"]: r for r in api.json()["departments"]}
    assert rows[target.lead_department_id]["milestones_overdue"] == 1
    client = login(head_a)
    api = client.get("/api/v1/dashboards/department/").json()
    assert [(m["id"], m["quarter"]) for m in api["overdue_milestones"]] == [(q1.pk, 1)]
    home = client.get(reverse("dashboards:department")).content.decode()
    section = home[home.index('id="overdue-milestones"') :]
    assert f'data-overdue-milestone="{q1.pk}"' in section[: section.index("</section>")]
