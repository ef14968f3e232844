"""The data's generation: a counter in the shared cache that moves whenever data the pages show
has changed (issue 20: cached pages must never outlive the data they show).

Not every write goes through ``transition_apply``: edits, comments, progress drafts, imports,
the early warning's sweeps and notifications are plain saves, bulk inserts or ``UPDATE``s. So the
generation is not bumped by any service but by the database connection itself: every statement
that may change rows (``INSERT``/``UPDATE``/``DELETE``, and anything that is not a plain read)
marks its transaction, and the generation moves when that transaction commits — whichever code
wrote, bulk or not. Tables no cached page reads (sessions, sign-in records, the task scheduler's
bookkeeping) are left out, so signing in or a beat tick does not empty every cache.

Why on commit: another process must not read the new generation before it can see the new rows
(it would cache old rows under the new generation). A reader inside a transaction that has
written sees its own uncommitted rows: its key carries a token of that transaction instead
(``state()``), so what it caches is read by nobody else — the transaction's own later reads
(the tests, which run inside one transaction) do get fresh pages after each write.

If the cache cannot be reached, ``state()`` is None and nothing is cached or served from it; a
bump that fails is logged (cached pages then live at most ``pagecache.TTL`` seconds).
"""

import logging
import re
import secrets
import uuid

from django.core.cache import cache
from django.db import connections
from django.db.backends.signals import connection_created

logger = logging.getLogger("mubiao.cache")

KEY = "pages:generation"

# Tables no cached page reads, written on sign-in, on every session touch or by the scheduler.
IGNORED_TABLES = frozenset(
    {
        "django_session",
        "accounts_signinfailure",
        "accounts_loginrecord",
        "accounts_apitoken",
        "accounts_passwordhistory",
        "django_celery_beat_periodictask",
        "django_celery_beat_periodictasks",
        "django_celery_beat_clockedschedule",
        "django_celery_beat_crontabschedule",
        "django_celery_beat_intervalschedule",
        "django_celery_beat_solarschedule",
    }
)
# Statements that never change rows. Anything else (DDL, ``WITH … UPDATE``, a function call
# through a cursor) counts as a write: better an extra miss than a stale page.
_READS = frozenset(
    {"SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "SHOW", "BEGIN", "COMMIT", "EXPLAIN"}
)
_WRITE_TABLE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?"?([A-Za-z0-9_]+)"?', re.IGNORECASE
)


# A sign-in stamps ``last_login`` (Django's ``update_last_login``), which no cached page shows:
# a morning of sign-ins must not empty every cache.
_LAST_LOGIN = 'UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s'


def is_write(sql: str) -> bool:
    head = sql.lstrip()[:12].split(None, 1)
    if not head or head[0].upper() in _READS:
        return False
    if sql == _LAST_LOGIN:
        return False
    match = _WRITE_TABLE.match(sql)
    return not (match and match.group(1).lower() in IGNORED_TABLES)


class _Pending:
    """A transaction's writes not yet committed: its ``on_commit`` callback bumps the
    generation. While it is in the connection's commit hooks the transaction has written."""

    __slots__ = ("hooks", "token", "writes")

    def __init__(self, hooks):
        self.hooks = hooks
        self.token = uuid.uuid4().hex
        self.writes = 0

    def __call__(self):
        bump()


def _pending(connection) -> "_Pending | None":
    pending = getattr(connection, "_mubiao_pending", None)
    if pending is None:
        return None
    hooks = connection.run_on_commit
    # Hooks are appended in place; commit, rollback and a rolled-back savepoint (which drops
    # the hooks added in it) put a new list there: only then is the list searched.
    if pending.hooks is hooks:
        return pending
    if any(hook[1] is pending for hook in hooks):
        pending.hooks = hooks
        return pending
    return None


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if is_write(sql):
        connection = context["connection"]
        if not connection.in_atomic_block:
            # Autocommit: the row is already committed.
            bump()
            return result
        pending = _pending(connection)
        if pending is None:
            connection.on_commit(pending := _Pending(connection.run_on_commit))
            connection._mubiao_pending = pending
        pending.writes += 1
    return result


def _install(sender, connection, **kwargs):
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def install() -> None:
    """Watch every connection's writes (``WorkflowConfig.ready``), including those already open."""
    connection_created.connect(_install, dispatch_uid="workflow.generations")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


def bump() -> None:
    try:
        # A lost counter restarts at a random value, never at one an old page was cached under.
        cache.add(KEY, secrets.randbits(48), timeout=None)
        cache.incr(KEY)
    except Exception as error:  # noqa: BLE001 — a cache outage must not fail a committed write
        logger.warning("could not move the pages' generation (%s)", error)


def current() -> int | None:
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, secrets.randbits(48), timeout=None)
        value = cache.get(KEY)
    return value


def state(using: str = "default") -> str | None:
    """What the data's state is called in a cache key: the generation, and for a reader whose
    transaction has written, that transaction's token and write count. None: do not cache."""
    generation = current()
    if generation is None:
        return None
    pending = _pending(connections[using])
    if pending is None:
        return str(generation)
    return f"{generation}.{pending.token}.{pending.writes}"


def remembered(name: str, owner, compute, timeout: int = 300):
    """``compute()``, kept in the cache for ``owner`` until the data's generation moves (e.g.
    the header's unread count and memberships, read on every page). Computed afresh whenever
    the cache cannot be reached."""
    at = state()
    if at is None:
        return compute()
    key = f"remembered:{name}:{owner}:{at}"
    kept = cache.get(key)
    if kept is not None:
        return kept[0]
    value = compute()
    cache.set(key, (value,), timeout)
    return value
