from decimal import Decimal

from django import template

from evaluation.scoring import round2

register = template.Library()


@register.filter
def points(value):
    """A score as shown: rounded half up to two places (the display rule of evaluation.scoring);
    exact values stay in the stored detail."""
    if value is None or value == "":
        return "—"
    return format(round2(Decimal(str(value))), "f")


@register.filter
def plain_points(value):
    """A maximum or entered value as written: 5 not 5.0000."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value)).normalize()
    return format(value, "f")
