"""One audit event format for every app (issue 15).

Before: ``action`` was create / update / transition / comment / delete with the transition's
name in a separate ``transition`` column, so ``reject`` meant two things, and change keys were
model field names in targets, prefixed names in execution and Chinese words in supervision.
After: ``action`` is ``<app_label>.<model_name>.<verb>`` and every change key is a field name
of the event's model (labels are resolved when shown, from the models).

The trail is append-only and a trigger refuses UPDATE on PostgreSQL. This migration alone lifts
the trigger for its own rewrite and restores it before it ends, inside the migration's
transaction: if anything fails, the rewrite and the lifting roll back together.
"""

from django.db import migrations, models

# Change keys renamed to the field names of the event's model, per (app_label, model_name).
RENAMED_KEYS: dict[tuple[str, str], dict[str, str]] = {
    ("execution", "coordinationitem"): {
        "coordination_subject": "subject",
        "coordination_departments": "departments",
        "coordination_due_date": "due_date",
        "coordination_leader": "leader",
        "coordination_duties": "duties",
    },
    ("execution", "completionreport"): {"completion_evidence": "evidence"},
    ("execution", "quarterlyreport"): {"instruction": "instructions"},
    # Supervision wrote its labels as keys; the keys are now the fields they labelled.
    ("supervision", "supervisionorder"): {
        "督办类别": "kind",
        "督办事项": "title",
        "督办要求": "requirement",
        "承办部门": "departments",
        "办理时限": "deadline",
        "责任领导": "responsible_leader",
        "涉及协调事项": "coordination_items",
        "答复部门": "department",
        "佐证材料": "evidence",
    },
    ("supervision", "finding"): {
        "问题来源": "source",
        "问题": "title",
        "责任单位": "responsible_department",
        "整改时限": "deadline",
        "牵头领导": "responsible_leader",
        "佐证材料": "evidence",
    },
    ("supervision", "inspection"): {
        "检查类别": "kind",
        "检查名称": "title",
        "被检查部门": "departments",
        "检查人员": "inspectors",
        "检查报告": "report",
        "结束日期": "ended_on",
    },
    ("supervision", "externalinput"): {
        "来源": "source",
        "编号": "reference",
        "内容摘要": "summary",
        "涉及部门": "departments",
    },
}

# Verbs renamed, per (app_label, model_name): a step that became a transition of its own name
# (``return`` is no Python method name), a reminder told apart from a comment.
RENAMED_VERBS: dict[tuple[str, str], dict[str, str]] = {
    ("execution", "completionreport"): {"return": "return_report"},
    ("evaluation", "evaluationscheme"): {"comment": "remind"},
    ("evaluation", "scoresheet"): {"update": "save_draft"},
    ("supervision", "inspection"): {"report": "file_report"},
}


def _fold(changes, *, keep, key_of, into):
    """Move the changes whose key ``key_of`` maps (others in ``keep`` stay) into one change
    ``into`` = ``[{name: before}, {name: after}]``."""
    folded, before, after = {}, {}, {}
    for key, value in changes.items():
        name = None if key in keep else key_of(key)
        if name is None:
            folded[key] = value
            continue
        pair = value if isinstance(value, list) and len(value) == 2 else [None, value]
        before[name], after[name] = pair
    if before or after:
        folded[into] = [before, after]
    return folded


def _unfold(changes, *, into, key_for):
    if into not in changes or not isinstance(changes[into], list):
        return changes
    before, after = changes[into]
    unfolded = {k: v for k, v in changes.items() if k != into}
    for name in dict.fromkeys([*(before or {}), *(after or {})]):
        unfolded[key_for(name)] = [(before or {}).get(name), (after or {}).get(name)]
    return unfolded


