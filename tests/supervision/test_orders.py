"""督办单 (Shanghai Art. 18; efficiency opinions 六.1): who issues, who replies, the states
issued → replied → closed with reopened, extensions with a reason, overdue computed, bulk issue
one order per lead department, and every step audited on the target's timeline."""

import datetime

import pytest

from audit.models import AuditEvent
from supervision import selectors, services
from supervision.deadlines import deadline_after, today
from supervision.models import OrderReply, SupervisionOrder
from targets import services as target_services
from targets.models import Target
from tests.conftest import qualitative_input
from workflow.errors import Conflict, NotPermitted, ValidationFailed

from .conftest import nothing_written, pdf

pytestmark = pytest.mark.django_db


def issue(by, target, departments, **overrides):
    values = {
        "by": by,
        "plan_year": target.plan_year,
        "kind": "routine",
        "title": "督办事项",
        "requirement": "请按期报告。",
        "departments": departments,
        "targets": [target],
        "days": 7,
    }
    values.update(overrides)
    return services.order_issue(**values)


def test_it_issues_a_key_order_with_a_code_and_a_red_colour(order, executing, dept_a):
    assert order.code == f"督〔{executing.plan_year.year}〕1号"
    assert order.state == SupervisionOrder.State.ISSUED
    assert order.colour == "red"
    assert order.deadline == deadline_after(today(), 10)
    assert list(order.departments.all()) == [dept_a]
    assert list(order.targets.all()) == [executing]


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "vice_mayor", "auditor", "outsider"])
def test_only_the_general_office_and_supervision_office_issue_orders(
    request, persona, executing, dept_a
):
    with nothing_written(), pytest.raises(NotPermitted):
        issue(request.getfixturevalue(persona), executing, [dept_a])


def test_the_general_office_issues_orders_too(office, executing, dept_a):
    assert issue(office, executing, [dept_a]).issuing_department.name == "市政府办公厅"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deadline": datetime.date(2020, 1, 1), "days": None}, "deadline", "已经过去"),
        ({"days": 0}, "deadline", "必须大于0"),
        ({"days": None}, "deadline", "请填写办理时限"),
        ({"departments": []}, "departments", "请至少选择一个承办部门"),
        ({"requirement": "  "}, "requirement", "请填写督办要求"),
        ({"title": ""}, "title", "请填写督办事项"),
        ({"targets": [], "matter": ""}, "matter", "请选择涉及的目标或协调事项，或写明督办的事项"),
        ({"kind": "purple"}, "kind", "请选择有效的督办类别"),
    ],
)
def test_bad_orders_are_refused_in_chinese_and_nothing_is_saved(
    supervisor, executing, dept_a, overrides, field, message
):
    overrides = dict(overrides)
    departments = overrides.pop("departments", [dept_a])
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        issue(supervisor, executing, departments, **overrides)
    assert any(message in m for m in caught.value.field_errors[field])


def test_an_order_about_a_matter_needs_no_target(supervisor, executing, dept_a, dept_b):
    order = issue(
        supervisor, executing, [dept_a, dept_b], targets=[], matter="市政府常务会议议定事项落实情况"
    )
    assert order.targets.count() == 0
    assert order.addressees.count() == 2


def test_a_target_of_another_year_is_refused(supervisor, executing, dept_a):
    from targets.models import PlanYear

    other = PlanYear.objects.create(year=2030)
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        issue(supervisor, executing, [dept_a], plan_year=other)
    assert "不属于2030年度" in caught.value.field_errors["targets"][0]


def test_the_addressed_department_replies_with_evidence_and_the_order_is_replied(order, staff_a):
    reply = services.order_reply(order=order, by=staff_a, body="已制定赶超措施。", evidence=pdf())
    assert reply.evidence_name == "办理情况.pdf"
    assert reply.evidence.name.startswith("evidence/") and "办理" not in reply.evidence.name
    order.refresh_from_db()
    assert order.state == SupervisionOrder.State.REPLIED


