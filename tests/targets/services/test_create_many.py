"""Creating a list of drafts at once (issue 8: a year's list of a thousand rows imported from
Excel in seconds): ``targets_create_many`` writes each target exactly as ``target_create`` does —
the same permission, rules, codes, rows, revision 1 and audit row — all or nothing, in a number
of queries that does not grow with the list."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.access import access_for
from audit.context import request_id_var
from audit.models import AuditEvent
from targets import services
from targets.models import Target
from tests.conftest import qualitative_input, quantitative_input
from tests.targets.conftest import nothing_written
from workflow.errors import NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_input(aspect, dept_a, dept_b, dept_c, vice_mayor, other_vice_mayor, city_target):
    """Every part a target can have: a parent, leaders, both kinds of department, node targets
    with dates and expected values, numbers to be rounded."""
    import datetime

    def build():
        return quantitative_input(
            aspect,
            dept_a,
            parent=city_target,
            is_key_work=True,
            is_public=True,
            baseline=Decimal("6.00004"),
            target_value=Decimal("6.50005"),
            weight=Decimal("2.5"),
            lead_leader=vice_mayor,
            assisting_secretary=vice_mayor,
            cooperating_leaders=[other_vice_mayor, vice_mayor, other_vice_mayor],
            dept_head_name=" 李主任 ",
            dept_leader_in_charge="王副主任",
            dept_responsible_person="张科长",
            departments=[
                services.DepartmentInput(
                    department=dept_b, role="responsible", acceptance="资金到位"
                ),
                services.DepartmentInput(department=dept_c, role="cooperating", task=" 调研 "),
            ],
            milestones=[
                services.MilestoneInput(
                    quarter=3, description="前三季度6.4%", expected_value=Decimal("6.4")
                ),
                services.MilestoneInput(
                    quarter=1,
                    description=" 一季度6% ",
                    due_date=datetime.date(2027, 3, 20),
                    expected_value=Decimal("6.00004"),
                ),
            ],
        )

    return build


def _fields(target: Target) -> dict:
    values = Target.objects.filter(pk=target.pk).values().get()
    for name in ("id", "code", "created_at", "updated_at"):
        values.pop(name)
    return values


def _rows(target: Target):
    departments = [
        (d.department_id, d.role, d.task, d.acceptance) for d in target.departments.order_by("id")
    ]
    milestones = [
        (m.quarter, m.due_date, m.description, m.expected_value, m.status)
        for m in target.milestones.order_by("id")
    ]
    leaders = sorted(target.cooperating_leaders.values_list("pk", flat=True))
    return departments, milestones, leaders


def _revision(target: Target):
    (revision,) = target.revisions.all()
    return revision.number, revision.snapshot, revision.created_by_id


def _audit(target: Target) -> dict:
    (event,) = AuditEvent.objects.for_object(target).values()
    # The chain hashes differ by position in the chain, not by content of the event.
    for name in (
        "id",
        "occurred_at",
        "object_id",
        "object_repr",
        "content_hash",
        "previous_hash",
        "chain_hash",
    ):
        event.pop(name)
    return event


def test_a_target_of_a_list_equals_one_created_alone(plan_year, office, rich_input):
    token = request_id_var.set("req-import-1")
    try:
        alone = services.target_create(
            by=office, plan_year=plan_year, data=rich_input(), imported=True
        )
        (listed,) = services.targets_create_many(
            by=office, plan_year=plan_year, inputs=[rich_input()], imported=True
        )
    finally:
        request_id_var.reset(token)
    alone.refresh_from_db()
    listed.refresh_from_db()
    assert (alone.code, listed.code) == ("2027-0002", "2027-0003")  # 0001: the city target
    assert _fields(listed) == _fields(alone)
    assert _rows(listed) == _rows(alone)
    assert _revision(listed) == _revision(alone)
    assert _audit(listed) == _audit(alone)
    (event,) = AuditEvent.objects.for_object(listed)
    assert event.object_repr == str(listed)
    assert event.request_id == "req-import-1" and event.comment == "由Excel导入"
    # The snapshot built from the rows as inserted is the one read back from the database.
    assert listed.revisions.get().snapshot == services.target_snapshot(listed)
    assert alone.revisions.get().snapshot == services.target_snapshot(alone)
    snapshot = listed.revisions.get().snapshot
    assert snapshot["target_value"] == "6.5001" and snapshot["dept_head_name"] == "李主任"
    assert [m["quarter"] for m in snapshot["milestones"]] == [1, 3]
    assert [d["role"] for d in snapshot["departments"]] == ["cooperating", "responsible"]
    assert snapshot["cooperating_leaders"] == ["刘副市长", "王副市长"]


def test_codes_follow_on_and_count_the_list_itself(plan_year, aspect, dept_a, staff_a):
    services.target_create(by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a))
    created = services.targets_create_many(
        by=staff_a,
        plan_year=plan_year,
        inputs=[
            qualitative_input(aspect, dept_a),
            qualitative_input(aspect, dept_a, code="2027-0007"),
            qualitative_input(aspect, dept_a),
            qualitative_input(aspect, dept_a, code="HP-1"),
        ],
    )
    assert [t.code for t in created] == ["2027-0002", "2027-0007", "2027-0008", "HP-1"]


def test_a_code_used_earlier_in_the_list_is_refused(plan_year, aspect, dept_a, staff_a):
    with nothing_written(), pytest.raises(ValidationFailed) as refused:
        services.targets_create_many(
            by=staff_a,
            plan_year=plan_year,
            inputs=[
                qualitative_input(aspect, dept_a),
                qualitative_input(aspect, dept_a, code="2027-0001"),
            ],
            rows=[5, 6],
        )
    assert refused.value.message == (
        "第6行未能保存：编号“2027-0001”在本年度已被使用。未保存任何目标。"
    )


def test_a_user_who_may_not_create_is_refused(plan_year, aspect, dept_a, dept_b, staff_a, auditor):
    with nothing_written(), pytest.raises(NotPermitted):
        services.targets_create_many(
            by=auditor, plan_year=plan_year, inputs=[qualitative_input(aspect, dept_a)]
        )
    # A department drafts only its own targets: the other department's row is named.
    with nothing_written(), pytest.raises(NotPermitted) as refused:
        services.targets_create_many(
            by=staff_a,
            plan_year=plan_year,
            inputs=[qualitative_input(aspect, dept_a), qualitative_input(aspect, dept_b)],
            imported=True,
            rows=[2, 3],
        )
    assert refused.value.message.startswith("第3行未能保存：您只能为本部门拟定目标")


def test_a_bad_row_in_the_middle_writes_nothing(plan_year, aspect, dept_a, office):
    inputs = [quantitative_input(aspect, dept_a) for _ in range(5)]
    inputs[2] = quantitative_input(aspect, dept_a, title=" ", target_value=None)
    with nothing_written(), pytest.raises(ValidationFailed) as refused:
        services.targets_create_many(
            by=office, plan_year=plan_year, inputs=inputs, imported=True, rows=range(2, 7)
        )
    assert refused.value.message == (
        "第4行未能保存：请填写目标名称。定量目标须填写目标值。未保存任何目标。"
    )
    assert set(refused.value.field_errors) == {"title", "target_value"}


def test_nothing_is_created_outside_the_drafting_window(plan_year, aspect, dept_a, staff_a):
    plan_year.status = plan_year.Status.EXECUTING
    plan_year.save()
    with nothing_written(), pytest.raises(ValidationFailed):
        services.targets_create_many(
            by=staff_a, plan_year=plan_year, inputs=[qualitative_input(aspect, dept_a)]
        )


# The plan year locked; the year's codes; then one insert each of targets, cooperating
# leaders, departments, node targets, revisions and audit rows; the savepoint and its release;
# the audit hash chain (issue 17 item 5): its advisory lock, the chain head read, and the
# sealed hashes written back — four, whatever the number of rows.
CREATE_MANY_QUERIES = 14


@pytest.mark.parametrize("n", [10, 300])
def test_queries_do_not_grow_with_the_list(
    n, plan_year, aspect, dept_a, dept_b, dept_c, office, vice_mayor, other_vice_mayor
):
    def row(i):
        return quantitative_input(
            aspect,
            dept_a if i % 2 else dept_b,
            code=f"HP-{i:04d}",
            lead_leader=vice_mayor,
            cooperating_leaders=[other_vice_mayor],
            departments=[
                services.DepartmentInput(department=dept_c, role="cooperating", task="配合")
            ],
        )

    inputs = [row(i) for i in range(n)]
    # Read once per process or per user object whatever the list: the content type, and who
    # the users are (cached on the user, the same objects on every row).
    ContentType.objects.get_for_model(Target)
    for user in (office, vice_mayor, other_vice_mayor):
        access_for(user)
    with CaptureQueriesContext(connection) as queries:
        services.targets_create_many(by=office, plan_year=plan_year, inputs=inputs, imported=True)
    assert len(queries) == CREATE_MANY_QUERIES, [q["sql"][:60] for q in queries]
    assert Target.objects.filter(plan_year=plan_year).count() == n
    assert AuditEvent.objects.filter(content_type__model="target").count() == n
