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


# Labels for the transitions and states of later stages' records, so their steps read right on
# the target's timeline (a supervision order's "close", a finding's "verified"…).
_timeline_transitions: dict[str, str] = {}
_timeline_states: dict[str, str] = {}


def register_timeline_labels(*, transitions: dict | None = None, states: dict | None = None):
    """Add labels (lazy translations) for transition and state names that appear in audit rows
    recorded in a target's scope. Targets' own names take precedence."""
    _timeline_transitions.update(transitions or {})
    _timeline_states.update(states or {})


def timeline_transition_label(name: str):
    return _timeline_transitions.get(name, name)


def timeline_state_label(name: str):
    return _timeline_states.get(name, name)
