"""The outbox of document jobs (issue 18 item 2): when the broker took a job's message, and
which message started it; and the re-send schedule, a row of django-celery-beat's database
scheduler like every other schedule (editable in /admin/; an existing entry of the same name is
left as the administrator set it)."""

from django.db import migrations, models
from django.utils import timezone

RESEND = "文档任务补发（documents.tasks.resend_queued_documents）"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_two, _ = IntervalSchedule.objects.get_or_create(every=2, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=RESEND,
        defaults={
            "task": "documents.tasks.resend_queued_documents",
            "interval": every_two,
            "description": "重新发送因消息队列故障未能送出、仍在排队的文档生成任务。",
        },
    )
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=RESEND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_state_machines"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentjob",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="送入队列时间"),
        ),
        migrations.AddField(
            model_name="documentjob",
            name="task_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="任务消息编号"),
        ),
        migrations.RunPython(create, remove),
    ]
