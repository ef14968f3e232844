"""The audit trail as a hash chain (issue 17 item 5; 等保 2.0 §8.1.4.3 安全审计 c: audit records
are protected from unexpected deletion, modification or overwriting; §8.1.4.8 数据完整性).

Every event stores

- ``content_hash``: the hash of its own content (every field but the id and the hashes),
  written canonically (``content_text``);
- ``previous_hash``: the ``chain_hash`` of the event before it (``GENESIS`` for the first);
- ``chain_hash``: the hash of ``previous_hash`` and ``content_hash``.

The hash is SM3 (GB/T 32905-2016, the 国密 hash) where OpenSSL offers it to ``hashlib``, else
SHA-256; each row names its algorithm, so a trail stays verifiable after it moves to a machine
with the other one.

The append-only trigger stops the site and the ORM from rewriting rows; the chain catches
what the trigger cannot: a database superuser who disables it, edits or deletes a row and
enables it again. ``verify`` recomputes every hash in id order and reports the first broken
link — an altered row fails its own ``content_hash``, a deleted or reordered one breaks the
next row's ``previous_hash``. Cutting rows off the end leaves a shorter valid chain, which is
why documents print the chain head they were generated from (``head``): a printed head that
is no longer in the trail proves the cut.

Concurrency: two transactions that each read the head and insert after it would fork the
chain. ``seal`` therefore takes a PostgreSQL transaction-level advisory lock before it reads
the head: audit writers queue there, each sees the previous one's committed row, and ids
(drawn inside the lock) follow the chain's order. The lock is held until the writer's
transaction ends — services write their audit rows last, so that is the rest of a short
transaction. SQLite has a single writer anyway.

This module imports no model: the data migration that chains existing rows uses it too.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection as default_connection

GENESIS = "0" * 64
# An arbitrary constant naming the chain's lock among the database's advisory locks.
ADVISORY_LOCK_KEY = 0x4D75_6269_616F  # "Mubiao"

# The event fields, in the order they are hashed. Ids of related rows are stored ids (content
# types and users are never renumbered: a restore is a pg_dump of the whole database).
CONTENT_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_name",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "from_state",
    "to_state",
    "changes",
    "comment",
    "request_id",
    "scope_content_type_id",
    "scope_object_id",
)


def algorithm() -> str:
    """``sm3`` where this Python's OpenSSL has it, else ``sha256``."""
    try:
        hashlib.new("sm3")
    except ValueError:
        return "sha256"
    return "sm3"


def _digest(name: str, data: bytes) -> str:
    return hashlib.new(name, data).hexdigest()


def _json_value(value):
    """``value`` as PostgreSQL's jsonb gives it back: a float with no fraction comes back as an
    int (``1e5`` → ``100000``), so both are hashed as the int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _timestamp(value) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_text(row: dict, hash_algorithm: str) -> bytes:
    """The canonical bytes of an event's content: its fields as a sorted-key JSON object."""
    content = {name: row.get(name) for name in CONTENT_FIELDS}
    content["occurred_at"] = _timestamp(content["occurred_at"])
    changes = content["changes"]
    if isinstance(changes, str):
        changes = json.loads(changes or "{}")
    content["changes"] = _json_value(json.loads(json.dumps(changes or {})))
    for name in ("actor_id", "content_type_id", "scope_content_type_id"):
        content[name] = int(content[name]) if content[name] is not None else None
    for name in set(CONTENT_FIELDS) - {"occurred_at", "changes"}:
        if content[name] is not None and not isinstance(content[name], int):
            content[name] = str(content[name])
    content["hash_algorithm"] = hash_algorithm
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def content_hash(row: dict, hash_algorithm: str) -> str:
    return _digest(hash_algorithm, content_text(row, hash_algorithm))


def chain_hash(previous: str, content: str, hash_algorithm: str) -> str:
    return _digest(hash_algorithm, f"{previous}:{content}".encode())


def link(row: dict, previous: str, hash_algorithm: str | None = None) -> dict:
    """The three hash fields (and the algorithm) of ``row`` placed after ``previous``."""
    name = hash_algorithm or algorithm()
    content = content_hash(row, name)
    return {
        "hash_algorithm": name,
        "content_hash": content,
        "previous_hash": previous,
        "chain_hash": chain_hash(previous, content, name),
    }


def lock_and_read_head(connection=None) -> str:
    """Take the chain's lock (PostgreSQL: until the transaction ends) and return the current
    head's ``chain_hash``. Call inside ``transaction.atomic``."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        cursor.execute("SELECT chain_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row and row[0] else GENESIS


@dataclass(frozen=True)
class Break:
    """The first broken link: the event ``event_id`` and what is wrong with it."""

    event_id: int
    reason: str  # "altered", "unlinked" (an event before it deleted or reordered), "unsealed"
    position: int  # 1-based position in id order


@dataclass(frozen=True)
class Report:
    checked: int
    head_id: int | None
    head_hash: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(rows, *, anchors=frozenset()) -> Report:
    """Walk ``rows`` (dicts with the content fields, ``id`` and the hash fields, in id order)
    and report the first broken link. ``anchors``: hashes a first row may follow besides
    ``GENESIS`` (the head of rows purged after their retention period)."""
    previous = None
    checked = 0
    last_id, last_hash = None, GENESIS
    for position, row in enumerate(rows, 1):
        checked = position
        name = row.get("hash_algorithm") or ""
        if not row.get("chain_hash") or name not in hashlib.algorithms_available | {"sm3"}:
            return Report(checked, last_id, last_hash, Break(row["id"], "unsealed", position))
        if content_hash(row, name) != row["content_hash"]:
            return Report(checked, last_id, last_hash, Break(row["id"], "altered", position))
        expected_previous = previous if previous is not None else None
        if expected_previous is None:
            linked = row["previous_hash"] == GENESIS or row["previous_hash"] in anchors
        else:
            linked = row["previous_hash"] == expected_previous
        if (
            not linked
            or chain_hash(row["previous_hash"], row["content_hash"], name) != row["chain_hash"]
        ):
            return Report(checked, last_id, last_hash, Break(row["id"], "unlinked", position))
        previous = row["chain_hash"]
        last_id, last_hash = row["id"], row["chain_hash"]
    return Report(checked, last_id, last_hash, None)
