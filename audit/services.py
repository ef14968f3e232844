from django.contrib.contenttypes.models import ContentType

from .context import current_request_id
from .models import AuditEvent


def audit_record(
    *,
    actor,
    obj,
    action: str,
    changes: dict | None = None,
    comment: str = "",
    transition: str = "",
    from_state: str = "",
    to_state: str = "",
    scope=None,
) -> AuditEvent:
    """Append one row to the audit trail. Call it inside the same transaction as the change it
    records, so the change and its record stand or fall together.

    ``scope``: the object whose timeline the event also belongs to (e.g. the target of a
    progress report); ``AuditEvent.objects.for_timeline(scope)`` then lists it."""
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=str(actor) if actor else "",
        action=action,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes or {},
        comment=comment,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        request_id=current_request_id(),
        scope_content_type=(
            ContentType.objects.get_for_model(type(scope)) if scope is not None else None
        ),
        scope_object_id=str(scope.pk) if scope is not None else "",
    )


def audit_diff(before: dict, after: dict) -> dict:
    """The fields whose values differ, as ``{field: [before, after]}``."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}
