"""Backups that restore everything (issue 18 item 5): one archive holding the PostgreSQL
database (``pg_dump -Fc``), the media directory (evidence files, generated documents, uploads)
and a manifest — row counts per table, the applied migrations, the head of the audit trail, and
the SHA-256 of the dump and of every file. The counts and the dump come from one snapshot of the
database (``pg_export_snapshot`` shared with ``pg_dump --snapshot``), so they agree exactly;
``restore`` checks every checksum before it touches anything and every count after.

Archive layout (a plain tar: the dump is compressed already, PDFs and spreadsheets too)::

    manifest.json
    database.dump
    media/<path as under MEDIA_ROOT>
"""

import datetime
import hashlib
import io
import json
import os
import posixpath
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media/"
CHUNK = 1024 * 1024


def sha256_of(stream) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise CommandError("backup and restore need PostgreSQL (DATABASE_URL=postgres://…)")


def pg_environment() -> tuple[list[str], dict]:
    """The connection arguments of the pg_* tools for the default database."""
    db = settings.DATABASES["default"]
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return args + ["--dbname", db["NAME"]], env


def pg_tool(name: str) -> str:
    path = shutil.which(name, path=os.environ.get("PG_BIN_DIR") or None) or shutil.which(name)
    if not path:
        raise CommandError(f"{name} not found (Debian: postgresql-client; or set PG_BIN_DIR)")
    return path