def test_an_order_to_two_departments_is_replied_when_both_have_answered(
    supervisor, executing, dept_a, dept_b, staff_a, staff_b
):
    order = issue(supervisor, executing, [dept_a, dept_b])
    services.order_reply(order=order, by=staff_a, body="甲部门已落实。")
    order.refresh_from_db()
    assert order.state == SupervisionOrder.State.ISSUED
    with pytest.raises(ValidationFailed, match="已答复"):
        services.order_reply(order=order, by=staff_a, body="再答复一次")
    services.order_reply(order=order, by=staff_b, body="乙部门已落实。")
    order.refresh_from_db()
    assert order.state == SupervisionOrder.State.REPLIED


@pytest.mark.parametrize(
    "persona", ["staff_b", "head_b", "supervisor", "office", "auditor", "vice_mayor"]
)
def test_only_the_addressed_department_replies(request, order, persona):
    with nothing_written(), pytest.raises(NotPermitted):
        services.order_reply(order=order, by=request.getfixturevalue(persona), body="答复")


def test_a_reply_without_text_or_with_a_dangerous_file_saves_nothing(order, staff_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.order_reply(order=order, by=staff_a, body=" ")
    assert "请填写办理情况" in caught.value.field_errors["body"][0]
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.order_reply(
            order=order,
            by=staff_a,
            body="见附件",
            evidence=SimpleUploadedFile("x.pdf", b"MZ\x90\0" * 8),
        )
    assert "内容与其扩展名不符" in caught.value.field_errors["evidence"][0]


def test_close_send_back_reply_again_close(replied, supervisor, staff_a):
    """The journey of issue 9: replied → sent back (reopened, a new round) → replied → closed."""
    order = services.order_send_back(
        order=replied, by=supervisor, comment="措施不具体，请补充时间表。"
    )
    assert (order.state, order.round) == (SupervisionOrder.State.REOPENED, 2)
    assert not order.addressees.filter(answered=True).exists()
    services.order_reply(order=order, by=staff_a, body="补充时间表：6月底前完成。")
    order = services.order_close(order=order, by=supervisor, comment="同意办结。")
    assert order.state == SupervisionOrder.State.CLOSED and order.closed_at is not None
    assert list(OrderReply.objects.filter(order=order).values_list("round", flat=True)) == [1, 2]
    transitions = [e.verb for e in AuditEvent.objects.for_object(order) if e.verb != "create"]
    assert transitions == ["reply", "send_back", "reply", "close"]


def test_a_reply_after_closure_is_refused(replied, supervisor, staff_a):
    services.order_close(order=replied, by=supervisor)
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.order_reply(order=replied, by=staff_a, body="补充答复")
    assert "已办结，不能再答复" in caught.value.message


def test_sending_back_needs_a_reason(replied, supervisor):
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.order_send_back(order=replied, by=supervisor, comment="")
    assert "请填写退回理由" in caught.value.message


def test_an_order_awaiting_replies_cannot_be_closed(order, supervisor):
    with nothing_written(), pytest.raises(Conflict) as caught:
        services.order_close(order=order, by=supervisor)
    assert "已下发" in caught.value.message


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "auditor", "vice_mayor"])
def test_only_the_offices_close_send_back_or_extend(request, replied, persona):
    user = request.getfixturevalue(persona)
    with nothing_written():
        with pytest.raises(NotPermitted):
            services.order_close(order=replied, by=user)
        with pytest.raises(NotPermitted):
            services.order_send_back(order=replied, by=user, comment="理由")
        with pytest.raises(NotPermitted):
            services.order_extend(order=replied, by=user, reason="理由", days=5)


