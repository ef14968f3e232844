"""The audit trail's one event format (issue 15) and the migration that rewrote stored rows
into it (audit/migrations/0005). Shanghai measures Art. 14 (全程记录): the rewrite is the only
change ever made to stored rows, inside one migration that lifts the append-only trigger and
restores it before it ends."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL"
    ),
]

BEFORE = [("audit", "0004_timeline_scope")]


def _latest():
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "audit"]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _old_row(cursor, *, model, action, transition="", changes=None, from_state="", to_state=""):
    app_label, model_name = model
    content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    cursor.execute(
        "INSERT INTO audit_auditevent (occurred_at, actor_name, action, content_type_id,"
        " object_id, object_repr, transition, from_state, to_state, changes, comment,"
        " request_id, scope_object_id)"
        " VALUES (now(), '陈目标办', %s, %s, '1', 'x', %s, %s, %s, %s, '', '', '')"
        " RETURNING id",
        [
            action,
            content_type.pk,
            transition,
            from_state,
            to_state,
            json.dumps(changes or {}, ensure_ascii=False),
        ],
    )
    return cursor.fetchone()[0]


@pytest.fixture
def old_format():
    """The database as it was before 0005, with rows written in the old format; afterwards
    migrated to the latest state again whatever the test did."""
    latest = _latest()
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            rows = {
                "adjustment_reject": _old_row(
                    cursor,
                    model=("execution", "adjustmentrequest"),
                    action="transition",
                    transition="reject",
                    from_state="pending",
                    to_state="rejected",
                ),
                "finding_reject": _old_row(
                    cursor,
                    model=("supervision", "finding"),
                    action="transition",
                    transition="reject",
                    from_state="rectified",
                    to_state="plan_filed",
                ),
                "target_create": _old_row(
                    cursor,
                    model=("targets", "target"),
                    action="create",
                    changes={"title": [None, "全市地区生产总值增长6.5%"]},
                ),
                "target_confirm": _old_row(
                    cursor,
                    model=("targets", "target"),
                    action="transition",
                    transition="confirm",
                    from_state="negotiated",
                    to_state="confirmed",
                    changes={"approval_reference": [None, "市政府第8次常务会议"]},
                ),
                "coordination_create": _old_row(
                    cursor,
                    model=("execution", "coordinationitem"),
                    action="create",
                    changes={"coordination_subject": [None, "用地指标"]},
                ),
                "completion_return": _old_row(
                    cursor,
                    model=("execution", "completionreport"),
                    action="transition",
                    transition="return",
                    from_state="submitted",
                    to_state="returned",
                ),
                "order_create": _old_row(
                    cursor,
                    model=("supervision", "supervisionorder"),
                    action="create",
                    changes={"督办类别": [None, "重点督办"], "承办部门": [None, ["市发展改革委"]]},
                ),
                "sheet_update": _old_row(
                    cursor,
                    model=("evaluation", "scoresheet"),
                    action="update",
                    changes={"summary": ["", "总结"], "目标完成情况": [None, "8.5"]},
                ),
            }
        yield rows
    finally:
        _migrate(latest)


def test_old_rows_are_rewritten_to_the_one_format_and_back(old_format):
    """Forward: ``action`` becomes ``<app>.<model>.<verb>``, the transition column goes; the
    two ``reject`` rows are told apart by their models. Backward restores the old columns."""
    _migrate(_latest())
    events = {key: AuditEvent.objects.get(pk=pk) for key, pk in old_format.items()}
    assert events["adjustment_reject"].action == "execution.adjustmentrequest.reject"
    assert events["finding_reject"].action == "supervision.finding.reject"
    assert events["target_create"].action == "targets.target.create"
    assert events["target_create"].changes == {"title": [None, "全市地区生产总值增长6.5%"]}
    assert events["target_confirm"].action == "targets.target.confirm"
    assert (events["target_confirm"].from_state, events["target_confirm"].to_state) == (
        "negotiated",
        "confirmed",
    )

    # Prefixed keys became the model's field names; a step renamed; points folded into entries.
    assert events["coordination_create"].changes == {"subject": [None, "用地指标"]}
    assert events["order_create"].changes == {
        "kind": [None, "重点督办"],
        "departments": [None, ["市发展改革委"]],
    }
    assert events["completion_return"].action == "execution.completionreport.return_report"
    assert events["sheet_update"].action == "evaluation.scoresheet.save_draft"
    assert events["sheet_update"].changes == {
        "summary": ["", "总结"],
        "entries": [{"目标完成情况": None}, {"目标完成情况": "8.5"}],
    }

    _migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, action, transition FROM audit_auditevent WHERE id = ANY(%s) ORDER BY id",
            [list(old_format.values())],
        )
        back = {pk: (action, transition) for pk, action, transition in cursor.fetchall()}
    assert back[old_format["adjustment_reject"]] == ("transition", "reject")
    assert back[old_format["target_create"]] == ("create", "")
    assert back[old_format["completion_return"]] == ("transition", "return")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT changes FROM audit_auditevent WHERE id = %s", [old_format["sheet_update"]]
        )
        (changes,) = cursor.fetchone()
    assert json.loads(changes) == {"summary": ["", "总结"], "目标完成情况": [None, "8.5"]}


def test_the_trigger_refuses_updates_again_after_the_migration(old_format):
    """The trigger is lifted only inside the migration: afterwards the database refuses to
    change a row, as before (audit/migrations/0002)."""
    _migrate(_latest())
    for sql in (
        "UPDATE audit_auditevent SET comment = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [old_format["target_create"]])
    assert AuditEvent.objects.filter(pk=old_format["target_create"]).exists()


def test_the_trigger_is_in_place_while_the_old_format_is_stored(old_format):
    """Migrating backwards also restores the trigger: the old rows are as protected."""
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditevent SET comment = 'x' WHERE id = %s",
            [old_format["target_create"]],
        )
