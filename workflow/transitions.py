"""The one path of every state change (issue 15; Shanghai measures Art. 14 全程记录).

Every workflow model declares its states as a django-fsm ``FSMField`` and each step as a
``@transition`` with ``permission=`` and ``custom={"label": …}``. A service that changes a state
calls ``transition_apply``; nothing else sets a ``state``. It:

1. locks the row (``select_for_update``) so two people acting at once queue up;
2. checks the transition's permission on the locked row → ``NotPermitted`` (403);
3. checks the transition may run from the current state → ``Conflict`` (409): someone else
   moved it first;
4. runs the transition and sets the step's other fields;
5. saves ``update_fields`` only; django-fsm's ``ConcurrentTransition`` → ``Conflict``;
6. writes one audit event ``<app>.<model>.<transition>`` with the states, the changed fields
   (``{field: [before, after]}``), the comment and the target scope;
7. returns the locked, moved object.

Side effects (notifications, e-mail, recomputations) stay in the calling service, queued with
``transaction.on_commit`` where they leave the database.
"""

import functools
from collections.abc import Iterable

from django.db import models, transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, FSMFieldMixin, can_proceed, has_transition_perm

from audit.services import audit_event, audit_record, audit_record_many

from .errors import Conflict, NotPermitted


def state_field_name(model) -> str:
    """The name of the model's FSM field (each workflow model has exactly one)."""
    for field in model._meta.concrete_fields:
        if isinstance(field, FSMFieldMixin):
            return field.name
    raise TypeError(f"{model.__name__} has no FSM state field")


def transition_meta(model, name: str):
    """The django-fsm metadata of transition ``name`` of ``model`` (a class or an instance)."""
    model = model if isinstance(model, type) else type(model)
    method = getattr(model, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise ValueError(f"{model.__name__}.{name} is not a transition")
    return meta


def transitions_of(model) -> dict[str, object]:
    """Every transition ``model`` declares, by method name, in declaration order."""
    return _declared(model if isinstance(model, type) else type(model))


@functools.cache
def _declared(model) -> dict[str, object]:
    # Read once per model class: the declarations do not change while the process runs.
    found = {}
    for klass in reversed(model.__mro__):
        for name, value in vars(klass).items():
            meta = getattr(value, "_django_fsm", None)
            if meta is not None:
                found[name] = meta
    return found


def transition_label(model, name: str) -> str:
    """The words a person reads for transition ``name`` of ``model`` (its ``custom["label"]``),
    or "" when the model has no such transition."""
    try:
        meta = transition_meta(model, name)
    except ValueError:
        return ""
    for t in meta.transitions.values():
        label = (t.custom or {}).get("label")
        if label:
            return str(label)
    return ""


def transition_permitted(obj, name: str, user) -> bool:
    """Whether ``user`` holds the permission declared on ``obj``'s transition ``name``, whatever
    the state ``obj`` is in now (a person who may never do it is told 403, not 409)."""
    meta = transition_meta(obj, name)
    return all(t.has_perm(obj, user) for t in meta.transitions.values())


def require_transition_permission(obj, name: str, user, *, message: str | None = None) -> None:
    """Raise ``NotPermitted`` unless ``user`` may perform ``name`` on ``obj``. Services call it
    before they read any input, so who may not act hears 403 rather than a 400 about a field."""
    if not transition_permitted(obj, name, user):
        raise NotPermitted(message or _("您无权对“%(obj)s”执行此操作。") % {"obj": obj})


def available_transitions(obj, user, *, names: Iterable[str] | None = None) -> list[str]:
    """The transitions ``user`` may perform on ``obj`` now (permission and current state), in
    declaration order — the actions pages and the API offer. ``names`` narrows and orders them;
    transitions marked ``custom={"offered": False}`` (run by another stage's service) are left
    out unless named."""
    if names is None:
        declared = transitions_of(obj)
        names = [
            n
            for n, meta in declared.items()
            if all((t.custom or {}).get("offered", True) for t in meta.transitions.values())
        ]
    return [n for n in names if has_transition_perm(getattr(obj, n), user)]


def lock(obj, *, queryset=None):
    """``obj``'s row again, locked until the transaction ends. Relations already loaded on
    ``obj`` are kept when they still point at the same rows (no extra query to read them)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must run inside transaction.atomic()")
    qs = queryset if queryset is not None else type(obj)._default_manager
    locked = qs.select_for_update().get(pk=obj.pk)
    for name, value in obj._state.fields_cache.items():
        field = obj._meta.get_field(name)
        forward = getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False)
        attname = getattr(field, "attname", None)
        if forward and attname and getattr(locked, attname) == getattr(obj, attname):
            locked._state.fields_cache.setdefault(name, value)
    return locked


def lock_for_step(queryset, pk, name: str):
    """The row ``pk`` of ``queryset``, locked until the transaction ends, if transition ``name``
    may be taken from its current state; else None. For steps the system repeats safely (a
    redelivered task finds its job finished and does nothing) rather than refuses with 409."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_for_step() must run inside transaction.atomic()")
    row = queryset.select_for_update().filter(pk=pk).first()
    if row is None or not can_proceed(getattr(row, name)):
        return None
    return row


