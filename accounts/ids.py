"""Ids that arrive from outside — query strings, form posts, JSON bodies — checked in one place.

A primary key is a positive 64-bit integer (``BigAutoField``: PostgreSQL ``bigint``, SQLite
``INTEGER``). A larger number cannot name a row, and handed to the database it fails — SQLite
raises ``OverflowError`` (a 500) — so every id from a request is read through these helpers:
out of range is bad input (400), or, where an unreadable id is answered as absent, 404 (issue 11).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers

MIN_ID = 1
MAX_ID = 2**63 - 1
INVALID_ID = _("不是有效的编号。")


def parse_id(value) -> int | None:
    """The id ``value`` names (an int, or a string of digits), or None if it cannot name a row."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
            return None
        number = int(text)
    return number if MIN_ID <= number <= MAX_ID else None


def parse_ids(values) -> list[int] | None:
    """Every id in ``values``, or None if any of them cannot name a row."""
    ids = [parse_id(v) for v in values]
    return None if None in ids else ids


class IdFormField(forms.IntegerField):
    """An id in a page form or a django-filter filter."""

    default_error_messages = {"invalid": INVALID_ID}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_ID)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("error_messages", {"min_value": INVALID_ID, "max_value": INVALID_ID})
        super().__init__(**kwargs)


class IdModelChoiceField(forms.ModelChoiceField):
    """A page form's choice of one object by id: the id is checked before the lookup."""

    def to_python(self, value):
        if value not in self.empty_values and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A page form's choice of several objects by id (SQLite fails on an ``__in`` lookup with an
    id beyond 64 bits)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class IdFilter(filters.NumberFilter):
    """A query-string filter on an id (``?aspect=3``): whole numbers in range, else 400."""

    field_class = IdFormField


class IdField(serializers.IntegerField):
    """An id in a JSON body."""

    default_error_messages = {
        "invalid": INVALID_ID,
        "min_value": INVALID_ID,
        "max_value": INVALID_ID,
        "max_string_length": INVALID_ID,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object named by its id in a JSON body: the id is checked before the lookup."""

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", IdField())
        super().__init__(**kwargs)
