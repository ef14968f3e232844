from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType

from .context import current_request_id, event_time
from .models import AuditEvent, event_action


def audit_event(
    *,
    actor,
    obj,
    action: str,
    changes: dict | None = None,
    comment: str = "",
    from_state: str = "",
    to_state: str = "",
    scope=None,
) -> AuditEvent:
    """The row ``audit_record`` appends, not yet saved: ``audit_record_many`` inserts many at
    once (an imported list), with the same fields, the request id included.

    ``action`` is the verb (``AuditEvent.Action``, a transition's method name or one of the
    model's ``AUDIT_VERBS``); the row stores it namespaced by ``obj``'s model. ``changes`` keys
    are ``obj``'s field names (or relation names), values ``[before, after]``."""
    if "." in action:
        raise ValueError(f"audit verb {action!r} must not be namespaced; the model names it")
    return AuditEvent(
        actor=actor,
        actor_name=str(actor) if actor else "",
        action=event_action(type(obj), action),
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes or {},
        comment=comment,
        from_state=from_state,
        to_state=to_state,
        request_id=current_request_id(),
        occurred_at=event_time(),
        scope_content_type=(
            ContentType.objects.get_for_model(type(scope)) if scope is not None else None
        ),
        scope_object_id=str(scope.pk) if scope is not None else "",
    )


def audit_record(*, actor, obj, action: str, **fields) -> AuditEvent:
    """Append one row to the audit trail. Call it inside the same transaction as the change it
    records, so the change and its record stand or fall together.

    State changes are recorded by ``workflow.transitions.transition_apply``, not here.

    ``fields``: those of ``audit_event`` — ``changes``, ``comment``, ``from_state``,
    ``to_state`` and ``scope``, the object whose timeline the event also belongs
    to (e.g. the target of a progress report); ``AuditEvent.objects.for_timeline(scope)`` then
    lists it."""
    event = audit_event(actor=actor, obj=obj, action=action, **fields)
    event.save()
    return event


def audit_record_many(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Append rows built by ``audit_event`` in one insert, inside the transaction of the changes
    they record (the rows are only ever inserted, like ``audit_record``'s)."""
    return AuditEvent.objects.bulk_create(events)


def audit_diff(before: dict, after: dict) -> dict:
    """The fields whose values differ, as ``{field: [before, after]}``."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}
