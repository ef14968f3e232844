"""The early-warning cell of the targets tables, without the template engine (issue 20): the
markup of ``execution/warning_cell.html``, once per row of the list."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import WarningSnapshot

_NONE = mark_safe('<span class="muted">—</span>')  # noqa: S308 — a constant
# (language, level) → the cell: a page of 50 rows has at most three different cells, so each
# is translated and formatted once per process and language, not once per row.
_cells: dict[tuple[str | None, str], str] = {}
_LEVELS = frozenset(WarningSnapshot.Level.values)


def _build(level: str) -> str:
    label = {"red": _("红色"), "yellow": _("黄色")}.get(level) or _("绿色")
    return format_html(
        '<span class="badge badge--warning-{}" data-warning-level="{}">{}</span>',
        level,
        level,
        label,
    )


def warning_cell(target) -> str:
    level = getattr(target, "warning_level", None)
    if not level:
        return _NONE
    if level not in _LEVELS:
        return _build(level)
    key = (get_language(), level)
    cell = _cells.get(key)
    if cell is None:
        cell = _cells[key] = _build(level)
    return cell