def test_an_extension_needs_a_reason_and_a_later_date(order, supervisor):
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.order_extend(order=order, by=supervisor, reason="", days=5)
    assert "请填写延期理由" in caught.value.field_errors["reason"][0]
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.order_extend(
            order=order, by=supervisor, reason="需等待审计结果", deadline=order.deadline
        )
    assert "须晚于原时限" in caught.value.field_errors["deadline"][0]
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.order_extend(
            order=order, by=supervisor, reason="理由", deadline=datetime.date(2020, 1, 1)
        )
    assert "已经过去" in caught.value.field_errors["deadline"][0]
    old = order.deadline
    order = services.order_extend(order=order, by=supervisor, reason="需等待审计结果", days=5)
    assert order.deadline == deadline_after(old, 5)
    event = AuditEvent.objects.for_object(order).with_action(order, "extend").get()
    assert event.comment == "需等待审计结果"
    assert event.changes == {"deadline": [old.isoformat(), order.deadline.isoformat()]}


def test_a_closed_order_cannot_be_extended(replied, supervisor):
    services.order_close(order=replied, by=supervisor)
    with pytest.raises(ValidationFailed, match="已办结，不能延期"):
        services.order_extend(order=replied, by=supervisor, reason="理由", days=3)


def test_overdue_is_computed_when_the_deadline_passes_without_reply(order, staff_a, supervisor):
    SupervisionOrder.objects.filter(pk=order.pk).update(
        deadline=today() - datetime.timedelta(days=1)
    )
    assert selectors.order_list(supervisor).get(pk=order.pk).is_overdue
    services.order_reply(order=order, by=staff_a, body="已办理。")
    # Replied: no longer waiting on the department, so not overdue.
    assert not selectors.order_list(supervisor).get(pk=order.pk).is_overdue


def test_every_step_is_on_the_targets_timeline(replied, supervisor, executing):
    services.order_close(order=replied, by=supervisor)
    events = AuditEvent.objects.for_timeline(executing).for_object(replied)
    assert [(e.action, e.is_transition) for e in events] == [
        ("supervision.supervisionorder.create", False),
        ("supervision.supervisionorder.reply", True),
        ("supervision.supervisionorder.close", True),
    ]


def test_bulk_issue_makes_one_order_per_lead_department(
    supervisor, executing, plan_year, aspect, dept_b, staff_b, head_b, office
):
    target_b = target_services.target_create(
        by=staff_b, plan_year=plan_year, data=qualitative_input(aspect, dept_b)
    )
    target_b2 = target_services.target_create(
        by=staff_b, plan_year=plan_year, data=qualitative_input(aspect, dept_b, title="第二个目标")
    )
    orders = services.orders_issue_for_targets(
        by=supervisor,
        targets=[executing, target_b, target_b2],
        kind="key",
        requirement="限期赶超。",
        days=10,
    )
    assert len(orders) == 2
    by_dept = {o.addressees.get().department_id: o for o in orders}
    assert set(by_dept[dept_b.pk].targets.all()) == {target_b, target_b2}
    assert "等2项目标" in by_dept[dept_b.pk].title
    assert list(by_dept[executing.lead_department_id].targets.all()) == [executing]


def test_bulk_issue_is_all_or_nothing(supervisor, executing):
    with nothing_written(), pytest.raises(ValidationFailed):
        services.orders_issue_for_targets(
            by=supervisor, targets=[executing], kind="key", requirement="", days=5
        )
    with nothing_written(), pytest.raises(ValidationFailed, match="请至少选择一个目标"):
        services.orders_issue_for_targets(
            by=supervisor, targets=[], kind="key", requirement="x", days=5
        )


def test_orders_to_answer_lists_what_the_department_still_owes(order, staff_a, staff_b, supervisor):
    assert list(selectors.orders_to_answer(staff_a)) == [order]
    assert list(selectors.orders_to_answer(staff_b)) == []
    assert list(selectors.orders_to_answer(supervisor)) == []
    services.order_reply(order=order, by=staff_a, body="已办理。")
    assert list(selectors.orders_to_answer(staff_a)) == []


def test_target_state_is_untouched_by_supervision(order):
    assert Target.objects.get(pk=order.targets.get().pk).state == Target.State.EXECUTING
