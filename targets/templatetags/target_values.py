from django import template

from targets.services import plain_value

register = template.Library()


@register.filter
def plain_number(value):
    """An indicator value as written: 6.5 not 6.5000, 120 not 1.2E+2 (values have four places)."""
    if value is None or value == "":
        return ""
    return plain_value(value)
