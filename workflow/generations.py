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

Partitions: on a deadline morning every department saves its reports' drafts, and one
generation for the table would send every department's home back to a build after any one
department's save. A table may therefore be partitioned (``partition``: the progress reports, by
the departments that read them; the notifications, by recipient). A save through the ORM
(``post_save``) names its partitions, or the code writing says whose rows its statements touch
(``placing``: bulk inserts and ``UPDATE``s of notifications); when every write of the
transaction to that table was so placed, only those partitions' generations move, besides the
table's own; any other write (a bulk ``UPDATE`` not placed, a delete, a save of a row that may
have moved partition) moves the generation of the whole table's partitions (``table@*``). A
build that reads only some partitions says so (``partitioned``): inside that block its reads of
the table depend on those partitions and on ``table@*``, not on the table, and their
generations are read as the block starts, before the rows. Readers who did not declare (the
office overview, the target page) depend on the table, as before.

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
from django.db.models.signals import post_save

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

    __slots__ = (
        "hooks",
        "partitions",
        "saves",
        "statements",
        "tables",
        "token",
        "unscoped",
        "writes",
    )

    def __init__(self, hooks):
        self.hooks = hooks
        self.token = uuid.uuid4().hex
        self.writes = 0
        self.tables = set()
        # Per partitioned table: its write statements, the saves that named their partitions,
        # the partitions named, and whether some write could not be placed (a delete, a save
        # that may have moved the row).
        self.statements: dict[str, int] = {}
        self.saves: dict[str, int] = {}
        self.partitions: dict[str, set] = {}
        self.unscoped: set[str] = set()

    def __call__(self):
        keys = set(self.tables)
        for table in self.tables & _PARTITIONS.keys():
            if table in self.unscoped or self.statements.get(table) != self.saves.get(table):
                keys.add(_partition_key(table, ANY))
            else:
                keys.update(_partition_key(table, p) for p in self.partitions.get(table, ()))
        _bump_keys(keys)


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


_UPDATE_OR_DELETE = re.compile(r"^\s*(?:UPDATE|DELETE)\s", re.IGNORECASE)


def _changed_nothing(sql: str, many: bool, cursor) -> bool:
    """An ``UPDATE``/``DELETE`` that reports no row changed (a sweep that found nothing to do,
    a row marked read twice): no page has anything new to show. Not an ``INSERT``, nor a
    statement with ``RETURNING``: SQLite reports their rows only once they are fetched (0 at
    this point, for every insert Django makes there)."""
    return (
        not many
        and cursor.rowcount == 0
        and _UPDATE_OR_DELETE.match(sql) is not None
        and " RETURNING " not in sql.upper()
    )


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if is_write(sql):
        if _changed_nothing(sql, many, context["cursor"]):
            return result
        connection = context["connection"]
        table = written_table(sql)
        placed = _placed(table)
        if not connection.in_atomic_block:
            # Autocommit: the row is already committed; its partitions are those the block
            # placing it named, else unknown (all of them).
            if placed is None:
                bump(table)
            else:
                _bump_keys({table, *(_partition_key(table, p) for p in placed)})
            return result
        pending = _pending(connection)
        if pending is None:
            connection.on_commit(pending := _Pending(connection.run_on_commit))
            connection._mubiao_pending = pending
        pending.writes += 1
        pending.tables.add(table)
        if placed is not None:
            pending.statements[table] = pending.statements.get(table, 0) + 1
            pending.saves[table] = pending.saves.get(table, 0) + 1
            pending.partitions.setdefault(table, set()).update(placed)
        elif table in _PARTITIONS:
            if sql.lstrip()[:6].upper() == "DELETE":
                pending.unscoped.add(table)
            else:
                pending.statements[table] = pending.statements.get(table, 0) + 1
    elif getattr(_local, "recording", None):
        tables = read_tables(sql)
        scoped = getattr(_local, "partitioned", None)
        if scoped:
            for table in tables & scoped[-1].keys():
                tables.discard(table)
                tables.update(scoped[-1][table])
        _local.recording[-1].tables.update(tables)
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
    """Move the generations of ``tables`` (of everything, with none); for a partitioned table,
    of all its partitions too."""
    keys = set(tables or (ANY,))
    keys.update(_partition_key(t, ANY) for t in tables if t in _PARTITIONS)
    _bump_keys(keys)


def _bump_keys(keys) -> None:
    for table in keys:
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


def _generations(tables, *, with_any=True) -> dict[str, int] | None:
    """The generations of ``tables`` and of ``ANY`` (one round trip); None: the cache cannot be
    reached."""
    keys = {_key(t): t for t in ({ANY, *tables} if with_any else set(tables))}
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


class _Recording:
    """What a build read: its tables (and partitions), and the generations of the partitions
    read as each ``partitioned`` block started (before its rows, as ``kept_build`` reads the
    tables' before the build)."""

    __slots__ = ("early", "tables")

    def __init__(self):
        self.tables: set[str] = set()
        self.early: dict[str, int] = {}

    def note_early(self, generations: dict[str, int]) -> None:
        for key, value in generations.items():
            self.early.setdefault(key, value)  # the first read is the one before the rows


@contextmanager
def _recorded():
    stack = getattr(_local, "recording", None)
    if stack is None:
        stack = _local.recording = []
    record = _Recording()
    stack.append(record)
    # A ``partitioned`` block around it speaks for its own reads, not for this build's.
    outer, _local.partitioned = getattr(_local, "partitioned", None), []
    try:
        yield record
    finally:
        stack.pop()
        _local.partitioned = outer
        if stack:
            stack[-1].tables.update(record.tables)
            stack[-1].note_early(record.early)


