"""``{% completion_rows completion %}``: the completion table's rows written in Python
(``dashboards.rows``, issue 20), for the overview and the completion-rate page alike."""

from django import template

from .. import rows

register = template.Library()


@register.simple_tag
def completion_rows(completion):
    return rows.completion_rows(completion)
