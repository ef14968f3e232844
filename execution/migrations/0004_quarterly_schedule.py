"""Default schedule (django-celery-beat database scheduler, editable in /admin/): each night the
quarterly reports of every quarter whose report due date has passed are drafted or refreshed
(Shanghai Art. 17). An existing entry of the same name is left as the administrator set it."""

from django.db import migrations
from django.utils import timezone

NAME = "季度报告起草（execution.draft_quarterly_reports）"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="50",
        hour="1",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "execution.draft_quarterly_reports",
            "crontab": schedule,
            "description": "季度报告截止后，按本季度已审核进展起草各部门季度报告和目标办季度汇总（第十七条）。",
        },
    )
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("execution", "0003_quarterly"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
