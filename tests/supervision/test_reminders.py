"""Supervision deadlines in the reminder sweep (issue 7; Shanghai Art. 18; efficiency opinions
三.4 限时办结, 五.6 到期提醒): each addressed department that has not replied this round is
reminded of the order's deadline, the responsible department of a finding's rectification
deadline until it has reported the rectification; nobody else is told. And the sweep stays
set-based with every source returning items."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from execution import clock
from notifications import reminders
from notifications.models import Notification
from supervision import services
from supervision.models import Finding, OrderAddressee, SupervisionOrder
from targets.models import Milestone, PlanYear, Target, TargetDepartment
from workdays.calendar import current_calendar

from .conftest import pdf

pytestmark = pytest.mark.django_db


def reminded(source):
    rows = Notification.objects.filter(key__startswith=f"r:{source}:")
    return sorted((n.recipient.username, n.key.rsplit(":", 1)[1]) for n in rows)


def test_addressed_departments_are_reminded_until_they_reply(
    order, executing, supervisor, dept_a, dept_b, staff_a, head_a, staff_b, head_b, outsider
):
    order = services.order_issue(
        by=supervisor,
        plan_year=executing.plan_year,
        kind="routine",
        title="两部门督办",
        requirement="请报告。",
        departments=[dept_a, dept_b],
        targets=[executing],
        days=5,
    )
    services.order_reply(order=order, by=staff_a, body="已办理。", evidence=pdf())
    result = reminders.sweep(today=order.deadline)
    # Department A has answered: only department B owes the reply.
    assert reminded("supervision.order") == [("head_b", "due"), ("staff_b", "due")]
    assert result.by_source["supervision.order"] >= 1
    note = Notification.objects.get(recipient=staff_b, key__startswith="r:supervision.order:")
    assert note.url.endswith(f"/supervision/orders/{order.pk}/")
    assert order.code in note.title
    assert (
        not Notification.objects.filter(recipient__in=[staff_a, head_a, outsider])
        .filter(object_id=str(order.pk), key__startswith="r:")
        .exists()
    )


def test_a_replied_or_closed_order_reminds_nobody(replied, supervisor):
    reminders.sweep(today=replied.deadline)
    assert reminded("supervision.order") == []


def test_a_sent_back_order_reminds_again_for_the_new_round(order, staff_a, head_a, supervisor):
    reminders.sweep(today=order.deadline)
    assert reminded("supervision.order") == [("head_a", "due"), ("staff_a", "due")]
    services.order_reply(order=order, by=staff_a, body="已办理。", evidence=pdf())
    services.order_send_back(order=order, by=supervisor, comment="请补充")
    # Same deadline, a new round: the department owes a reply again and is told again, once.
    reminders.sweep(today=order.deadline)
    reminders.sweep(today=order.deadline)
    keys = sorted(
        Notification.objects.filter(
            recipient=staff_a, key__startswith="r:supervision.order:"
        ).values_list("key", flat=True)
    )
    assert [k.split(":")[3] for k in keys] == ["round1", "round2"]


def test_findings_remind_the_responsible_department_until_rectified(
    finding, staff_a, head_a, staff_b, supervisor
):
    reminders.sweep(today=finding.deadline)
    assert reminded("supervision.finding") == [("head_a", "due"), ("staff_a", "due")]
    Notification.objects.all().delete()
    services.finding_file_plan(finding=finding, by=staff_a, body="整改方案")
    reminders.sweep(today=finding.deadline)
    assert reminded("supervision.finding") == [("head_a", "due"), ("staff_a", "due")]
    Notification.objects.all().delete()
    services.finding_report_rectified(finding=finding, by=staff_a, body="已整改", evidence=pdf())
    reminders.sweep(today=finding.deadline)
    assert reminded("supervision.finding") == []


def test_an_overdue_finding_escalates_to_the_general_office(finding, staff_a, office):
    cal = current_calendar()
    reminders.sweep(today=cal.add_working_days(finding.deadline, 5))
    assert ("office", "office") in reminded("supervision.finding")


# --- the sweep with every source returning items ----------------------------------------------


def _every_source_due(n, *, target, dept_a, dept_b, by, due):
    """n node targets, n targets owing main and cooperating reports, n orders, n findings, all
    due on ``due``: bulk-inserted, the sweep's query count is what is measured."""
    plan_year = target.plan_year
    PlanYear.objects.filter(pk=plan_year.pk).update(
        q1_report_due=due, status=PlanYear.Status.EXECUTING
    )
    Milestone.objects.filter(target=target).delete()
    Milestone.objects.bulk_create(
        Milestone(target=target, quarter=4, due_date=due, description=f"节点{i}") for i in range(n)
    )
    clones = []
    for i in range(n - 1):
        clone = Target.objects.get(pk=target.pk)
        clone.pk = None
        clone.code = f"{target.code}-{i}"
        clones.append(clone)
    Target.objects.bulk_create(clones)
    TargetDepartment.objects.bulk_create(
        TargetDepartment(target=t, department=dept_b, role=TargetDepartment.Role.COOPERATING)
        for t in [target, *clones]
    )
    orders = SupervisionOrder.objects.bulk_create(
        SupervisionOrder(
            plan_year=plan_year,
            code=f"督{i}",
            kind="routine",
            title=f"督办{i}",
            requirement="要求",
            issued_on=due,
            deadline=due,
            issued_by=by,
        )
        for i in range(n)
    )
    OrderAddressee.objects.bulk_create(OrderAddressee(order=o, department=dept_a) for o in orders)
    Finding.objects.bulk_create(
        Finding(
            plan_year=plan_year,
            code=f"问{i}",
            source="leader",
            title=f"问题{i}",
            description="描述",
            responsible_department=dept_a,
            deadline=due,
            recorded_by=by,
        )
        for i in range(n)
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="one INSERT … unnest on PostgreSQL; the SQLite fallback inserts in batches",
)
@pytest.mark.parametrize("count", [10, 300])
def test_the_sweep_over_every_source_runs_a_fixed_number_of_queries(
    executing,
    dept_a,
    dept_b,
    staff_a,
    head_a,
    staff_b,
    head_b,
    supervisor,
    count,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    due = datetime.date(2027, 4, 9)
    _every_source_due(count, target=executing, dept_a=dept_a, dept_b=dept_b, by=supervisor, due=due)
    current_calendar()
    for model in (Milestone, Target, TargetDepartment, SupervisionOrder, Finding):
        ContentType.objects.get_for_model(model)
    # savepoint, node targets, progress reports (plan years + one UNION), cooperating reports
    # (plan years + one UNION), orders, findings, recipients, e-mail choices, insert, release
    with clock.frozen(due), django_assert_num_queries(12):
        result = reminders.sweep(today=due)
    assert result.by_source == {
        "execution.cooperating_report": count,
        "execution.progress_report": count,
        "supervision.finding": count,
        "supervision.order": count,
        "targets.milestone": count,
    }
    assert result.notifications == 2 * 5 * count
