"""``manage.py audit_purge --before YYYY-MM-DD``: delete audit events older than that day, never
one younger than ``AUDIT_RETENTION_DAYS`` (at least 180 days); the purge itself is an audit
event and the chain still verifies (``audit.integrity.audit_purge``)."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.integrity import audit_purge


class Command(BaseCommand):
    help = "Delete audit events older than a day, within the retention rule."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD (local time)")

    def handle(self, *args, before, **options):
        try:
            day = datetime.strptime(before, "%Y-%m-%d").date()
        except ValueError:
            raise CommandError(f"--before must be YYYY-MM-DD, not {before!r}") from None
        moment = timezone.make_aware(datetime.combine(day, time.min))
        try:
            count = audit_purge(before=moment)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"purged {count} audit events older than {day}")
