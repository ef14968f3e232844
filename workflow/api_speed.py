"""What the API lists do once per request rather than once per row or field (issue 20).

- ``representer(field)``: a serializer field's ``to_representation`` for the values a list
  reads from the database (dates, aware datetimes, decimals that fit their column), with the
  field's format, time zone and places looked up once; anything else goes to the field itself,
  so the output is the field's, byte for byte (``tests/workflow/test_api_speed.py``).
- ``FormClassOnce``: a filter set whose form class is built once per language, not on every
  request (django-filter builds a new form class, every filter's form field and its label, for
  each request: about a millisecond of each list).
"""

import datetime
import decimal

from django.conf import settings
from django.utils.translation import get_language
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings


def _dates(field):
    output_format = getattr(field, "format", api_settings.DATE_FORMAT)
    if output_format is None or output_format.lower() != ISO_8601:
        return field.to_representation
    slow = field.to_representation

    def represent(value):
        if type(value) is datetime.date:
            return value.isoformat()
        return slow(value)

    return represent


def _datetimes(field):
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if output_format is None or output_format.lower() != ISO_8601 or not settings.USE_TZ:
        return field.to_representation
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    slow = field.to_representation
    if zone is None:
        return slow

    def represent(value):
        if type(value) is not datetime.datetime or value.utcoffset() is None:
            return slow(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return slow(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return represent


def _decimals(field):
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    places = field.decimal_places
    digits = field.max_digits
    if not coerce or field.localize or None in (places, digits) or not field.normalize_output:
        return field.to_representation
    slow = field.to_representation

    def represent(value):
        # A value that already has at most the column's places and digits is what quantizing
        # gives back (zeros added), and normalizing takes those zeros off again.
        if type(value) is not decimal.Decimal or not value.is_finite():
            return slow(value)
        exponent = value.as_tuple().exponent
        if exponent < -places or value.adjusted() >= digits - places:
            return slow(value)
        return f"{value.normalize():f}"

    return represent


def representer(field):
    """``field.to_representation``, quicker for the values a list reads (see above)."""
    if isinstance(field, serializers.DateTimeField):
        return _datetimes(field)
    if isinstance(field, serializers.DateField):
        return _dates(field)
    if isinstance(field, serializers.DecimalField):
        return _decimals(field)
    return field.to_representation


_form_classes: dict = {}


class FormClassOnce:
    """Mix into a ``FilterSet`` whose filters' form fields depend on nothing of the request (no
    ``ModelChoiceFilter`` with a per-request queryset): the form class, with its fields and
    their translated labels, is kept per filter set and language. Each request still gets its
    own form (Django copies the class's fields into every form)."""

    def get_form_class(self):
        key = (type(self), get_language())
        form_class = _form_classes.get(key)
        if form_class is None:
            form_class = _form_classes[key] = super().get_form_class()
        return form_class
