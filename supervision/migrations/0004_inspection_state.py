"""Inspections get a state (issue 15: every state machine an FSM field): 已登记 until the report
is written, 已报告 after. Existing inspections with a report are 已报告."""

import django_fsm
from django.db import migrations
from django.db.models import Q


def set_state_from_report(apps, schema_editor):
    Inspection = apps.get_model("supervision", "Inspection")
    Inspection.objects.filter(Q(reported_at__isnull=False) | ~Q(report="")).update(
        state="reported"
    )


def noop(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_order_coordination_items"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspection",
            name="state",
            field=django_fsm.FSMField(
                choices=[("registered", "已登记"), ("reported", "已报告")],
                db_index=True,
                default="registered",
                max_length=50,
                protected=True,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(set_state_from_report, noop),
    ]
