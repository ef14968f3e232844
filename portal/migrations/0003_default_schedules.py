"""The portal's default schedules (django-celery-beat's database scheduler, editable in /admin/):
every hour the subscribers' digests (at most one per subscriber per day, the database refuses a
second), the outbox flush, and the rebuild of every public record (changes recorded in bulk send
no signal). An existing entry of the same name is left as the administrator set it."""

from django.db import migrations
from django.utils import timezone

TASKS = {
    "公众订阅摘要（portal.tasks.send_public_digests）": (
        "portal.tasks.send_public_digests",
        "向确认订阅的公众发送关注目标的动态摘要，每人每天最多一封。",
    ),
    "公众订阅邮件补发（portal.tasks.flush_public_notices）": (
        "portal.tasks.flush_public_notices",
        "补发待发送或发送失败（已过等待时间）的订阅邮件。",
    ),
    "公开目标数据重建（portal.tasks.refresh_public_targets）": (
        "portal.tasks.refresh_public_targets",
        "按最新的已审核数据重建每个公开目标的公开内容。",
    ),
}


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    for name, (task, description) in TASKS.items():
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": hourly, "description": description}
        )
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=list(TASKS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_subscriptions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
