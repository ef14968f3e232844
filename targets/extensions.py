"""Where later stages add to the target page without formulation importing them.

The execution, supervision and evaluation apps register sections here from their
``AppConfig.ready()``; ``targets.views.target_detail`` renders every section that has something
for the reader. Imports stay one way (targets ← execution ← supervision ← evaluation).
"""

from collections.abc import Callable
from dataclasses import dataclass

# A section builder gets (request, target) — the target already filtered to what the reader
# may see — and returns the template context for its section, or None to show nothing.
SectionBuilder = Callable[..., dict | None]


@dataclass(frozen=True)
class TargetSection:
    key: str
    template: str
    build: SectionBuilder
    order: int = 100


_sections: dict[str, TargetSection] = {}


def register_target_section(*, key: str, template: str, build: SectionBuilder, order: int = 100):
    """Add a section to the target page. Registering the same key again replaces it (Django may
    call ``ready()`` more than once in tests)."""
    _sections[key] = TargetSection(key=key, template=template, build=build, order=order)


def target_sections(request, target) -> list[dict]:
    """The sections to show on ``target``'s page for this request, in order: each as
    ``{"key", "template", "context"}``."""
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.build(request, target)
        if context is not None:
            shown.append({"key": section.key, "template": section.template, "context": context})
    return shown


# Later stages' records show on the target's timeline (audit scope); these are the names of
# their transitions and states there, registered with their sections.
_transition_labels: dict[str, str] = {}
_state_labels: dict[str, str] = {}
_field_labels: dict[str, str] = {}


def register_timeline_labels(
    *, transitions: dict | None = None, states: dict | None = None, fields: dict | None = None
):
    """Labels for a later stage's transitions, states and changed fields on the target's
    timeline (a target's own transitions, states and fields keep their labels)."""
    _transition_labels.update(transitions or {})
    _state_labels.update(states or {})
    _field_labels.update(fields or {})


def timeline_field_label(name: str) -> str:
    return _field_labels.get(name, name)


def timeline_transition_label(name: str) -> str:
    return _transition_labels.get(name, name)


def timeline_state_label(value: str) -> str:
    return _state_labels.get(value, value)
