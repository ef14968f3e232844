"""``manage.py restore ARCHIVE``: into a new, empty database (DATABASE_URL) and MEDIA_ROOT;
every checksum is checked before anything is written and every count after."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from audit.management import backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and the media directory, verified."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="only check the archive's checksums against its manifest",
        )

    def handle(self, *args, archive, verify_only, **options):
        path = Path(archive)
        manifest = backup.read_manifest(path)
        if verify_only:
            backup.verify_archive(path, manifest)
            self.stdout.write(f"{path}: every checksum matches the manifest")
            return
        backup.restore(path, media_root=Path(settings.MEDIA_ROOT))
        self.stdout.write(
            f"restored {path} (taken {manifest['created_at']}): "
            f"{sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables and "
            f"{len(manifest['media'])} media files, all matching the manifest"
        )
        pending = backup.unapplied_migrations()
        if pending:
            self.stdout.write(
                f"{len(pending)} migrations of this version are not applied yet: "
                "run `manage.py migrate`"
            )
