"""Supervision's state machines on the one workflow core (issue 15): orders, findings and
inspections move only through their transitions, each with its permission (Shanghai Art. 18:
the issuing offices close, send back and verify; only the addressed or responsible department
replies and rectifies); a step refused for want of permission changes nothing and writes no
audit row, on the page and in the API; every step reads with its own words on the record's
timeline (Art. 14 全程记录), written once per target but shown once on the record."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from audit.models import AuditEvent
from supervision import services
from supervision.deadlines import today
from supervision.models import Finding, Inspection, SupervisionOrder
from supervision.views.common import record_timeline
from targets import services as target_services
from tests.conftest import qualitative_input
from workflow.events import event_label
from workflow.transitions import available_transitions

from .conftest import nothing_written, pdf

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user=User.objects.get(pk=user.pk))
    return client


@pytest.fixture
def inspection(executing, supervisor, dept_a):
    return services.inspection_open(
        by=supervisor,
        plan_year=executing.plan_year,
        kind="special",
        title="重大项目专项检查",
        departments=[dept_a],
        targets=[executing],
        started_on=today(),
        inspectors="张三、李四",
    )


@pytest.fixture
def rectified(finding, staff_a):
    services.finding_file_plan(finding=finding, by=staff_a, body="整改方案")
    services.finding_report_rectified(finding=finding, by=staff_a, body="已整改", evidence=pdf())
    return Finding.objects.get(pk=finding.pk)


# --- (a) refused without the transition's permission: 403, nothing moved, nothing recorded ---


def test_a_department_may_not_close_an_order_on_the_page_or_in_the_api(client, replied, staff_a):
    """Art. 18: closing belongs to the issuing offices; the addressed department reads the
    order but may not close it."""
    client.force_login(staff_a)
    with nothing_written():
        page = client.post(reverse("supervision:order_action", args=[replied.pk, "close"]))
        answer = api(staff_a).post(f"/api/v1/supervision/orders/{replied.pk}/close/", {})
    assert (page.status_code, answer.status_code) == (403, 403)
    assert SupervisionOrder.objects.get(pk=replied.pk).state == SupervisionOrder.State.REPLIED
    assert "close" not in available_transitions(replied, staff_a)


def test_an_auditor_may_not_reply_to_an_order_on_the_page_or_in_the_api(client, order, auditor):
    """Art. 18: only an addressed department replies; auditors read and change nothing."""
    client.force_login(auditor)
    with nothing_written():
        page = client.post(reverse("supervision:order_reply", args=[order.pk]), {"body": "越权"})
        answer = api(auditor).post(
            f"/api/v1/supervision/orders/{order.pk}/reply/", {"body": "越权"}
        )
    assert (page.status_code, answer.status_code) == (403, 403)
    assert SupervisionOrder.objects.get(pk=order.pk).state == SupervisionOrder.State.ISSUED


def test_a_department_may_not_verify_its_own_rectification(client, rectified, staff_a):
    """保障措施 三: the supervision office verifies (销号), not the department that rectified."""
    client.force_login(staff_a)
    with nothing_written():
        page = client.post(reverse("supervision:finding_step", args=[rectified.pk, "verify"]))
        answer = api(staff_a).post(f"/api/v1/supervision/findings/{rectified.pk}/verify/", {})
    assert (page.status_code, answer.status_code) == (403, 403)
    assert Finding.objects.get(pk=rectified.pk).state == Finding.State.RECTIFIED


def test_an_auditor_may_not_file_a_rectification_plan(client, finding, auditor):
    """保障措施 三: only the responsible department rectifies."""
    client.force_login(auditor)
    with nothing_written():
        page = client.post(
            reverse("supervision:finding_step", args=[finding.pk, "plan"]), {"plan-body": "方案"}
        )
        answer = api(auditor).post(
            f"/api/v1/supervision/findings/{finding.pk}/file-plan/", {"body": "方案"}
        )
    assert (page.status_code, answer.status_code) == (403, 403)
    assert Finding.objects.get(pk=finding.pk).state == Finding.State.OPEN


def test_an_inspected_department_may_not_write_the_inspection_report(client, inspection, staff_a):
    """Art. 18: the offices that organise an inspection write its report; the inspected
    department reads the inspection but may not report it."""
    client.force_login(staff_a)
    assert (
        client.get(reverse("supervision:inspection_detail", args=[inspection.pk])).status_code
        == 200
    )
    with nothing_written():
        page = client.post(
            reverse("supervision:inspection_report", args=[inspection.pk]), {"report": "自评"}
        )
        answer = api(staff_a).post(
            f"/api/v1/supervision/inspections/{inspection.pk}/report/", {"report": "自评"}
        )
    assert (page.status_code, answer.status_code) == (403, 403)
    inspection.refresh_from_db()
    assert (inspection.state, inspection.report) == (Inspection.State.REGISTERED, "")


# --- the inspection's state machine -----------------------------------------------------------


def test_an_inspection_is_registered_then_reported_and_its_report_may_be_revised(
    inspection, supervisor
):
    """Art. 18: an inspection ends with its report; a revision is a step of its own."""
    assert inspection.state == Inspection.State.REGISTERED
    services.inspection_report(inspection=inspection, by=supervisor, report="总体进展良好。")
    services.inspection_report(
        inspection=inspection, by=supervisor, report="总体进展良好，一处滞后。"
    )
    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.REPORTED and inspection.reported_at is not None
    steps = list(AuditEvent.objects.for_object(inspection).with_action(inspection, "file_report"))
    assert [(e.from_state, e.to_state) for e in steps] == [
        ("registered", "reported"),
        ("reported", "reported"),
    ]
    assert steps[1].changes["report"] == ["总体进展良好。", "总体进展良好，一处滞后。"]
    # On the target's timeline too (the inspection is about it).
    assert steps[0].scope_object_id == str(inspection.targets.get().pk)


def test_the_data_migration_sets_reported_from_the_report(
    inspection, supervisor, executing, dept_a
):
    """Inspections stored before the state existed: 已报告 when they have a report."""
    services.inspection_report(inspection=inspection, by=supervisor, report="报告")
    other = services.inspection_open(
        by=supervisor,
        plan_year=executing.plan_year,
        kind="daily",
        title="日常跟踪",
        departments=[dept_a],
        started_on=today(),
        inspectors="王五",
    )
    Inspection.objects.update(state="registered")  # as the new column's default left them
    migration = importlib.import_module("supervision.migrations.0004_inspection_state")
    migration.set_state_from_report(django_apps, None)
    states = dict(Inspection.objects.values_list("pk", "state"))
    assert states == {inspection.pk: "reported", other.pk: "registered"}


# --- (c) each record's timeline reads with its own words ---------------------------------------


def test_a_rejected_finding_reads_as_its_own_rejection(client, rectified, supervisor):
    """Art. 14: the finding's 验收不通过 is not another record's 不予批准 (issue 15's bug)."""
    services.finding_reject(finding=rectified, by=supervisor, comment="佐证不足。")
    event = AuditEvent.objects.for_object(rectified).with_action(rectified, "reject").get()
    assert event_label(event) == "验收不通过"
    client.force_login(supervisor)
    page = client.get(reverse("supervision:finding_detail", args=[rectified.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    for words in ["报送整改方案", "报送整改情况", "验收不通过", "佐证不足。", "佐证材料"]:
        assert words in timeline, words
    assert "不予批准" not in timeline


def test_the_order_page_names_each_step_in_its_own_words(client, replied, supervisor):
    services.order_extend(order=replied, by=supervisor, reason="等待审计结果", days=3)
    services.order_send_back(order=replied, by=supervisor, comment="请补充时间表。")
    client.force_login(supervisor)
    page = client.get(reverse("supervision:order_detail", args=[replied.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    for words in ["答复", "延期", "退回重办", "请补充时间表。", "办理时限", "答复部门", "重点督办"]:
        assert words in timeline, words


def test_the_inspection_page_shows_the_report_step(client, inspection, supervisor):
    services.inspection_report(inspection=inspection, by=supervisor, report="总体进展良好。")
    client.force_login(supervisor)
    page = client.get(
        reverse("supervision:inspection_detail", args=[inspection.pk])
    ).content.decode()
    assert 'id="inspection-state"' in page and "已报告" in page
    timeline = page[page.index('id="timeline"') :]
    assert "检查报告" in timeline and "总体进展良好。" in timeline


def test_a_step_about_two_targets_is_on_both_timelines_and_once_on_the_order(
    supervisor, staff_a, executing, plan_year, aspect, dept_a
):
    """Art. 14: each target's timeline shows the order's steps; the order's own record shows
    each step once."""
    second = target_services.target_create(
        by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a, title="第二个目标")
    )
    order = services.order_issue(
        by=supervisor,
        plan_year=plan_year,
        kind="routine",
        title="两项目标的督办",
        requirement="报告进展。",
        departments=[dept_a],
        targets=[executing, second],
        days=5,
    )
    services.order_reply(order=order, by=staff_a, body="已报告。")
    services.order_close(order=order, by=supervisor)
    rows = AuditEvent.objects.for_object(order)
    assert rows.count() == 6
    for target in (executing, second):
        on_target = AuditEvent.objects.for_timeline(target).for_object(order)
        assert [e.verb for e in on_target] == ["create", "reply", "close"]
    assert [item["event"].verb for item in record_timeline(order)] == ["create", "reply", "close"]
    assert [item["label"] for item in record_timeline(order)][1:] == ["答复", "办结"]


def test_a_reply_that_leaves_others_to_answer_is_recorded_without_a_state_change(
    supervisor, staff_a, staff_b, executing, dept_a, dept_b
):
    """Art. 18: the order is 已答复 when every addressed department has answered this round."""
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
    services.order_reply(order=order, by=staff_a, body="甲已办理。")
    first = AuditEvent.objects.for_object(order).with_action(order, "reply").get()
    assert not first.is_transition and event_label(first) == "答复"
    assert first.changes == {"department": [None, str(dept_a)]}
    services.order_reply(order=order, by=staff_b, body="乙已办理。")
    last = AuditEvent.objects.for_object(order).with_action(order, "reply").last()
    assert (last.from_state, last.to_state) == ("issued", "replied")
    assert SupervisionOrder.objects.get(pk=order.pk).state == SupervisionOrder.State.REPLIED


def test_the_api_refuses_a_create_before_reading_its_input(staff_a):
    """Permission before input (403, not 400), through the services' public checks."""
    for path in ["orders/", "findings/", "inspections/", "external-inputs/", "accountability/"]:
        assert api(staff_a).post(f"/api/v1/supervision/{path}", {}).status_code == 403, path
