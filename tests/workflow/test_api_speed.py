"""The API lists' shortcuts (workflow/api_speed.py, issue 20) give exactly what DRF and
django-filter give: the same text for every value a list reads, and a filter set's form built
once per language."""

import datetime
import decimal
import zoneinfo

import pytest
from django.http import QueryDict
from django.utils import timezone, translation
from rest_framework import serializers

from execution.api.progress import ReportFilter
from targets.api.filters import TargetFilter
from targets.models import Target
from workflow.api import PlainDecimalField
from workflow.api_speed import representer

UTC = datetime.UTC
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

DATETIMES = [
    datetime.datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
    datetime.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC),
    datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI),
    datetime.datetime(2026, 6, 1, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
    datetime.datetime(1, 1, 1, 0, 0, tzinfo=UTC),  # the zone's offset takes it out of range
    datetime.datetime(2026, 3, 1, 8, 30),  # naive: the field's own answer
]
DECIMALS = [
    "0",
    "0.0000",
    "-0.0000",
    "6.5",
    "6.5000",
    "100",
    "1E+2",
    "-12.3400",
    "123456789012.3456",
    "0.0001",
    "0.00001",  # more places than the column: the field rounds
    "12345678901234.5",  # more digits than the column: the field refuses
    "Infinity",
]


def _same(field, value):
    try:
        expected = field.to_representation(value)
    except Exception as error:  # noqa: BLE001 — the shortcut must fail the same way
        with pytest.raises(type(error)):
            representer(field)(value)
        return
    assert representer(field)(value) == expected, value


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_datetimes_as_the_field_writes_them(zone):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for field in (serializers.DateTimeField(), serializers.DateTimeField(format="%Y")):
            for value in DATETIMES:
                _same(field, value)


def test_dates_as_the_field_writes_them():
    for field in (serializers.DateField(), serializers.DateField(format="%d/%m/%Y")):
        for value in (datetime.date(2026, 1, 5), datetime.date(1, 1, 1)):
            _same(field, value)


@pytest.mark.parametrize(
    "field",
    [
        PlainDecimalField(max_digits=16, decimal_places=4),
        PlainDecimalField(max_digits=5, decimal_places=2),
        serializers.DecimalField(max_digits=16, decimal_places=4),
        serializers.DecimalField(max_digits=16, decimal_places=4, coerce_to_string=False),
        PlainDecimalField(max_digits=None, decimal_places=None),
    ],
)
def test_decimals_as_the_field_writes_them(field):
    for text in DECIMALS:
        _same(field, decimal.Decimal(text))


@pytest.mark.parametrize("filterset", [TargetFilter, ReportFilter])
def test_filter_form_once_per_language(filterset):
    def form_class(language):
        with translation.override(language):
            return filterset(QueryDict(""), queryset=Target.objects.none()).form.__class__

    assert form_class("zh-hans") is form_class("zh-hans")
    assert form_class("en") is not form_class("zh-hans")
    with translation.override("en"):
        form = filterset(QueryDict("state=bogus"), queryset=Target.objects.none()).form
        assert not form.is_valid()
        assert "state" in form.errors
