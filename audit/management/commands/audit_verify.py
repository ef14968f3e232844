"""``manage.py audit_verify``: recompute the audit trail's hash chain and report the first
broken link (issue 17 item 5). Exit status 0 when the chain is intact, 1 otherwise — a cron
job or a monitoring check can run it."""

from django.core.management.base import BaseCommand, CommandError

from audit.integrity import REASONS, verify_trail


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; report the first broken link."

    def handle(self, *args, **options):
        report = verify_trail()
        if report.ok:
            self.stdout.write(
                f"audit chain intact: {report.checked} events, head #{report.head_id} "
                f"{report.head_hash}"
            )
            return
        broken = report.broken
        raise CommandError(
            f"audit chain broken at event #{broken.event_id} (position {broken.position} of the "
            f"trail): {REASONS[broken.reason]}; last good event #{report.head_id} "
            f"{report.head_hash}"
        )
