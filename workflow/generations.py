"""The data's generations: counters in the shared cache that move whenever data the pages show
has changed (issue 20: cached pages must never outlive the data they show) — one per table.

Not every write goes through ``transition_apply``: edits, comments, progress drafts, imports,
the early warning's sweeps and notifications are plain saves, bulk inserts or ``UPDATE``s. So the
generations are not bumped by any service but by the database connection itself: every statement
that may change rows (``INSERT``/``UPDATE``/``DELETE``, and anything that is not a plain read)
marks its transaction with the table it writes, and those tables' generations move when the
transaction commits — whichever code wrote, bulk or not. A write whose table cannot be read off
the statement (DDL, a function call) moves the generation of everything (``ANY``). Tables no
cached page reads (sessions, sign-in records, the task scheduler's bookkeeping) are left out, so
signing in or a beat tick does not empty any cache.

The read side: while a page is built (``recording()``), the same connection wrapper notes every
table its queries name; the page is kept with the generations of those tables read *before* it
was built (``signature``), and served again only while they have not moved. So a department
saving a report's draft sends back to a full build only the pages that read progress reports,
not every page of the city. A value kept in the cache or in a process (the header's counts
through ``remembered``, the working calendar) declares its tables with ``depends_on``, since a
build that takes it from the cache runs no query to note them.

Why on commit: another process must not read the new generation before it can see the new rows
(it would cache old rows under the new generation). A reader inside a transaction that has
written sees its own uncommitted rows: its signature carries a token of that transaction
(``_pending``), so what it caches is read by nobody else — the transaction's own later reads
(the tests, which run inside one transaction) do get fresh pages after each write.

If the cache cannot be reached, ``signature()`` is None and nothing is cached or served from
it; a bump that fails is logged (cached pages then live at most ``pagecache.TTL`` seconds).
"""

import logging
import re
import secrets
import threading
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.core.cache import cache
from django.db import connections
from django.db.backends.signals import connection_created

logger = logging.getLogger("mubiao.cache")

KEY = "pages:generation"
# The generation of writes whose table is not known: part of every signature.
ANY = "*"

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


_WORD = re.compile(r"[A-Za-z0-9_]+")


def written_table(sql: str) -> str:
    """The table a write statement changes, or ``ANY`` when it cannot be read off it."""
    match = _WRITE_TABLE.match(sql)
    return match.group(1).lower() if match else ANY


_known_tables: frozenset | None = None


def _tables() -> frozenset:
    global _known_tables
    if _known_tables is None:
        _known_tables = frozenset(
            m._meta.db_table for m in apps.get_models(include_auto_created=True)
        )
    return _known_tables


def read_tables(sql: str) -> set[str]:
    """Every table a query names, quoted or not, in joins, subqueries or raw SQL: each word of
    the statement that is a table of the project's models (a column that happens to share a
    table's name adds a dependency too much, never one too few)."""
    known = _tables()
    return {word for word in _WORD.findall(sql) if word in known}


class _Pending:
    """A transaction's writes not yet committed: its ``on_commit`` callback bumps the
    generations of the tables written. While it is in the connection's commit hooks the
    transaction has written."""

    __slots__ = ("hooks", "tables", "token", "writes")

    def __init__(self, hooks):
        self.hooks = hooks
        self.token = uuid.uuid4().hex
        self.writes = 0
        self.tables = set()

    def __call__(self):
        bump(*self.tables)


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


_local = threading.local()


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if is_write(sql):
        connection = context["connection"]
        table = written_table(sql)
        if not connection.in_atomic_block:
            # Autocommit: the row is already committed.
            bump(table)
            return result
        pending = _pending(connection)
        if pending is None:
            connection.on_commit(pending := _Pending(connection.run_on_commit))
            connection._mubiao_pending = pending
        pending.writes += 1
        pending.tables.add(table)
    elif getattr(_local, "recording", None):
        _local.recording[-1].update(read_tables(sql))
    return result


def _install(sender, connection, **kwargs):
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install() -> None:
    """Watch every connection's statements (``WorkflowConfig.ready``), including those already
    open."""
    connection_created.connect(_install, dispatch_uid="workflow.generations")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


