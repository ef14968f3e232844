"""The documents' default schedule for django-celery-beat's database scheduler, like every other
schedule a row editable in /admin/: every hour, expired files are deleted and jobs stuck past
DOCUMENTS_STUCK_AFTER_MINUTES are failed with a message. An existing entry of the same name is
left as the administrator set it."""

from django.db import migrations
from django.utils import timezone

PURGE = "过期文档清理（documents.tasks.purge_expired_documents）"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name=PURGE,
        defaults={
            "task": "documents.tasks.purge_expired_documents",
            "interval": hourly,
            "description": "删除过期的文档文件，并将长时间未完成的生成任务标记为失败。",
        },
    )
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=PURGE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_quarterly_document_kinds"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
