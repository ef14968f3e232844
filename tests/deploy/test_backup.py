"""Issue 18 item 5: ``manage.py backup`` saves the database (pg_dump -Fc) and the media
directory with a manifest (row counts per table, checksums, migrations, audit trail head);
``manage.py restore`` puts it into a new, empty database on another "machine" (a fresh database
name, another media directory) and proves it against the manifest. A damaged archive, or a
database that is not empty, is refused before anything is written (Shanghai measures Art. 14
全程记录: the record survives the loss of the server)."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.management import backup
from audit.models import AuditEvent
from documents import services as document_services

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are of PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(settings.BASE_DIR)


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def fresh_database():
    """``fresh_database()``: the URL of a new, empty database, dropped at the end."""
    names = []

    def make():
        name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        return _url(name)

    yield make
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restore(archive: Path, database_url: str, media_root: Path, *extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "restore", str(archive), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def _counts(dsn: str) -> dict[str, int]:
    with closing(psycopg2.connect(dsn)) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        return counts


def _checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def archive(media, submitted, auditor, tmp_path):
    """A backup of a database with a target, its audit trail, a generated dossier (a file under
    media/documents/) and an evidence-like file."""
    job = document_services.document_request(
        by=auditor, kind="target_dossier", params={"target": submitted.pk}
    )
    job.refresh_from_db()
    assert job.file
    evidence = media / "evidence" / "2027" / "证明材料.pdf"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"%PDF-1.4 evidence " + os.urandom(64))
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    [path] = (tmp_path / "backups").glob("mubiao-backup-*.tar")
    assert str(path) in out.getvalue()
    return path


def test_a_backup_restores_onto_a_new_database_with_every_row_and_file(
    archive, media, fresh_database, tmp_path
):
    manifest = backup.read_manifest(archive)
    source = _counts(_url(connection.settings_dict["NAME"]))
    assert manifest["tables"] == source
    assert manifest["tables"]["targets_target"] == 1
    assert manifest["tables"]["audit_auditevent"] == AuditEvent.objects.count() > 0
    assert manifest["audit_head"]["id"] == AuditEvent.objects.latest("id").pk
    assert ["documents", "0006_outbox"] in manifest["migrations"]
    assert set(manifest["media"]) == set(_checksums(media)) and len(manifest["media"]) == 2

    target_url = fresh_database()
    restored_media = tmp_path / "new-machine" / "media"
    done = _restore(archive, target_url, restored_media)
    assert done.returncode == 0, done.stderr
    assert "all matching the manifest" in done.stdout
    assert _counts(target_url) == source
    assert _checksums(restored_media) == _checksums(media)
    # The audit trail is still append-only in the restored database (its trigger came along).
    with closing(psycopg2.connect(target_url)) as conn, pytest.raises(psycopg2.Error):
        conn.cursor().execute("UPDATE audit_auditevent SET comment = 'rewritten'")

    # Restoring again over it is refused: only into an empty database.
    again = _restore(archive, target_url, tmp_path / "other-media")
    assert again.returncode != 0 and "not empty" in again.stderr
    assert _counts(target_url) == source


def test_a_damaged_archive_is_refused_before_anything_is_written(archive, fresh_database, tmp_path):
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as original, tarfile.open(damaged, "w") as copy:
        for member in original:
            data = original.extractfile(member).read()
            if member.name.startswith("media/evidence/"):
                data = data[:-1] + bytes([data[-1] ^ 1])  # one bit of one file
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    check = _restore(
        damaged, _url(connection.settings_dict["NAME"]), tmp_path / "x", "--verify-only"
    )
    assert (
        check.returncode != 0
        and "checksum differs: media/evidence/2027/证明材料.pdf" in check.stderr
    )
    target_url = fresh_database()
    done = _restore(damaged, target_url, tmp_path / "restored")
    assert done.returncode != 0
    assert _counts(target_url) == {}
    assert not (tmp_path / "restored").exists()
    assert _restore(archive, target_url, tmp_path / "x", "--verify-only").returncode == 0


def test_something_that_is_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w") as tar:
        data = json.dumps({"format": 99}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="unknown backup format"):
        call_command("restore", str(bogus))
    with pytest.raises(CommandError, match="not a Mubiao backup"):
        call_command("restore", str(tmp_path / "missing.tar"))
