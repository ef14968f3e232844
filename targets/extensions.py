"""Where later stages add to the target page and the targets list without formulation importing
them.

The execution, supervision and evaluation apps register sections here from their
``AppConfig.ready()``; ``targets.views.target_detail`` renders every section that has something
for the reader. Imports stay one way (targets ← execution ← supervision ← evaluation).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

# A section builder gets (request, target) — the target already filtered to what the reader
# may see — and returns the template context for its section, or None to show nothing.
SectionBuilder = Callable[..., dict | None]

# A probe: ``(model, field)``, a later stage's rows about the target (``field`` a foreign key to
# it). The target page reads every section's probes as ``EXISTS`` columns of its own query, so
# a section whose records the target has none of (most targets have no adjustment, order or
# deduction) runs no query of its own (issue 20: the sections were 19–26 queries a page).
SectionProbe = tuple[type, str]

_PROBE_PREFIX = "_section_has_"


@dataclass(frozen=True)
class TargetSection:
    key: str
    template: str
    build: SectionBuilder
    order: int = 100
    probes: dict[str, SectionProbe] = field(default_factory=dict)


_sections: dict[str, TargetSection] = {}


def register_target_section(
    *,
    key: str,
    template: str,
    build: SectionBuilder,
    order: int = 100,
    probes: dict[str, SectionProbe] | None = None,
):
    """Add a section to the target page. Registering the same key again replaces it (Django may
    call ``ready()`` more than once in tests). ``probes``: ``{name: (model, field)}``, names
    unique across sections; the builder asks ``may_have(target, name)`` before reading them."""
    _sections[key] = TargetSection(
        key=key, template=template, build=build, order=order, probes=dict(probes or {})
    )


@cache
def _exists_sql(model, field_name: str) -> str:
    from .models import Target

    qn = connection.ops.quote_name
    column = model._meta.get_field(field_name).column
    outer = f"{qn(Target._meta.db_table)}.{qn(Target._meta.pk.column)}"
    # Names from the models' own metadata, quoted; nothing from a request.
    table = qn(model._meta.db_table)
    return f"EXISTS (SELECT 1 FROM {table} probe WHERE probe.{qn(column)} = {outer})"  # noqa: S608


def rows_exist(model, field_name: str) -> RawSQL:
    """An annotation for a query of targets: whether ``model`` has a row whose ``field_name`` is
    the target (the query's own table, which Django aliases by its name). Plain SQL, not
    ``Exists(queryset)``: compiling a dozen subqueries through the ORM cost as much CPU as the
    queries they save."""
    return RawSQL(_exists_sql(model, field_name), (), output_field=BooleanField())  # noqa: S611


def section_probes() -> dict:
    """The annotations the target page's query takes: one ``EXISTS`` for each registered probe."""
    return {
        _PROBE_PREFIX + name: rows_exist(model, field_name)
        for section in _sections.values()
        for name, (model, field_name) in section.probes.items()
    }


def may_have(target, name: str) -> bool:
    """False when the target page's query found no row for probe ``name``: the section can skip
    reading them. True when it found some, or when ``target`` was read without the probes (any
    other caller), so a builder stays right wherever its target comes from."""
    return getattr(target, _PROBE_PREFIX + name, True)


def target_sections(request, target) -> list[dict]:
    """The sections to show on ``target``'s page for this request, in order: each as
    ``{"key", "template", "context"}``."""
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.build(request, target)
        if context is not None:
            shown.append({"key": section.key, "template": section.template, "context": context})
    return shown


# A list filter: ``apply(queryset, value)`` narrows the targets queryset to the chosen value.
FilterApply = Callable[..., object]


@dataclass(frozen=True)
class TargetFilter:
    key: str
    label: str
    choices: tuple
    apply: FilterApply
    order: int = 100


_filters: dict[str, TargetFilter] = {}


def register_target_filter(
    *, key: str, label, choices, apply: FilterApply, order: int = 100
) -> None:
    """Add a filter to the targets list (page and API): ``key`` is the query-string parameter,
    ``choices`` its ``(value, label)`` pairs. Registering the same key again replaces it."""
    _filters[key] = TargetFilter(
        key=key, label=label, choices=tuple(choices), apply=apply, order=order
    )


def target_filters() -> list[TargetFilter]:
    return sorted(_filters.values(), key=lambda f: (f.order, f.key))


def apply_target_filters(qs, params):
    """Narrow ``qs`` by every registered filter whose key has a valid value in ``params``."""
    for item in target_filters():
        value = params.get(item.key)
        if value and value in {str(v) for v, _label in item.choices}:
            qs = item.apply(qs, value)
    return qs


# A list column: ``annotate(queryset)`` adds what ``template`` shows for each ``target`` row (an
# annotation, so the list's query count does not grow with the rows). ``render(target)``, when
# given, returns the same cell as safe HTML without the template engine (issue 20: a template
# include per row was a large part of the list's time).
@dataclass(frozen=True)
class TargetColumn:
    key: str
    label: str
    template: str
    annotate: FilterApply
    order: int = 100
    render: Callable[..., str] | None = None


_columns: dict[str, TargetColumn] = {}


def register_target_column(
    *, key: str, label, template: str, annotate: FilterApply, order: int = 100, render=None
) -> None:
    """Add a column to the targets tables (list and review queue). Registering the same key
    again replaces it."""
    _columns[key] = TargetColumn(
        key=key, label=label, template=template, annotate=annotate, order=order, render=render
    )


def target_columns() -> list[TargetColumn]:
    return sorted(_columns.values(), key=lambda c: (c.order, c.key))


def annotate_target_columns(qs):
    for column in target_columns():
        qs = column.annotate(qs)
    return qs


# A list action: a link a later app offers above the targets list for what the list now shows
# (supervision: "issue orders for these red targets", issue 9). ``build(request, queryset)``
# returns ``{"label": ..., "url": ...}`` or None when it does not apply to this user or filter;
# it runs only on the list page, so targets never imports the later app.
ListActionBuild = Callable[..., dict | None]


@dataclass(frozen=True)
class TargetListAction:
    key: str
    build: ListActionBuild
    order: int = 100


_list_actions: dict[str, TargetListAction] = {}


def register_target_list_action(*, key: str, build: ListActionBuild, order: int = 100) -> None:
    """Offer a link above the targets list. Registering the same key again replaces it."""
    _list_actions[key] = TargetListAction(key=key, build=build, order=order)


def target_list_actions(request, qs) -> list[dict]:
    """The links that apply to ``request`` and the filtered list ``qs``."""
    actions = []
    for action in sorted(_list_actions.values(), key=lambda a: (a.order, a.key)):
        built = action.build(request, qs)
        if built:
            actions.append(built)
    return actions