def _reshapers(connection):
    """Changes whose shape, not only their keys, became a field's: a score sheet's points per
    indicator became its ``entries``; a quarterly report's ``narrative:<target id>`` keys its
    ``items`` by target code."""
    codes = {}
    # On a new database audit migrates before targets exists (and has no rows to rewrite).
    if "targets_target" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, code FROM targets_target")
            codes = {str(pk): code for pk, code in cursor.fetchall()}
    ids = {code: pk for pk, code in codes.items()}

    def narrative_code(key):
        if key.startswith("narrative:"):
            return codes.get(key.split(":", 1)[1], key.split(":", 1)[1])
        return None

    forwards = {
        ("evaluation", "scoresheet"): lambda c: _fold(
            c, keep={"summary", "entries"}, key_of=lambda k: k, into="entries"
        ),
        ("execution", "quarterlyreport"): lambda c: _fold(
            c, keep=set(), key_of=narrative_code, into="items"
        ),
    }
    backwards = {
        ("evaluation", "scoresheet"): lambda c: _unfold(c, into="entries", key_for=lambda n: n),
        ("execution", "quarterlyreport"): lambda c: _unfold(
            c, into="items", key_for=lambda n: f"narrative:{ids.get(n, n)}"
        ),
    }
    return forwards, backwards


GENERIC_VERBS = ("create", "update", "comment", "delete")


def _content_types(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, app_label, model FROM django_content_type")
        return {pk: (app, model) for pk, app, model in cursor.fetchall()}


def _set_trigger(connection, enabled: bool):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE audit_auditevent "
                f"{'ENABLE' if enabled else 'DISABLE'} TRIGGER audit_event_append_only"
            )


def _rewrite(connection, rows_sql, transform):
    """Apply ``transform(row) -> (action, transition, changes) | None`` to every row."""
    import json

    with connection.cursor() as cursor:
        cursor.execute(rows_sql)
        rows = cursor.fetchall()
    updates = []
    for row in rows:
        new = transform(row)
        if new is not None:
            action, transition, changes = new
            updates.append((action, transition, json.dumps(changes, ensure_ascii=False), row[0]))
    if updates:
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE audit_auditevent SET action = %s, transition = %s, changes = %s "
                "WHERE id = %s",
                updates,
            )


def _changes(value):
    import json

    if isinstance(value, str):
        return json.loads(value or "{}")
    return value or {}


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    types = _content_types(connection)
    reshape, _unused = _reshapers(connection)

    def transform(row):
        pk, content_type_id, action, transition, changes = row
        app, model = types.get(content_type_id, ("", ""))
        verb = transition or action
        verb = RENAMED_VERBS.get((app, model), {}).get(verb, verb)
        renames = RENAMED_KEYS.get((app, model), {})
        changes = _changes(changes)
        changes = {renames.get(k, k): v for k, v in changes.items()}
        if (app, model) in reshape:
            changes = reshape[(app, model)](changes)
        return f"{app}.{model}.{verb}", "", changes

    _set_trigger(connection, False)
    _rewrite(
        connection,
        "SELECT id, content_type_id, action, transition, changes FROM audit_auditevent",
        transform,
    )
    _set_trigger(connection, True)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    types = _content_types(connection)
    _unused, unshape = _reshapers(connection)

    def transform(row):
        pk, content_type_id, action, to_state, changes = row
        app, model = types.get(content_type_id, ("", ""))
        verb = action.rsplit(".", 1)[-1]
        verb = {v: k for k, v in RENAMED_VERBS.get((app, model), {}).items()}.get(verb, verb)
        changes = _changes(changes)
        if (app, model) in unshape:
            changes = unshape[(app, model)](changes)
        renames = {v: k for k, v in RENAMED_KEYS.get((app, model), {}).items()}
        changes = {renames.get(k, k): v for k, v in changes.items()}
        if to_state:
            return "transition", verb, changes
        if verb in GENERIC_VERBS:
            return verb, "", changes
        return "update", verb, changes

    _set_trigger(connection, False)
    _rewrite(
        connection,
        "SELECT id, content_type_id, action, to_state, changes FROM audit_auditevent",
        transform,
    )
    _set_trigger(connection, True)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_timeline_scope")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(max_length=100, verbose_name="操作"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="auditevent", name="transition"),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(db_index=True, max_length=100, verbose_name="操作"),
        ),
    ]
