"""Where later stages add to execution's pages without execution importing them (the same shape
as ``targets.extensions``): supervision shows the orders about a coordination item on the item's
page (issue 9 item 1). Registered from the later app's ``AppConfig.ready()``."""

from collections.abc import Callable
from dataclasses import dataclass

# build(request, item) -> the section's template context, or None to show nothing. ``item`` is
# already filtered to what the reader may see.
SectionBuilder = Callable[..., dict | None]


@dataclass(frozen=True)
class CoordinationSection:
    key: str
    template: str
    build: SectionBuilder
    order: int = 100


_sections: dict[str, CoordinationSection] = {}


def register_coordination_section(
    *, key: str, template: str, build: SectionBuilder, order: int = 100
) -> None:
    """Registering the same key again replaces it."""
    _sections[key] = CoordinationSection(key=key, template=template, build=build, order=order)


def coordination_sections(request, item) -> list[dict]:
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.build(request, item)
        if context is not None:
            shown.append({"key": section.key, "template": section.template, "context": context})
    return shown
