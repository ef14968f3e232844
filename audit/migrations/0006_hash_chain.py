"""The audit trail becomes a hash chain (issue 17 item 5, ``audit.chain``): four columns, and
every existing event sealed in id order.

The trail is append-only and a trigger refuses UPDATE on PostgreSQL. Like 0005, this migration
alone lifts the trigger for its own writes and restores it before it ends, inside the
migration's transaction: if anything fails, the sealing and the lifting roll back together."""

from django.db import migrations, models

from audit import chain

COLUMNS = ["id", *chain.CONTENT_FIELDS]


def _set_trigger(connection, enabled: bool):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # ALTER TABLE refuses to run while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_auditevent "
                f"{'ENABLE' if enabled else 'DISABLE'} TRIGGER audit_event_append_only"
            )


def seal_existing(apps, schema_editor):
    connection = schema_editor.connection
    name = chain.algorithm()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_auditevent ORDER BY id")
        rows = [dict(zip(COLUMNS, values, strict=True)) for values in cursor.fetchall()]
    if not rows:
        return
    updates, previous = [], chain.GENESIS
    for row in rows:
        fields = chain.link(row, previous, name)
        previous = fields["chain_hash"]
        updates.append(
            (
                fields["hash_algorithm"],
                fields["content_hash"],
                fields["previous_hash"],
                fields["chain_hash"],
                row["id"],
            )
        )
    _set_trigger(connection, False)
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE audit_auditevent SET hash_algorithm = %s, content_hash = %s, "
            "previous_hash = %s, chain_hash = %s WHERE id = %s",
            updates,
        )
    _set_trigger(connection, True)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_one_event_format'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='chain_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='链摘要'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='content_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='内容摘要'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash_algorithm',
            field=models.CharField(blank=True, editable=False, max_length=10, verbose_name='摘要算法'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='previous_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='前一记录摘要'),
        ),
        # Backwards the columns are dropped: nothing to undo.
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
