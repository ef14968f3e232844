"""The default schedules of django-celery-beat's database scheduler (editable in /admin/):
the deadline sweep every morning at 08:30 (Asia/Shanghai), and the e-mail outbox flush every
ten minutes. Existing entries of the same name are left as the administrator set them."""

from django.db import migrations
from django.utils import timezone

SWEEP = "每日到期提醒（notifications.sweep_reminders）"
OUTBOX = "邮件发送补发（notifications.deliver_pending_emails）"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    every_ten, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SWEEP,
        defaults={
            "task": "notifications.tasks.sweep_reminders",
            "crontab": morning,
            "description": "到期提醒：节点目标等到期前3个、1个工作日，当天，逾期及逐级督促。",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=OUTBOX,
        defaults={
            "task": "notifications.tasks.deliver_pending_emails",
            "interval": every_ten,
            "description": "补发因邮件服务器或消息队列故障未送出的提醒邮件。",
        },
    )
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[SWEEP, OUTBOX]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