def _key(table: str) -> str:
    return KEY if table == ANY else f"{KEY}:{table}"


def bump(*tables: str) -> None:
    """Move the generations of ``tables`` (of everything, with none)."""
    for table in tables or (ANY,):
        key = _key(table)
        try:
            try:
                cache.incr(key)
            except ValueError:
                # A lost counter restarts at a random value, never at one an old page was
                # kept under.
                cache.add(key, secrets.randbits(48), timeout=None)
                cache.incr(key)
        except Exception as error:  # noqa: BLE001 — a cache outage must not fail a write
            logger.warning("could not move the pages' generation (%s)", error)
            return


def _generations(tables) -> dict[str, int] | None:
    """The generations of ``tables`` and of ``ANY`` (one round trip); None: the cache cannot be
    reached."""
    keys = {_key(t): t for t in {ANY, *tables}}
    found = cache.get_many(list(keys))
    missing = [k for k in keys if k not in found]
    if missing:
        for key in missing:
            cache.add(key, secrets.randbits(48), timeout=None)
        found.update(cache.get_many(missing))
        if any(k not in found for k in keys):
            return None
    return {keys[k]: v for k, v in found.items() if k in keys}


def _own_writes(using: str) -> str:
    pending = _pending(connections[using])
    return "" if pending is None else f"/{pending.token}.{pending.writes}"


def _signature(generations: dict[str, int], tables, own_writes: str) -> str:
    return ".".join(str(generations[t]) for t in sorted({ANY, *tables})) + own_writes


def signature(tables, using: str = "default") -> str | None:
    """What the state of ``tables`` (and of ``ANY``) is called now: their generations, and for a
    reader whose transaction has written, that transaction's token and write count. None: the
    cache cannot be reached, do not cache."""
    generations = _generations(tables)
    return None if generations is None else _signature(generations, tables, _own_writes(using))


def state(using: str = "default") -> str | None:
    """The signature of every table: moves on any committed write (and, in a transaction that
    has written, on each of its writes)."""
    return signature(_tables(), using)


@contextmanager
def recording():
    """Note the tables the block's queries read (and those ``depends_on`` names); yields the set,
    complete when the block ends. Nested blocks add theirs to the outer one's."""
    stack = getattr(_local, "recording", None)
    if stack is None:
        stack = _local.recording = []
    tables: set[str] = set()
    stack.append(tables)
    try:
        yield tables
    finally:
        stack.pop()
        if stack:
            stack[-1].update(tables)


def depends_on(*tables: str) -> None:
    """What is being built uses data of ``tables`` it did not query (it was kept)."""
    stack = getattr(_local, "recording", None)
    if stack:
        stack[-1].update(tables)


def kept_build(key: str, build, timeout: int, using: str = "default"):
    """``build()``'s value, kept under ``key`` with the tables it read, and served again while
    none of their generations has moved.

    Returns ``(value, from_cache)``. ``build`` returns ``(value, keep)``; a value not to keep
    (an error page…) is returned as is. Every generation is read before building (one round
    trip): a write committed while building moves the generation read, and the value is built
    again next time, never kept as newer than it is."""
    kept = cache.get(key)
    if kept is not None:
        now = signature(kept[1], using)
        if now is not None and kept[0] == now:
            depends_on(*kept[1])
            return kept[2], True
    before, own_writes = _generations(_tables()), _own_writes(using)
    if before is None:
        return build()[0], False
    with recording() as read:
        value, keep = build()
    tables = frozenset(read)
    # A name ``depends_on`` gave that is no model's table has no generation read before: not
    # kept, rather than kept without it.
    if keep and tables <= before.keys():
        cache.set(key, (_signature(before, tables, own_writes), tables, value), timeout)
    return value, False


def remembered(name: str, owner, compute, timeout: int = 300):
    """``compute()``, kept in the cache for ``owner`` until a table it read changes (e.g. the
    header's unread count and memberships, read on every page). Computed afresh whenever the
    cache cannot be reached."""
    value, _ = kept_build(f"remembered:{name}:{owner}", lambda: (compute(), True), timeout)
    return value
