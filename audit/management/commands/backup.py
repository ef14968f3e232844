"""``manage.py backup --output DIR [--keep N]``: the database (pg_dump -Fc), the media directory
and a manifest of counts and checksums in one archive (audit/management/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from audit.management import backup


class Command(BaseCommand):
    help = "Back up the PostgreSQL database and the media directory into one verified archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="directory for the archive")
        parser.add_argument(
            "--keep", type=int, default=0, help="then delete all but the newest N archives there"
        )

    def handle(self, *args, output, keep, **options):
        directory = Path(output)
        archive = backup.create(directory)
        manifest = backup.read_manifest(archive)
        self.stdout.write(
            f"{archive}: {sum(manifest['tables'].values())} rows in {len(manifest['tables'])}"
            f" tables, {len(manifest['media'])} media files"
        )
        for old in backup.prune(directory, keep):
            self.stdout.write(f"deleted old backup {old}")
