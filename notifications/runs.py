"""Reminder rounds sent in the background (催办批次, issue 19 item 3): a page confirms how many
will be reminded, ``reminder_run_start`` records the round and queues it after commit, and the
worker runs the round's source, which reports its progress as it goes so the requester watches
a progress bar instead of a page that blocks.

A source is registered by the app that owns what is reminded (execution's 催报, evaluation's
催办) — this app imports none of them:

    register_source("execution.chase", chase_items)

``chase_items(run, advance)`` does the work in small transactions of its own and calls
``advance(done=…, sent=…, skipped=…)`` after each; it returns nothing. A run that raises is
marked failed with the error; what its committed steps sent stays sent (each step is
idempotent: a reminder's key, at most one per item per working day)."""

from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from workflow.transitions import lock_for_step, transition_apply

from .models import ReminderRun

_sources: dict[str, Callable] = {}


def register_source(key: str, run_items: Callable) -> None:
    _sources[key] = run_items


@transaction.atomic
def reminder_run_start(*, source: str, title: str, params: dict, total: int, by, back_url=""):
    """Record a confirmed round and queue it after commit. The caller has checked who may."""
    if source not in _sources:
        raise LookupError(f"reminder source {source!r} is not registered")
    run = ReminderRun.objects.create(
        source=source,
        title=title[:200],
        params=params,
        total=total,
        requested_by=by,
        back_url=back_url[:300],
    )
    audit_record(
        actor=by,
        obj=run,
        action=AuditEvent.Action.CREATE,
        changes={"title": [None, run.title], "total": [None, total]},
    )

    def enqueue():
        from .tasks import run_reminder_batch

        run_reminder_batch.delay(run.pk)

    transaction.on_commit(enqueue)
    return run


def _advance(run_id):
    def advance(*, done=0, sent=0, skipped=0):
        # Progress only, not a step: counted in the row so any page sees it at once.
        ReminderRun.objects.filter(pk=run_id).update(
            done=F("done") + done, sent=F("sent") + sent, skipped=F("skipped") + skipped
        )

    return advance


def reminder_run_execute(run_id: int) -> ReminderRun | None:
    """The worker's part: start, run the source, finish (or fail with the error). A run that
    already finished (a redelivered message) is left alone."""
    with transaction.atomic():
        run = lock_for_step(ReminderRun.objects.all(), run_id, "start")
        if run is None:
            return None
        run = transition_apply(run, "start", by=None, locked=True)
    try:
        _sources[run.source](run, _advance(run.pk))
    except Exception as exc:
        with transaction.atomic():
            failed = lock_for_step(ReminderRun.objects.all(), run_id, "fail")
            if failed is not None:
                transition_apply(
                    failed,
                    "fail",
                    by=None,
                    locked=True,
                    values={"error": str(exc)[:2000] or _("发送失败。")},
                    stamps={"finished_at": timezone.now()},
                )
        raise
    with transaction.atomic():
        finished = lock_for_step(ReminderRun.objects.all(), run_id, "finish")
        if finished is None:
            return None
        return transition_apply(
            finished, "finish", by=None, locked=True, stamps={"finished_at": timezone.now()}
        )


def visible_runs(user):
    """A run is watched by whoever started it."""
    if not getattr(user, "is_authenticated", False):
        return ReminderRun.objects.none()
    return ReminderRun.objects.filter(requested_by=user)
