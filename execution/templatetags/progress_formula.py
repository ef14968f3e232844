"""``{% progress_formula target value %}``: how % complete is computed, next to the figure
(issue 16 item 4) — the words come from ``execution.early_warning.progress_formula``, the same
module that computes the figure."""

from django import template

from ..early_warning import progress_formula as formula

register = template.Library()


@register.simple_tag
def progress_formula(target, value=None):
    return formula(target, value)
