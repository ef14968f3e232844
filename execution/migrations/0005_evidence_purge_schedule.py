"""Default schedule (django-celery-beat database scheduler, editable in /admin/): each night the
evidence files that no record refers to (left in storage by a rolled-back transaction) and that
are more than a day old are deleted. An existing entry of the same name is left as the
administrator set it."""

from django.db import migrations
from django.utils import timezone

NAME = "清理无主佐证材料文件（execution.purge_orphan_evidence）"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="20",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "execution.purge_orphan_evidence",
            "crontab": schedule,
            "description": "删除没有任何记录引用、且已存放一天以上的佐证材料文件（事务回滚后留下的）。",
        },
    )
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("execution", "0004_quarterly_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
