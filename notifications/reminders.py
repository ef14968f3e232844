"""Deadline reminders (efficiency opinions 三.4 限时办结, 五.6 到期提醒): the daily sweep and
the registry of what can fall due.

Protocol for an app that has deadlines (execution's progress reports, supervision's orders and
rectifications, evaluation's score sheets): from ``AppConfig.ready()`` call

    register_reminder_source(ReminderSource(
        key="execution.progress_report",      # stable: part of every idempotency key
        model=ProgressReportDue,              # what the notification links to (content type)
        label=_("进展报告"),
        items=open_progress_reports,          # items(due_dates) -> iterable of DueItem
        owner_roles=(Role.STAFF, Role.HEAD),  # who in the owing department is reminded
    ))

``items(due_dates)`` must be set-based — one query, whatever the number of items — and return
only OPEN items (not yet filed / replied / rectified) whose due date is in ``due_dates``, as
``DueItem(object_id, due_date, department_id, department_name, title, url)`` (optionally
``instance``, when one object owes again with the same due date, e.g. an order's new round).
The source guarantees that the owner roles of ``department_id`` may read each item (the general
office reads everything), so nobody is told about an object they cannot read.

The sweep, on each working day of the official calendar (``workdays.calendar``):

- owners (the source's ``owner_roles`` in the owing department): N working days before the due
  date (``REMINDER_DAYS_BEFORE``, default 3 and 1), on the day, and the working day after it
  (overdue);
- the department head, ``ESCALATE_TO_HEAD_AFTER`` working days after the due date (default 3);
- the general office, ``ESCALATE_TO_OFFICE_AFTER`` working days after it (default 5).

Exactly once per (item, due date, stage, recipient): the notification's key and the database's
unique constraint make a second or overlapping sweep add nothing. A missed day is caught up:
each track (owners, head, office) sends its latest stage that fell due within the last
``REMINDER_CATCH_UP_WORKING_DAYS`` working days and was not sent yet — never the stages it
superseded, so a late sweep does not flood anyone. On days that are not working days the sweep
sends nothing; the next working day catches up.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from workdays.calendar import WorkingCalendar, current_calendar

from . import kinds
from .models import Notification
from .services import email_wanted, queue_email_delivery

logger = logging.getLogger(__name__)
Role = Membership.Role


@dataclass(frozen=True)
class DueItem:
    object_id: int
    due_date: datetime.date
    department_id: int
    department_name: str
    title: str
    url: str
    # Distinguishes successive obligations on one object with the same due date (a supervision
    # order sent back for a new round of replies): part of the idempotency key when set.
    instance: str = ""


@dataclass(frozen=True)
class ReminderSource:
    key: str
    model: type
    label: str
    items: Callable[[set[datetime.date]], Iterable[DueItem]]
    owner_roles: tuple[str, ...] = (Role.STAFF, Role.HEAD)


_sources: dict[str, ReminderSource] = {}


def register_reminder_source(source: ReminderSource) -> None:
    """Add a kind of item with deadlines to the sweep. Registering a key again replaces it
    (Django may call ``ready()`` more than once in tests)."""
    _sources[source.key] = source


def reminder_sources() -> list[ReminderSource]:
    return [_sources[k] for k in sorted(_sources)]


# --- when each reminder falls due ---------------------------------------------------------

OWNERS, HEAD, OFFICE = "owners", "head", "office"


@dataclass(frozen=True)
class Stage:
    name: str
    offset: int  # working days relative to the due date (negative: before)
    track: str  # who gets it: the owners, the department head, the general office
    kind: str


def stages() -> list[Stage]:
    before = sorted({int(n) for n in settings.REMINDER_DAYS_BEFORE if int(n) > 0}, reverse=True)
    return [
        *(Stage(f"before{n}", -n, OWNERS, kinds.DEADLINE) for n in before),
        Stage("due", 0, OWNERS, kinds.DEADLINE),
        Stage("overdue", 1, OWNERS, kinds.OVERDUE),
        Stage("head", int(settings.ESCALATE_TO_HEAD_AFTER), HEAD, kinds.ESCALATION),
        Stage("office", int(settings.ESCALATE_TO_OFFICE_AFTER), OFFICE, kinds.ESCALATION),
    ]


def stage_plan(calendar: WorkingCalendar, today: datetime.date) -> dict[datetime.date, list[Stage]]:
    """For each due date, the stages to send on ``today``: per track, the latest stage whose day
    has come, if that day is within the catch-up window. Pure computation on the calendar."""
    all_stages = stages()
    window_start = calendar.add_working_days(today, -int(settings.REMINDER_CATCH_UP_WORKING_DAYS))
    latest_after = max(s.offset for s in all_stages)
    earliest_before = min(s.offset for s in all_stages)
    first = calendar.add_working_days(window_start, -latest_after - 1)
    last = calendar.add_working_days(today, -earliest_before + 1)
    plan = {}
    day = first
    while day <= last:
        chosen = []
        for track in (OWNERS, HEAD, OFFICE):
            fired = [
                (calendar.add_working_days(day, s.offset), s)
                for s in all_stages
                if s.track == track
            ]
            fired = [(when, s) for when, s in fired if when <= today]
            if fired:
                when, stage = max(fired, key=lambda pair: pair[1].offset)
                if when >= window_start:
                    chosen.append(stage)
        if chosen:
            plan[day] = chosen
        day += datetime.timedelta(days=1)
    return plan


# --- the messages ---------------------------------------------------------------------------


def _texts(stage: Stage) -> tuple[str, str]:
    """Title and body templates of a stage, in the site language; filled per item with
    %-formatting (``label``, ``title``, ``due``, ``dept``, ``late``)."""
    if stage.offset < 0:
        return (
            _("【到期提醒】%(title)s（还有%(n)s个工作日）")
            % {"title": "%(title)s", "n": -stage.offset},
            _("%(label)s“%(title)s”将于%(due)s到期，还有%(n)s个工作日，请按时办理并报送。")
            % {"label": "%(label)s", "title": "%(title)s", "due": "%(due)s", "n": -stage.offset},
        )
    if stage.offset == 0:
        return (
            _("【今日到期】%(title)s") % {"title": "%(title)s"},
            _("%(label)s“%(title)s”今天（%(due)s）到期，请于今日办理并报送。")
            % {"label": "%(label)s", "title": "%(title)s", "due": "%(due)s"},
        )
    if stage.track == OWNERS:
        return (
            _("【逾期提醒】%(title)s") % {"title": "%(title)s"},
            _("%(label)s“%(title)s”已于%(due)s到期，尚未办结，请尽快办理并说明情况。")
            % {"label": "%(label)s", "title": "%(title)s", "due": "%(due)s"},
        )
    return (
        _("【逾期督促】%(dept)s：%(title)s") % {"dept": "%(dept)s", "title": "%(title)s"},
        _(
            "%(dept)s的%(label)s“%(title)s”已于%(due)s到期，逾期%(late)s个工作日仍未办结，请督促办理。"
        )
        % {
            "dept": "%(dept)s",
            "label": "%(label)s",
            "title": "%(title)s",
            "due": "%(due)s",
            "late": "%(late)s",
        },
    )


# --- the sweep ------------------------------------------------------------------------------


@dataclass
class SweepResult:
    day: datetime.date
    working_day: bool = True
    items: int = 0
    notifications: int = 0
    by_source: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        values = asdict(self)
        values["day"] = self.day.isoformat()
        return values


COLUMNS = (
    "recipient_id",
    "kind",
    "title",
    "body",
    "url",
    "content_type_id",
    "object_id",
    "key",
    "created_at",
    "email_status",
)


def _array_literal(values, *, numeric: bool = False) -> str:
    """A PostgreSQL array literal (``{"a","b"}``): parsed by the server as one value, far
    faster than an ARRAY[...] expression of 100,000 parameters."""
    if numeric:
        return "{" + ",".join(str(int(v)) for v in values) + "}"
    quoted = ('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


def _insert(rows: list[tuple]) -> int:
    """Insert the rows, skipping any (key, recipient) already there. On PostgreSQL one
    statement whatever the number of rows (array literals + unnest); returns the rows
    inserted."""
    if not rows:
        return 0
    table = Notification._meta.db_table
    if connection.vendor == "postgresql":
        columns = list(zip(*rows, strict=True))
        created_at = columns[COLUMNS.index("created_at")][0]
        arrays, names, casts = [], [], []
        for name, values in zip(COLUMNS, columns, strict=True):
            if name == "created_at":
                continue
            numeric = name.endswith("_id")
            arrays.append(_array_literal(values, numeric=numeric))
            names.append(name)
            casts.append("%s::bigint[]" if numeric else "%s::text[]")
        select = ", ".join("%s" if n == "created_at" else f"x.{n}" for n in COLUMNS)
        sql = (
            f"INSERT INTO {table} ({', '.join(COLUMNS)}, email_attempts, email_error) "  # noqa: S608
            f"SELECT {select}, 0, '' FROM unnest({', '.join(casts)}) AS x({', '.join(names)}) "
            "ON CONFLICT DO NOTHING"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [created_at, *arrays])
            return cursor.rowcount
    before = Notification.objects.count()
    Notification.objects.bulk_create(
        [Notification(**dict(zip(COLUMNS, row, strict=True))) for row in rows],
        ignore_conflicts=True,
        batch_size=500,
    )
    return Notification.objects.count() - before


@transaction.atomic
def sweep(*, today: datetime.date | None = None) -> SweepResult:
    """Find everything due soon or overdue and notify those who owe it (see the module
    docstring). A fixed number of queries whatever the number of items: the calendar (cached),
    one per source, the recipients, their e-mail choices, one insert."""
    today = today or timezone.localdate()
    calendar = current_calendar()
    result = SweepResult(day=today)
    if not calendar.is_working_day(today):
        result.working_day = False
        return result
    plan = stage_plan(calendar, today)
    found: list[tuple[ReminderSource, DueItem]] = []
    for source in reminder_sources():
        items = list(source.items(set(plan)))
        result.by_source[source.key] = len(items)
        found.extend((source, item) for item in items)
    result.items = len(found)
    if not found:
        return result

    # Everyone who may receive something today, in one query.
    departments = {item.department_id for _s, item in found}
    owner_roles = {r for s in reminder_sources() for r in s.owner_roles} | {Role.HEAD}
    people = Membership.objects.filter(
        Q(department_id__in=departments, role__in=owner_roles) | Q(role=Role.GENERAL_OFFICE),
        user__is_active=True,
        department__is_active=True,
    ).values_list("department_id", "role", "user_id", "user__email")
    by_dept_role: dict[tuple[int, str], list[int]] = {}
    office: set[int] = set()
    emails: dict[int, str] = {}
    for dept_id, role, user_id, email in people:
        emails[user_id] = email
        if role == Role.GENERAL_OFFICE:
            office.add(user_id)
        else:
            by_dept_role.setdefault((dept_id, role), []).append(user_id)
    reminder_kinds = [kinds.DEADLINE, kinds.OVERDUE, kinds.ESCALATION]
    wanted = email_wanted(list(emails), reminder_kinds)

    content_types = {
        s.key: ContentType.objects.get_for_model(s.model).pk for s in reminder_sources()
    }
    now = timezone.now()
    rows = []
    late_by_due: dict[datetime.date, int] = {}
    labels = {s.key: str(s.label) for s in reminder_sources()}
    with translation.override(settings.LANGUAGE_CODE):
        texts = {}
        for source, item in found:
            owners = sorted(
                {
                    u
                    for role in source.owner_roles
                    for u in by_dept_role.get((item.department_id, role), ())
                }
            )
            heads = sorted(set(by_dept_role.get((item.department_id, Role.HEAD), ())))
            for stage in plan[item.due_date]:
                recipients = {OWNERS: owners, HEAD: heads, OFFICE: sorted(office)}[stage.track]
                if not recipients:
                    continue
                if stage.name not in texts:
                    texts[stage.name] = _texts(stage)
                title_t, body_t = texts[stage.name]
                if item.due_date not in late_by_due:
                    late_by_due[item.due_date] = calendar.working_days_between(item.due_date, today)
                values = {
                    "label": labels[source.key],
                    "title": item.title,
                    "due": item.due_date.isoformat(),
                    "dept": item.department_name,
                    "late": late_by_due[item.due_date],
                }
                title, body = title_t % values, body_t % values
                instance = f":{item.instance}" if item.instance else ""
                key = (
                    f"r:{source.key}:{item.object_id}{instance}:{item.due_date:%Y%m%d}:{stage.name}"
                )
                for user_id in recipients:
                    email = (
                        Notification.EmailStatus.PENDING
                        if emails.get(user_id) and wanted[(user_id, stage.kind)]
                        else Notification.EmailStatus.NONE
                    )
                    rows.append(
                        (
                            user_id,
                            stage.kind,
                            title[:300],
                            body,
                            item.url,
                            content_types[source.key],
                            str(item.object_id),
                            key,
                            now,
                            email,
                        )
                    )
    result.notifications = _insert(rows)
    if result.notifications:
        queue_email_delivery(None)
    logger.info(
        "reminder sweep %s: %s items, %s notifications", today, result.items, result.notifications
    )
    return result
