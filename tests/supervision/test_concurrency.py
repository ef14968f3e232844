"""Two people acting on the same order or finding at the same moment (issue 9: exactly one
succeeds). Real threads on real PostgreSQL connections; the row lock and django-fsm-2's
ConcurrentTransitionMixin serialise them."""

import pytest
from django.db import connection

from audit.models import AuditEvent
from supervision import services
from supervision.deadlines import today
from supervision.models import Finding, Inspection, SupervisionOrder
from tests.helpers import one_won, run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need a real database server"
    ),
]


def test_two_supervisors_closing_the_same_order_at_once(replied, supervisor, supervisor2):
    outcomes = run_together(
        lambda: services.order_close(order=replied, by=supervisor, comment="甲"),
        lambda: services.order_close(order=replied, by=supervisor2, comment="乙"),
    )
    winner, loser = one_won(outcomes)
    assert SupervisionOrder.objects.get(pk=replied.pk).state == "closed"
    assert AuditEvent.objects.for_object(replied).with_action(replied, "close").count() == 1
    assert "已办结" in loser.message


def test_two_send_backs_of_the_same_reply_at_once(replied, supervisor, supervisor2):
    """One new round, not two: the second is told the order was already sent back. (Closing and
    sending back may both succeed, one after the other: a closed order can be reopened.)"""
    outcomes = run_together(
        lambda: services.order_send_back(order=replied, by=supervisor, comment="补充甲"),
        lambda: services.order_send_back(order=replied, by=supervisor2, comment="补充乙"),
    )
    one_won(outcomes)
    order = SupervisionOrder.objects.get(pk=replied.pk)
    assert (order.state, order.round) == ("reopened", 2)
    assert AuditEvent.objects.for_object(replied).with_action(replied, "send_back").count() == 1


def test_two_replies_of_the_same_department_at_once(order, staff_a, head_a):
    """A department answers once per round even if two of its people press the button."""
    outcomes = run_together(
        lambda: services.order_reply(order=order, by=staff_a, body="甲答复"),
        lambda: services.order_reply(order=order, by=head_a, body="乙答复"),
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
    assert order.replies.count() == 1
    assert SupervisionOrder.objects.get(pk=order.pk).state == "replied"


def test_two_verifications_of_the_same_finding_at_once(finding, staff_a, supervisor, supervisor2):
    services.finding_file_plan(finding=finding, by=staff_a, body="方案")
    services.finding_report_rectified(finding=finding, by=staff_a, body="已整改")
    outcomes = run_together(
        lambda: services.finding_verify(finding=finding, by=supervisor),
        lambda: services.finding_reject(finding=finding, by=supervisor2, comment="不通过"),
    )
    winner, _ = one_won(outcomes)
    assert Finding.objects.get(pk=finding.pk).state == winner.state
    decided = [
        e.verb for e in AuditEvent.objects.for_object(finding) if e.verb in ("verify", "reject")
    ]
    assert len(decided) == 1


def test_two_orders_issued_at_once_get_different_codes(executing, supervisor, supervisor2, dept_a):
    def issue(by):
        return lambda: services.order_issue(
            by=by,
            plan_year=executing.plan_year,
            kind="routine",
            title="督办",
            requirement="要求",
            departments=[dept_a],
            targets=[executing],
            days=5,
        )

    outcomes = run_together(issue(supervisor), issue(supervisor2))
    assert all(isinstance(o, SupervisionOrder) for o in outcomes), outcomes
    assert len({o.code for o in outcomes}) == 2


def test_two_inspection_reports_at_once_are_applied_one_after_the_other(
    executing, supervisor, supervisor2, dept_a
):
    """Art. 18: the report may be revised, so both succeed — in turn, under the row lock: the
    first moves 已登记 → 已报告, the second revises it, and the stored report is the one the
    last step recorded (no lost update)."""
    inspection = services.inspection_open(
        by=supervisor,
        plan_year=executing.plan_year,
        kind="special",
        title="专项检查",
        departments=[dept_a],
        targets=[executing],
        started_on=today(),
        inspectors="张三",
    )
    outcomes = run_together(
        lambda: services.inspection_report(inspection=inspection, by=supervisor, report="甲"),
        lambda: services.inspection_report(inspection=inspection, by=supervisor2, report="乙"),
    )
    assert all(isinstance(o, Inspection) for o in outcomes), outcomes
    steps = list(AuditEvent.objects.for_object(inspection).with_action(inspection, "file_report"))
    assert [(e.from_state, e.to_state) for e in steps] == [
        ("registered", "reported"),
        ("reported", "reported"),
    ]
    stored = Inspection.objects.get(pk=inspection.pk)
    assert stored.state == "reported" and stored.report == steps[1].changes["report"][1]
    assert steps[1].changes["report"][0] == steps[0].changes["report"][1]


def test_two_departments_completing_a_round_at_once_move_the_order_once(
    executing, supervisor, staff_a, staff_b, dept_a, dept_b
):
    """Art. 18: the round's last reply moves the order to 已答复 exactly once."""
    order = services.order_issue(
        by=supervisor,
        plan_year=executing.plan_year,
        kind="routine",
        title="联合督办",
        requirement="各自报告。",
        departments=[dept_a, dept_b],
        targets=[executing],
        days=5,
    )
    outcomes = run_together(
        lambda: services.order_reply(order=order, by=staff_a, body="甲"),
        lambda: services.order_reply(order=order, by=staff_b, body="乙"),
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert SupervisionOrder.objects.get(pk=order.pk).state == "replied"
    replies = list(AuditEvent.objects.for_object(order).with_action(order, "reply"))
    assert [e.is_transition for e in replies] == [False, True]
