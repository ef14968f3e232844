"""Reads of the audit chain: its head and its verification (``audit.chain``), for
``manage.py audit_verify``, the auditor's page and the documents that print the head."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import chain
from .checks import MINIMUM_RETENTION_DAYS
from .models import AuditEvent, event_action
from .services import audit_record

PURGE = "purge"

FIELDS = [
    "id",
    *chain.CONTENT_FIELDS,
    "hash_algorithm",
    "content_hash",
    "previous_hash",
    "chain_hash",
]

REASONS = {
    "altered": "the event's content no longer matches its hash (altered)",
    "unlinked": "the event does not follow the one before it (an event deleted or reordered)",
    "unsealed": "the event carries no hash (inserted around the application)",
}


@dataclass(frozen=True)
class Head:
    event_id: int | None
    chain_hash: str
    hash_algorithm: str
    count: int


def chain_head() -> Head:
    """The newest event's chain hash: what a document generated now was generated from."""
    last = AuditEvent.objects.order_by("-id").values("id", "chain_hash", "hash_algorithm").first()
    if last is None:
        return Head(None, chain.GENESIS, chain.algorithm(), 0)
    return Head(last["id"], last["chain_hash"], last["hash_algorithm"], AuditEvent.objects.count())


def _purge_anchors() -> frozenset[str]:
    """The heads of purged rows: the first row kept after a purge follows one of them."""
    changes = AuditEvent.objects.filter(action=event_action(AuditEvent, PURGE)).values_list(
        "changes", flat=True
    )
    return frozenset(c["anchor"][1] for c in changes if isinstance(c.get("anchor"), list))


def verify_trail(*, chunk_size: int = 2000) -> chain.Report:
    """Recompute the whole chain in id order (one pass, ``chunk_size`` rows in memory)."""
    rows = AuditEvent.objects.order_by("id").values(*FIELDS).iterator(chunk_size=chunk_size)
    return chain.verify(rows, anchors=_purge_anchors())


def retention_limit() -> datetime:
    """Events that occurred after this moment may not be purged."""
    days = max(settings.AUDIT_RETENTION_DAYS, MINIMUM_RETENTION_DAYS)
    return timezone.now() - timedelta(days=days)


def audit_purge(*, before: datetime) -> int:
    """Delete the oldest events, those that occurred before ``before`` — never one younger
    than the retention period (``AUDIT_RETENTION_DAYS``, at least 180 days) — and record the
    purge as an event that names the last purged chain hash, so the chain still verifies from
    the first event kept. Only a prefix of the chain is cut (ids below the first younger
    event), and the newest event always stays. Returns the number of events deleted.

    Lifts the append-only trigger for its own DELETE inside its transaction (PostgreSQL), like
    the audit migrations do."""
    if before > retention_limit():
        raise ValueError(
            f"audit events are kept {settings.AUDIT_RETENTION_DAYS} days: "
            f"nothing after {retention_limit():%Y-%m-%d %H:%M} may be purged"
        )
    with transaction.atomic():
        chain.lock_and_read_head(connection)
        first_young = AuditEvent.objects.filter(occurred_at__gte=before).order_by("id").first()
        newest = AuditEvent.objects.order_by("-id").first()
        keep_from = first_young or newest
        if keep_from is None:
            return 0
        last_purged = (
            AuditEvent.objects.filter(id__lt=keep_from.pk).order_by("-id").values("chain_hash")
        ).first()
        if last_purged is None:
            return 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only"
                )
            cursor.execute("DELETE FROM audit_auditevent WHERE id < %s", [keep_from.pk])
            count = cursor.rowcount
            if connection.vendor == "postgresql":
                cursor.execute(
                    "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only"
                )
        audit_record(
            actor=None,
            obj=keep_from,
            action=PURGE,
            changes={
                "anchor": [None, last_purged["chain_hash"]],
                "count": [None, count],
                "before": [None, before.isoformat()],
            },
        )
    return count
