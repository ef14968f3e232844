"""The execution stage's default schedules for django-celery-beat's database scheduler (editable
in /admin/ like every schedule): each night the early warning of every executing target is
recomputed (Art. 14, 18), and coordination items unresolved at their deadline are escalated to
the responsible vice-mayor (Art. 16). Existing entries of the same name are left as the
administrator set them."""

from django.db import migrations
from django.utils import timezone

WARNINGS = "每日预警重算（execution.recompute_early_warnings）"
ESCALATION = "协调事项到期提请市领导（execution.escalate_overdue_coordination）"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    def nightly(hour, minute):
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=str(minute),
            hour=str(hour),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )
        return schedule

    PeriodicTask.objects.get_or_create(
        name=ESCALATION,
        defaults={
            "task": "execution.escalate_overdue_coordination",
            "crontab": nightly(1, 10),
            "description": "需协调事项到期未解决的，提请分管市领导协调（第十六条）。",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=WARNINGS,
        defaults={
            "task": "execution.recompute_early_warnings",
            "crontab": nightly(1, 30),
            "description": "按进展与时间进度重算每个执行中目标的预警等级（第十四条、第十八条）。",
        },
    )
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[WARNINGS, ESCALATION]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("execution", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
