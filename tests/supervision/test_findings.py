"""问题清单与整改 (efficiency opinions 保障措施 三; 六.6 限期整改): a finding names the responsible
department, leader and deadline; the department files a plan, then a report with evidence; the
supervision office verifies or rejects it back."""

import datetime

import pytest

from audit.models import AuditEvent
from supervision import selectors, services
from supervision.deadlines import today
from supervision.models import Finding, Rectification
from workflow.errors import Conflict, NotPermitted, ValidationFailed

from .conftest import nothing_written, pdf

pytestmark = pytest.mark.django_db


def test_a_finding_names_department_leader_and_deadline(finding, dept_a, executing):
    assert finding.code == f"问〔{executing.plan_year.year}〕1号"
    assert finding.state == Finding.State.OPEN
    assert finding.responsible_department == dept_a
    assert finding.responsible_leader == "李主任"
    assert list(finding.targets.all()) == [executing]


def test_a_finding_without_a_responsible_department_is_refused(supervisor, executing):
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.finding_record(
            by=supervisor,
            plan_year=executing.plan_year,
            source="audit",
            title="问题",
            description="描述",
            responsible_department=None,
            days=10,
        )
    assert caught.value.field_errors["responsible_department"] == ["请指定问题的责任单位。"]


def test_a_finding_from_an_inspection_must_name_the_inspection(supervisor, executing, dept_a):
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.finding_record(
            by=supervisor,
            plan_year=executing.plan_year,
            source="inspection",
            title="问题",
            description="描述",
            responsible_department=dept_a,
            days=10,
        )
    assert "请选择来源检查" in caught.value.field_errors["inspection"][0]


def test_a_finding_deadline_in_the_past_is_refused(supervisor, executing, dept_a):
    with nothing_written(), pytest.raises(ValidationFailed, match="问题未登记"):
        services.finding_record(
            by=supervisor,
            plan_year=executing.plan_year,
            source="leader",
            title="问题",
            description="描述",
            responsible_department=dept_a,
            deadline=datetime.date(2020, 5, 1),
        )


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "auditor", "vice_mayor", "outsider"])
def test_only_the_offices_record_findings(request, persona, executing, dept_a):
    with nothing_written(), pytest.raises(NotPermitted):
        services.finding_record(
            by=request.getfixturevalue(persona),
            plan_year=executing.plan_year,
            source="leader",
            title="问题",
            description="描述",
            responsible_department=dept_a,
            days=10,
        )


def test_open_plan_rectified_rejected_rectified_verified(
    finding, staff_a, head_a, supervisor, executing
):
    services.finding_file_plan(finding=finding, by=staff_a, body="6月底前完成项目开工。")
    services.finding_report_rectified(
        finding=finding, by=head_a, body="已开工8个。", evidence=pdf("现场照片.pdf")
    )
    finding = services.finding_reject(finding=finding, by=supervisor, comment="还有2个未开工。")
    assert finding.state == Finding.State.REJECTED
    services.finding_report_rectified(
        finding=finding, by=staff_a, body="全部开工。", evidence=pdf()
    )
    finding = services.finding_verify(finding=finding, by=supervisor, comment="验收通过。")
    assert finding.state == Finding.State.VERIFIED and finding.verified_at is not None
    kinds = list(Rectification.objects.filter(finding=finding).values_list("kind", flat=True))
    assert kinds == ["plan", "report", "report"]
    steps = [
        (e.verb, e.to_state)
        for e in AuditEvent.objects.for_timeline(executing).for_object(finding)
        if e.is_transition
    ]
    assert steps == [
        ("file_plan", "plan_filed"),
        ("report_rectified", "rectified"),
        ("reject", "rejected"),
        ("report_rectified", "rectified"),
        ("verify", "verified"),
    ]


@pytest.mark.parametrize("persona", ["staff_b", "head_b", "supervisor", "auditor", "vice_mayor"])
def test_only_the_responsible_department_rectifies(request, finding, persona):
    with nothing_written(), pytest.raises(NotPermitted):
        services.finding_file_plan(
            finding=finding, by=request.getfixturevalue(persona), body="方案"
        )


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "auditor", "vice_mayor"])
def test_only_the_offices_verify(request, finding, staff_a, persona):
    services.finding_file_plan(finding=finding, by=staff_a, body="方案")
    services.finding_report_rectified(finding=finding, by=staff_a, body="已整改")
    with nothing_written(), pytest.raises(NotPermitted):
        services.finding_verify(finding=finding, by=request.getfixturevalue(persona))


def test_a_rejection_needs_a_reason_and_steps_follow_the_states(finding, staff_a, supervisor):
    with nothing_written(), pytest.raises(Conflict, match="待整改"):
        services.finding_report_rectified(finding=finding, by=staff_a, body="跳过方案")
    with nothing_written(), pytest.raises(Conflict):
        services.finding_verify(finding=finding, by=supervisor)
    services.finding_file_plan(finding=finding, by=staff_a, body="方案")
    services.finding_report_rectified(finding=finding, by=staff_a, body="已整改")
    with nothing_written(), pytest.raises(ValidationFailed, match="请填写验收意见"):
        services.finding_reject(finding=finding, by=supervisor, comment=" ")


def test_problems_to_rectify_and_overdue(finding, staff_a, staff_b, supervisor):
    assert list(selectors.problems_to_rectify(staff_a)) == [finding]
    assert list(selectors.problems_to_rectify(staff_b)) == []
    Finding.objects.filter(pk=finding.pk).update(deadline=today() - datetime.timedelta(days=2))
    assert selectors.finding_list(supervisor).get(pk=finding.pk).is_overdue
    services.finding_file_plan(finding=finding, by=staff_a, body="方案")
    # A plan is not the rectification: still owed, still overdue.
    assert selectors.finding_list(supervisor).get(pk=finding.pk).is_overdue
    services.finding_report_rectified(finding=finding, by=staff_a, body="已整改")
    assert not selectors.finding_list(supervisor).get(pk=finding.pk).is_overdue
    assert list(selectors.problems_to_rectify(staff_a)) == []


def test_a_finding_from_an_order_links_back(order, supervisor, dept_a):
    finding = services.finding_record(
        by=supervisor,
        plan_year=order.plan_year,
        source="order",
        order=order,
        title="答复不实",
        description="答复中的开工数与现场不符。",
        responsible_department=dept_a,
        days=15,
    )
    assert list(order.findings.all()) == [finding]
