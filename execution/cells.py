"""The early-warning cell of the targets tables, without the template engine (issue 20): the
markup of ``execution/warning_cell.html``, once per row of the list."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def warning_cell(target) -> str:
    level = getattr(target, "warning_level", None)
    if not level:
        return mark_safe('<span class="muted">—</span>')  # noqa: S308 — a constant
    label = {"red": _("红色"), "yellow": _("黄色")}.get(level) or _("绿色")
    return format_html(
        '<span class="badge badge--warning-{}" data-warning-level="{}">{}</span>',
        level,
        level,
        label,
    )