@contextmanager
def recording():
    """Note the tables the block's queries read (and those ``depends_on`` names); yields the set,
    complete when the block ends. Nested blocks add theirs to the outer one's."""
    with _recorded() as record:
        yield record.tables


def depends_on(*tables: str) -> None:
    """What is being built uses data of ``tables`` it did not query (it was kept)."""
    stack = getattr(_local, "recording", None)
    if stack:
        stack[-1].tables.update(tables)


# Partitioned tables: table → (the partitions a saved row belongs to, the fields they are
# worked out from).
_PARTITIONS: dict[str, tuple] = {}


def _partition_key(table: str, partition) -> str:
    return f"{table}@{partition}"


def partition(model, scope=None, *, fields=()) -> None:
    """Partition ``model``'s table. With ``scope``, a save through the ORM names its row's
    partitions itself: ``scope(row, update_fields)`` (for the progress reports, the reporting
    department, the target's lead department, and "shown" while the office side reads it). A
    save of an existing row that changes one of ``fields`` (or all of them) may move the row out
    of a partition ``scope`` cannot name any more, so it moves every partition. Without
    ``scope``, only the writes inside a ``placing`` block are placed."""
    table = model._meta.db_table
    names = set(fields) | {model._meta.get_field(f).attname for f in fields}
    _PARTITIONS[table] = (scope, frozenset(names))
    if scope is not None:
        post_save.connect(_saved, sender=model, weak=False, dispatch_uid=f"generations:{table}")


def _placed(table: str):
    stack = getattr(_local, "placing", None)
    return stack[-1].get(table) if stack else None


@contextmanager
def placing(model, partitions):
    """Every write the block makes to ``model``'s table (bulk inserts, ``UPDATE``s, deletes)
    touches rows of ``partitions`` only — for the notifications, their recipients: what the
    caller knows and the statements do not say. Only those partitions' generations move (and
    the table's), not every partition's."""
    table = model._meta.db_table
    if table not in _PARTITIONS:
        raise ValueError(f"{table} is not partitioned")
    with _declared("placing", table, frozenset(partitions)):
        yield


@contextmanager
def _declared(name: str, table: str, value):
    """``value`` declared for ``table`` in the thread's stack ``name`` while the block runs
    (inner blocks see the outer ones' declarations for other tables)."""
    stack = getattr(_local, name, None)
    if stack is None:
        stack = []
        setattr(_local, name, stack)
    stack.append({**(stack[-1] if stack else {}), table: value})
    try:
        yield
    finally:
        stack.pop()


def _saved(sender, instance, created, update_fields, using, **kwargs):
    connection = connections[using]
    if not connection.in_atomic_block:
        return  # autocommit: its statement already moved every partition
    pending = _pending(connection)
    if pending is None:
        return
    table = sender._meta.db_table
    if _placed(table) is not None:
        return  # the block placing it named its partitions (and counted its statement)
    scope, fields = _PARTITIONS[table]
    if not created and (update_fields is None or fields & update_fields):
        pending.unscoped.add(table)
        return
    pending.saves[table] = pending.saves.get(table, 0) + 1
    pending.partitions.setdefault(table, set()).update(scope(instance, update_fields))


@contextmanager
def partitioned(table: str, partitions):
    """The block reads ``table`` only in rows of ``partitions`` (every query of it filters on
    them): a build depends on those partitions' generations and ``table@*``, not on the
    table's. Their generations are read now, before the rows (one round trip)."""
    stack = getattr(_local, "recording", None)
    if not stack:
        yield
        return
    keys = {_partition_key(table, p) for p in partitions} | {_partition_key(table, ANY)}
    generations = _generations(keys, with_any=False)
    if generations is None:
        # No cache: nothing is kept; the reads depend on the table as if undeclared.
        yield
        return
    stack[-1].note_early(generations)
    with _declared("partitioned", table, frozenset(keys)):
        yield


def kept_build(key: str, build, timeout: int, using: str = "default"):
    """``build()``'s value, kept under ``key`` with the tables it read, and served again while
    none of their generations has moved.

    Returns ``(value, from_cache)``. ``build`` returns ``(value, keep)``; a value not to keep
    (an error page…) is returned as is. Every generation is read before building (one round
    trip): a write committed while building moves the generation read, and the value is built
    again next time, never kept as newer than it is."""
    kept = cache.get(key)
    if kept is not None:
        now = _generations(kept[1])
        if now is not None and kept[0] == _signature(now, kept[1], _own_writes(using)):
            depends_on(*kept[1])
            stack = getattr(_local, "recording", None)
            if stack:
                # An outer build keeps what it read from here under these generations.
                stack[-1].note_early(now)
            return kept[2], True
    before, own_writes = _generations(_tables()), _own_writes(using)
    if before is None:
        return build()[0], False
    with _recorded() as read:
        value, keep = build()
    tables = frozenset(read.tables)
    # The generations read before the build, then those of the partitions read before their
    # rows. A name ``depends_on`` gave that is no model's table has no generation read before:
    # not kept, rather than kept without it.
    known = {**read.early, **before}
    if keep and tables <= known.keys():
        cache.set(key, (_signature(known, tables, own_writes), tables, value), timeout)
    return value, False


def remembered(name: str, owner, compute, timeout: int = 300):
    """``compute()``, kept in the cache for ``owner`` until a table it read changes (e.g. the
    header's unread count and memberships, read on every page). Computed afresh whenever the
    cache cannot be reached."""
    value, _ = kept_build(f"remembered:{name}:{owner}", lambda: (compute(), True), timeout)
    return value
