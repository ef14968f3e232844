"""The subscribers' e-mails move into the one notification outbox (issue 21 item 5): messages
still waiting in ``PublicNotice`` become e-mail-only ``Notification`` rows (same keys: one
digest and one confirmation per address and day), the portal's own flush schedule goes (the
notification outbox flush sends them), and ``PublicNotice`` is deleted."""

from django.conf import settings
from django.db import migrations

FLUSH = "公众订阅邮件补发（portal.tasks.flush_public_notices）"


def move_waiting(apps, schema_editor):
    PublicNotice = apps.get_model("portal", "PublicNotice")
    Notification = apps.get_model("notifications", "Notification")
    rows = []
    for notice in PublicNotice.objects.filter(status__in=["pending", "sending"]).select_related(
        "subscription"
    ):
        token = notice.subscription.token
        rows.append(
            Notification(
                recipient_email=notice.subscription.email,
                kind=f"portal.{notice.kind}",
                key=f"portal.{notice.kind}:{notice.day.isoformat()}",
                title=notice.subject,
                body=notice.body,
                unsubscribe_url=f"{settings.SITE_URL}/gongkai/subscriptions/{token}/unsubscribe/",
                email_status="pending",
                email_attempts=notice.attempts,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=FLUSH).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_default_schedules"),
        ("notifications", "0004_address_recipients"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        # Backwards the old table comes back empty: sent history is not rebuilt.
        migrations.RunPython(move_waiting, migrations.RunPython.noop),
        migrations.DeleteModel(name="PublicNotice"),
    ]
