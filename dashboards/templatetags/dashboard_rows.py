"""``{% completion_rows completion %}``: the completion table's rows written in Python
(``dashboards.board_rows``, issue 20), for the overview and the completion-rate page alike."""

from django import template

from .. import board_rows

register = template.Library()


@register.simple_tag
def completion_rows(completion):
    return board_rows.completion_rows(completion)
