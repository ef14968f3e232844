"""Evidence files (佐证材料): the one place that decides which uploads are accepted and how they
are stored and served. Progress reports, completion reports, adjustment requests, supervision
replies and rectification reports all use it (Shanghai Art. 14: execution is recorded with its
evidence).

Nothing about an upload is trusted: the type is read from the file's first bytes, not from its
name or the browser's content type; the stored name is generated; the original name is kept
only to be shown and offered as the download name; files are served only as attachments, to
readers of the record they belong to (the caller's selector decides that).
"""

import datetime
import logging
import os
import unicodedata
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.errors import ValidationFailed

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Office files share two containers: the OLE2 compound file (.doc/.xls/.ppt) and ZIP
# (.docx/.xlsx/.pptx, and OFD, China's standard format for official electronic documents).
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class FileKind:
    extensions: tuple[str, ...]
    magic: tuple[bytes, ...]
    content_type: str


KINDS = {
    "pdf": FileKind((".pdf",), (b"%PDF-",), "application/pdf"),
    "png": FileKind((".png",), (b"\x89PNG\r\n\x1a\n",), "image/png"),
    "jpeg": FileKind((".jpg", ".jpeg"), (b"\xff\xd8\xff",), "image/jpeg"),
    "ole2": FileKind((".doc", ".xls", ".ppt", ".wps", ".et"), (OLE2,), "application/octet-stream"),
    "ooxml": FileKind((".docx", ".xlsx", ".pptx", ".ofd"), (ZIP,), "application/octet-stream"),
}
ALLOWED_EXTENSIONS = tuple(ext for kind in KINDS.values() for ext in kind.extensions)


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class CheckedFile:
    """An accepted upload: what it is and the name to show (never used to store it)."""

    extension: str
    content_type: str
    size: int
    display_name: str


def _display_name(name: str) -> str:
    # Only the last path part, no control characters, at most 200 characters: it is shown on
    # pages and offered as the download name, never used as a path.
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-200:] or _("佐证材料")


def check_evidence_file(upload) -> CheckedFile:
    """Accept ``upload`` (a Django ``UploadedFile``) or raise ``ValidationFailed`` with a Chinese
    message: empty, too large, an extension not on the list, or content that is not what the
    extension says (an executable, HTML or SVG renamed to .pdf is refused)."""
    limit = max_bytes()
    if upload is None or not upload.size:
        raise ValidationFailed(_("佐证材料文件为空。"))
    if upload.size > limit:
        raise ValidationFailed(
            _("佐证材料“%(name)s”超过大小限制（最大 %(mb)s MB）。")
            % {"name": _display_name(upload.name), "mb": limit // (1024 * 1024)}
        )
    display = _display_name(upload.name)
    extension = os.path.splitext(display)[1].lower()
    kind = next((k for k in KINDS.values() if extension in k.extensions), None)
    if kind is None:
        raise ValidationFailed(
            _("不支持“%(name)s”的文件类型。可上传：%(types)s。")
            % {"name": display, "types": " ".join(ALLOWED_EXTENSIONS)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in kind.magic):
        raise ValidationFailed(
            _("文件“%(name)s”的内容与其扩展名不符，未予接收。") % {"name": display}
        )
    return CheckedFile(
        extension=extension, content_type=kind.content_type, size=upload.size, display_name=display
    )


EVIDENCE_DIR = "evidence"
logger = logging.getLogger(__name__)


def evidence_upload_to(instance, filename) -> str:
    """A generated storage name: the user's file name never reaches the storage backend."""
    extension = os.path.splitext(filename)[1].lower()
    if extension not in ALLOWED_EXTENSIONS:
        extension = ""
    today = datetime.date.today()
    return f"{EVIDENCE_DIR}/{today:%Y/%m}/{uuid.uuid4().hex}{extension}"


# --- files no record refers to -------------------------------------------------------------
# A file is written to storage when its row is saved, inside the service's transaction; if the
# transaction then rolls back (a later check fails, a conflict), the row is gone but the file
# stays. No storage takes part in the database's transaction, so such files are swept instead.


def evidence_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every field, in any app, that stores evidence through ``evidence_upload_to``."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and field.upload_to is evidence_upload_to
    ]


def _stored_names(storage, path: str):
    directories, files = storage.listdir(path)
    for name in files:
        yield f"{path}/{name}"
    for directory in directories:
        yield from _stored_names(storage, f"{path}/{directory}")


def orphan_evidence_files(*, older_than: datetime.timedelta) -> list[str]:
    """Stored evidence files that no row refers to and that were written more than
    ``older_than`` ago (a younger one may belong to a transaction still running)."""
    storage = default_storage
    if not storage.exists(EVIDENCE_DIR):
        return []
    referenced = set()
    for model, field in evidence_fields():
        referenced.update(
            model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
        )
    cutoff = timezone.now() - older_than
    return sorted(
        name
        for name in _stored_names(storage, EVIDENCE_DIR)
        if name not in referenced and storage.get_modified_time(name) < cutoff
    )


def purge_orphan_evidence(*, older_than: datetime.timedelta | None = None) -> int:
    """Delete the evidence files no record refers to (see above); returns how many. Run daily
    by beat (execution migration 0005); ``EVIDENCE_ORPHAN_GRACE_HOURS`` (24) is how old a file
    must be before it may go."""
    if older_than is None:
        older_than = datetime.timedelta(hours=getattr(settings, "EVIDENCE_ORPHAN_GRACE_HOURS", 24))
    names = orphan_evidence_files(older_than=older_than)
    for name in names:
        default_storage.delete(name)
    if names:
        logger.info("deleted %d evidence files no record refers to", len(names))
    return len(names)


def attachment_response(field_file, *, display_name: str) -> FileResponse:
    """Serve a stored evidence file as a download (never rendered inline by the browser)."""
    extension = os.path.splitext(field_file.name)[1].lower()
    kind = next((k for k in KINDS.values() if extension in k.extensions), None)
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=display_name,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