def database_state() -> dict:
    """Row counts per table, applied migrations and the audit trail's head, as the current
    transaction sees the database."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        migrations = []
        if "django_migrations" in tables:
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            migrations = [list(row) for row in cursor.fetchall()]
        head = None
        if "audit_auditevent" in tables:
            cursor.execute(
                "SELECT id, occurred_at, action, object_id FROM audit_auditevent"
                " ORDER BY id DESC LIMIT 1"
            )
            row = cursor.fetchone()
            if row:
                head = {
                    "id": row[0],
                    "occurred_at": row[1].isoformat(),
                    "action": row[2],
                    "object_id": row[3],
                }
    return {"tables": counts, "migrations": migrations, "audit_head": head}


def media_files(root: Path):
    """(relative posix path, absolute path) of every file under ``root``, sorted."""
    if not root.is_dir():
        return []
    found = []
    for directory, _dirs, files in os.walk(root):
        for name in files:
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def create(output: Path) -> Path:
    """Write a backup archive into the directory ``output``; returns its path."""
    require_postgresql()
    output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = output / f"mubiao-backup-{stamp}.tar"
    partial = archive.with_suffix(".tar.partial")
    dump = output / f".{archive.name}.dump"
    args, env = pg_environment()
    try:
        # One snapshot for the counts and the dump: what the manifest says is what the dump holds.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            state = database_state()
            done = subprocess.run(  # noqa: S603 - fixed arguments, our own database
                [
                    pg_tool("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                    *args,
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
        with dump.open("rb") as f:
            dump_sha, dump_bytes = sha256_of(f)
        root = Path(settings.MEDIA_ROOT)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": {
                "name": settings.DATABASES["default"]["NAME"],
                "server_version": server_version,
            },
            "dump": {"file": DUMP, "sha256": dump_sha, "bytes": dump_bytes},
            **state,
            "media": {},
        }
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=DUMP)
            for relative, path in media_files(root):
                with path.open("rb") as f:
                    digest, size = sha256_of(f)
                manifest["media"][relative] = {"sha256": digest, "bytes": size}
                tar.add(path, arcname=MEDIA + relative)
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        partial.replace(archive)
    finally:
        dump.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return archive


def prune(output: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives in ``output``."""
    archives = sorted(output.glob("mubiao-backup-*.tar"))
    old = archives[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


# --- restore ------------------------------------------------------------------------------


def _safe_member(name: str) -> str:
    normal = posixpath.normpath(name)
    if normal.startswith(("/", "../")) or normal == ".." or normal != name:
        raise CommandError(f"unsafe path in the archive: {name!r}")
    return normal


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.getmember(MANIFEST)
            manifest = json.load(tar.extractfile(member))
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise CommandError(f"{archive} is not a Mubiao backup: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise CommandError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def verify_archive(archive: Path, manifest: dict) -> None:
    """Every file of the archive against the manifest's checksum, and nothing missing or extra;
    raises CommandError listing what does not match."""
    expected = {DUMP: manifest["dump"]["sha256"]}
    expected.update({MEDIA + k: v["sha256"] for k, v in manifest["media"].items()})
    seen, problems = set(), []
    with tarfile.open(archive, "r") as tar:
        for member in tar:
            name = _safe_member(member.name)
            if name == MANIFEST:
                continue
            if not member.isfile() or name not in expected:
                problems.append(f"not in the manifest: {name}")
                continue
            digest, _size = sha256_of(tar.extractfile(member))
            if digest != expected[name]:
                problems.append(f"checksum differs: {name}")
            seen.add(name)
    problems += [f"missing from the archive: {name}" for name in sorted(set(expected) - seen)]
    if problems:
        raise CommandError("the archive does not match its manifest:\n  " + "\n  ".join(problems))


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(archive: Path, *, media_root: Path, stdout=None) -> dict:
    """Restore ``archive`` into the (empty) default database and ``media_root``, then check the
    result against the manifest. Returns the manifest."""
    require_postgresql()
    manifest = read_manifest(archive)
    verify_archive(archive, manifest)
    if not database_is_empty():
        raise CommandError(
            f"database {settings.DATABASES['default']['NAME']!r} is not empty: restore only into"
            " a new, empty database"
        )
    clashes = []
    for relative, entry in manifest["media"].items():
        target = media_root / relative
        if target.exists():
            with target.open("rb") as f:
                if sha256_of(f)[0] != entry["sha256"]:
                    clashes.append(relative)
    if clashes:
        raise CommandError("media files exist with other content: " + ", ".join(clashes[:20]))
    args, env = pg_environment()
    with tarfile.open(archive, "r") as tar, tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DUMP
        try:
            with dump.open("wb") as out:
                shutil.copyfileobj(tar.extractfile(DUMP), out, CHUNK)
            done = subprocess.run(  # noqa: S603 - fixed arguments
                [
                    pg_tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    *args,
                    str(dump),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
        finally:
            dump.unlink(missing_ok=True)
        if done.returncode:
            raise CommandError(f"pg_restore failed: {done.stderr.strip()}")
        for member in tar:
            name = _safe_member(member.name)
            if not name.startswith(MEDIA):
                continue
            target = media_root / name[len(MEDIA) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as out:
                shutil.copyfileobj(tar.extractfile(member), out, CHUNK)
    connection.close()  # see the restored schema afresh
    check_restored(manifest, media_root=media_root)
    return manifest


def check_restored(manifest: dict, *, media_root: Path) -> None:
    """The restored database and media against the manifest: every table's row count, the
    migrations, the audit head, every file's checksum. Raises CommandError on a difference."""
    state = database_state()
    problems = []
    for table, count in manifest["tables"].items():
        if state["tables"].get(table) != count:
            problems.append(f"table {table}: {state['tables'].get(table)} rows, expected {count}")
    if state["migrations"] != manifest["migrations"]:
        problems.append("the applied migrations differ from the backup's")
    if state["audit_head"] != manifest["audit_head"]:
        problems.append(f"audit trail head {state['audit_head']} != {manifest['audit_head']}")
    for relative, entry in manifest["media"].items():
        path = media_root / relative
        if not path.is_file():
            problems.append(f"media file missing: {relative}")
            continue
        with path.open("rb") as f:
            if sha256_of(f)[0] != entry["sha256"]:
                problems.append(f"media file differs: {relative}")
    if problems:
        raise CommandError("the restore does not match the manifest:\n  " + "\n  ".join(problems))


def unapplied_migrations() -> list[str]:
    """Migrations of this code that the restored database has not applied (an older backup
    restored under newer code: run ``manage.py migrate``)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]
