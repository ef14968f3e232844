"""API plumbing every app's viewsets share (issue 15): the one exception handler that renders
``ApplicationError`` (400/403/404/409 with the service's message and field errors), the error
responses for the schema, request validation that answers in the services' error shape, plain
decimals, and the audit event as the API shows it."""

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from audit.models import AuditEvent

from .errors import ApplicationError, ValidationFailed
from .events import event_label, event_model, field_label, state_label


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message}
        if exc.field_errors:
            body["errors"] = exc.field_errors
        return Response(body, status=exc.status_code)
    return drf_exception_handler(exc, context)


def flatten_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as the services' flat keys (``milestones.0.due_date``), so a
    client handles one error shape whichever layer refused the input."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        items = errors.items()
    elif isinstance(errors, list) and any(isinstance(e, dict | list) for e in errors):
        items = enumerate(errors)
    else:
        return {prefix or "non_field_errors": [str(e) for e in errors]}
    for key, value in items:
        key = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict | list) and value and not isinstance(value, str):
            for k, v in flatten_errors(value, key).items():
                flat.setdefault(k, []).extend(v)
        elif value:
            flat.setdefault(key, []).append(str(value))
    return flat


def validated(serializer, message=None):
    """The serializer's data, or ``ValidationFailed`` in the services' shape."""
    if not serializer.is_valid():
        raise ValidationFailed(
            message or _("请求有误，请更正标出的问题。"),
            field_errors=flatten_errors(serializer.errors),
        )
    return serializer.validated_data


class ErrorSerializer(serializers.Serializer):
    """What ``exception_handler`` renders for an ApplicationError."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy("按字段列出的问题；嵌套行写作 milestones.0.due_date"),
    )


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("输入有误，未保存任何内容")),
    403: OpenApiResponse(ErrorSerializer, description=gettext_lazy("无权执行该操作")),
    404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("对象不存在或无权查看")),
    409: OpenApiResponse(ErrorSerializer, description=gettext_lazy("已被他人修改或处理")),
}


class PlainDecimalField(serializers.DecimalField):
    """Values as written (6.5, not 6.5000): columns keep four places for small indicators."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("normalize_output", True)
        super().__init__(*args, **kwargs)


class PlainDecimalModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: PlainDecimalField,
    }


class AuditChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class AuditEventSerializer(serializers.ModelSerializer):
    """An audit event in the one format (``action`` is ``<app>.<model>.<verb>``; ``changes`` by
    field name), with the words a person reads resolved for the reader's language."""

    action_display = serializers.SerializerMethodField()
    verb = serializers.CharField(read_only=True)
    from_state_display = serializers.SerializerMethodField()
    to_state_display = serializers.SerializerMethodField()
    change_labels = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_name",
            "action",
            "action_display",
            "verb",
            "object_repr",
            "from_state",
            "from_state_display",
            "to_state",
            "to_state_display",
            "changes",
            "change_labels",
            "comment",
            "request_id",
        ]
        read_only_fields = fields

    def get_action_display(self, event) -> str:
        return event_label(event)

    def get_from_state_display(self, event) -> str:
        return state_label(event_model(event), event.from_state)

    def get_to_state_display(self, event) -> str:
        return state_label(event_model(event), event.to_state)

    def get_change_labels(self, event) -> dict[str, str]:
        model = event_model(event)
        return {name: field_label(model, name) for name in event.changes or {}}


class NarrowFirst:
    """A list's queryset for the paginator, sorted narrow before its wide rows are read (issue
    20): a page is ``WHERE id IN (the page's ids, sorted and sliced on the bare table) ORDER BY
    …``, so the database sorts ids, not thousands of joined wide rows spilling to disk, before
    LIMIT. Still one query for the page and one for the count."""

    def __init__(self, queryset, *, rows=None):
        self.queryset = queryset
        self.ordered = queryset.ordered
        # What the page reads of its rows (e.g. ``lambda qs: qs.values(...)``); the models.
        self.rows = rows or (lambda qs: qs)

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("NarrowFirst is read a page (a slice) at a time")
        ids = self.queryset.values("pk")[index]
        return list(self.rows(self.queryset.filter(pk__in=ids)))


class CountedApart:
    """A page of ``rows`` (e.g. ``values()`` of a joined queryset) whose total the paginator
    counts on ``counted``, the same filters without the joins the rows need (issue 20): the
    count of a ``values()`` queryset keeps every join its columns named."""

    def __init__(self, rows, counted):
        self.rows = rows
        self.counted = counted
        self.ordered = rows.ordered

    def count(self):
        return self.counted.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        return self.rows[index]


# --- years in query strings ---------------------------------------------------------------

# A plan year is a calendar year; anything else in ``?year=`` is a mistake to name, not a
# filter that quietly matches nothing (or, past the column's range, fails in the database).
MIN_YEAR, MAX_YEAR = 1000, 9999
ALL_YEARS = "all"
YEAR_OR_ALL_PATTERN = r"^(all|[1-9][0-9]{3})$"
INVALID_YEAR = gettext_lazy("年度应为四位数的年份，如 2026。")
INVALID_YEAR_OR_ALL = gettext_lazy("年度应为四位数的年份（如 2026）或 all（全部年度）。")


class YearFormField(forms.IntegerField):
    default_error_messages = {"invalid": INVALID_YEAR}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        kwargs.setdefault("error_messages", {"min_value": INVALID_YEAR, "max_value": INVALID_YEAR})
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(filters.NumberFilter):
    """``?plan_year__year=2026``: a four-digit year, else 400 with a message that says so."""

    field_class = YearFormField


class YearOrAllFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value).strip()
        if value in self.empty_values or value == ALL_YEARS:
            return value
        if value.isascii() and value.isdigit() and MIN_YEAR <= int(value) <= MAX_YEAR:
            return int(value)
        raise forms.ValidationError(INVALID_YEAR_OR_ALL, code="invalid")


@extend_schema_field({"type": "string", "pattern": YEAR_OR_ALL_PATTERN})
class YearOrAllFilter(filters.CharFilter):
    """``?year=2026`` or ``?year=all``: which years a list covers, for lists that default to one
    year when none is asked for (the filter set applies the default)."""

    field_class = YearOrAllFormField