def plain(value):
    """A field value as the audit trail stores it (JSON: numbers as text, dates ISO)."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@transaction.atomic
def transition_apply(
    obj,
    name: str,
    *,
    by,
    comment: str = "",
    values: dict | None = None,
    stamps: dict | None = None,
    changes: dict | None = None,
    scope=None,
    locked: bool = False,
    forbidden: str | None = None,
    refused: str | None = None,
    raced: str | None = None,
):
    """Apply transition ``name`` to ``obj`` by ``by`` — see the module's docstring.

    ``values``: other fields the step sets, recorded as ``[before, after]``;
    ``stamps``: fields the step sets that the event itself already tells (a time, the actor),
    saved but not listed among the changes; ``changes``: more before/after pairs to record
    (e.g. evidence names); ``scope``: the object whose timeline also shows the event (default:
    ``obj.audit_scope`` when the model has it; a list writes the event once per object, each on
    its own timeline); ``locked``: ``obj`` is already the locked row.
    ``forbidden`` / ``refused`` / ``raced``: the messages for 403, a state that does not allow
    the step, and a concurrent change, when a service words them itself.

    ``by`` None is the system (a scheduled task): permissions are not asked then.
    """
    row = obj if locked else lock(obj)
    if by is not None and not transition_permitted(row, name, by):
        raise NotPermitted(forbidden or _("您无权对“%(obj)s”执行此操作。") % {"obj": row})
    method = getattr(row, name)
    state_name = state_field_name(type(row))
    if not can_proceed(method):
        raise Conflict(
            refused
            or _("“%(obj)s”当前为“%(state)s”状态，不能执行此操作（可能已被他人处理，请刷新）。")
            % {"obj": row, "state": _state_display(row, state_name)}
        )
    from_state = getattr(row, state_name)
    method()
    recorded = {}
    for key, value in (values or {}).items():
        before = getattr(row, key)
        setattr(row, key, value)
        if plain(before) != plain(value):
            recorded[key] = [plain(before), plain(value)]
    for key, value in (stamps or {}).items():
        setattr(row, key, value)
    recorded.update(changes or {})
    update_fields = [state_name, *(values or {}), *(stamps or {})]
    if any(f.name == "updated_at" for f in row._meta.concrete_fields):
        update_fields.append("updated_at")
    try:
        row.save(update_fields=list(dict.fromkeys(update_fields)))
    except ConcurrentTransition as exc:
        raise Conflict(raced or _("“%(obj)s”已被他人处理，请刷新后查看。") % {"obj": row}) from exc
    scope = scope if scope is not None else getattr(row, "audit_scope", None)
    # A record about several targets (a supervision order) shows on each one's timeline.
    for one in scope if isinstance(scope, list | tuple) else [scope]:
        audit_record(
            actor=by,
            obj=row,
            action=name,
            from_state=from_state,
            to_state=getattr(row, state_name),
            comment=(comment or "").strip(),
            changes=recorded,
            scope=one,
        )
    return row


def transition_apply_many(
    queryset,
    name: str,
    *,
    by=None,
    comment: str = "",
    stamps: dict | None = None,
    changes=None,
    actor_name: str = "",
) -> list:
    """Transition ``name`` on every row of ``queryset`` that the step may leave from, set-based
    (a scheduled sweep over many rows: the same few queries for 1 or 10,000). Rows another
    transaction holds are skipped (they are being worked on by hand); so are rows ``by`` may not
    move. The state and ``stamps`` are written in one UPDATE, and one audit event per row, as
    ``transition_apply`` writes it (``changes``: a function of the row giving its before/after
    pairs; ``actor_name``: how the system signs, when ``by`` is None). Returns the moved rows,
    as they were before the step (their ``audit_scope`` and relations as the queryset loaded them).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition_apply_many() must run inside transaction.atomic()")
    model = queryset.model
    state_name = state_field_name(model)
    meta = transition_meta(model, name)
    sources = [source for source in meta.transitions if source not in ("*", "+")]
    targets = {t.target for t in meta.transitions.values()}
    if len(targets) != 1:
        raise ValueError(f"{model.__name__}.{name} has no single target state")
    (to_state,) = targets
    rows = list(
        queryset.select_for_update(skip_locked=True, of=("self",)).filter(
            **{f"{state_name}__in": sources}
        )
    )
    if by is not None:
        rows = [row for row in rows if transition_permitted(row, name, by)]
    if not rows:
        return []
    model._default_manager.filter(
        pk__in=[row.pk for row in rows], **{f"{state_name}__in": sources}
    ).update(**{state_name: to_state}, **(stamps or {}))
    events = []
    for row in rows:
        event = audit_event(
            actor=by,
            obj=row,
            action=name,
            from_state=getattr(row, state_name),
            to_state=to_state,
            comment=comment,
            changes=changes(row) if changes else {},
            scope=getattr(row, "audit_scope", None),
        )
        if by is None and actor_name:
            event.actor_name = str(actor_name)
        events.append(event)
    audit_record_many(events)
    return rows


def _state_display(obj, state_name: str) -> str:
    display = getattr(obj, f"get_{state_name}_display", None)
    return str(display()) if display else str(getattr(obj, state_name))
