"""Reading the audit trail as a person does: the words for an event's action, its states and its
changed fields, resolved when shown from the model the event is about (issue 15).

Nothing here is a global registry keyed by a bare name: the label of ``reject`` on an adjustment
is the adjustment's transition label (不予批准), that of ``reject`` on a finding is the
finding's (验收不通过). A model declares its words where its fields and transitions are:

- a transition's label: ``@transition(..., custom={"label": _("不予批准")})``;
- a verb that is not a transition (a deadline extended, a reply filed): ``AUDIT_VERBS``;
- a changed field: the field's ``verbose_name`` (a reverse relation: the related model's plural
  name); a change key that is no field (evidence file names): ``AUDIT_FIELDS``;
- how a stored value reads, where a field's choices do not say it: ``audit_display(name, value)``
  returning lines, or None to fall back.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from audit.models import AuditEvent

from .transitions import state_field_name, transition_label


def event_model(event: AuditEvent):
    """The model class an event is about (None if that model is gone)."""
    return ContentType.objects.get_for_id(event.content_type_id).model_class()


def verb_label(model, verb: str) -> str:
    """The words for ``verb`` on ``model``: its transition's label, the model's ``AUDIT_VERBS``,
    then the verbs every record has."""
    if model is not None:
        label = transition_label(model, verb)
        if label:
            return label
        declared = getattr(model, "AUDIT_VERBS", {}).get(verb)
        if declared:
            return str(declared)
    generic = dict(AuditEvent.Action.choices)
    return str(generic.get(verb, verb))


def event_label(event: AuditEvent) -> str:
    return verb_label(event_model(event), event.verb)


def state_label(model, value: str) -> str:
    if not value:
        return ""
    if model is not None:
        try:
            field = model._meta.get_field(state_field_name(model))
        except (TypeError, FieldDoesNotExist):
            field = None
        if field is not None and field.choices:
            return str(dict(field.choices).get(value, value))
    return value


def field_label(model, name: str) -> str:
    """A change key's label: the field's ``verbose_name``; a reverse relation's related model's
    plural name; else the model's ``AUDIT_FIELDS``; else the key itself."""
    if model is None:
        return name
    declared = getattr(model, "AUDIT_FIELDS", {})
    if name in declared:
        return str(declared[name])
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if field.auto_created and not field.concrete:
        return str(field.related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


def display_value(model, name: str, value) -> list[str]:
    """A stored audit or snapshot value as lines a person reads: the model's own
    ``audit_display``, a field's choice label, 是/否, one line per list item, "—" for nothing."""
    if value is None or value == "" or value == []:
        return ["—"]
    hook = getattr(model, "audit_display", None) if model is not None else None
    if hook is not None:
        shown = hook(name, value)
        if shown is not None:
            return shown if isinstance(shown, list) else [shown]
    if isinstance(value, bool):
        return [_("是") if value else _("否")]
    if isinstance(value, list):
        return ["、".join(str(v) for v in value)]
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if field is not None and getattr(field, "choices", None):
            return [str(dict(field.choices).get(value, value))]
    return [str(value)]


def _stored_order(name) -> tuple:
    """PostgreSQL's jsonb hands an object's keys back shortest first, then byte by byte; SQLite
    keeps them as written. Rows follow the jsonb order on every database, so a timeline reads
    the same under ``make run`` (SQLite) as in production."""
    key = str(name).encode()
    return len(key), key


def present_changes(model, changes: dict) -> list[dict]:
    """``{field: [before, after]}`` (an event's changes, an adjustment's diff, two revisions'
    difference) as rows ``{"name", "label", "before", "after"}``, values as lines, in the order
    PostgreSQL stores the keys (``_stored_order``)."""
    rows = []
    for name, pair in sorted((changes or {}).items(), key=lambda item: _stored_order(item[0])):
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        rows.append(
            {
                "name": name,
                "label": field_label(model, name),
                "before": display_value(model, name, before),
                "after": display_value(model, name, after),
            }
        )
    return rows


def present_event(event: AuditEvent, *, about=None) -> dict:
    """One event as the timelines and dossiers show it. ``about``: the object whose timeline
    this is; an event of another record in its scope names that record."""
    model = event_model(event)
    changes = present_changes(model, event.changes)
    own = about is None or (
        event.content_type_id == ContentType.objects.get_for_model(type(about)).pk
        and event.object_id == str(about.pk)
    )
    return {
        "event": event,
        "label": verb_label(model, event.verb),
        "is_transition": event.is_transition,
        "from_state": state_label(model, event.from_state),
        "to_state": state_label(model, event.to_state),
        "changes": changes,
        "about": "" if own else event.object_repr,
    }


def timeline(events, *, about=None) -> list[dict]:
    """``present_event`` for each event, in the order given."""
    return [present_event(event, about=about) for event in events]
