"""The target list's query filters."""

from django_filters import rest_framework as filters
from rest_framework.filters import BaseFilterBackend

from accounts.ids import IdFilter
from workflow.api import YearFilter
from workflow.api_speed import FormClassOnce

from ..extensions import apply_target_filters, target_filters
from ..models import Target


class TargetFilter(FormClassOnce, filters.FilterSet):
    # Plain numbers rather than model choices: validating a choice would query the table (and
    # tell a user that an id they may not read exists).
    # Ids are read through accounts.ids: out of range or not whole is 400, never a 500.
    plan_year = IdFilter(field_name="plan_year_id")
    plan_year__year = YearFilter(field_name="plan_year__year")
    aspect = IdFilter(field_name="aspect_id")
    lead_department = IdFilter(field_name="lead_department_id")
    parent = IdFilter(field_name="parent_id")

    class Meta:
        model = Target
        fields = ["plan_year", "plan_year__year", "state", "level", "kind", "aspect"]
        fields += ["lead_department", "parent", "is_key_work"]


class LaterStageFilters(BaseFilterBackend):
    """The filters later stages register in targets/extensions.py (early-warning level, report
    due / late…): applied like the page's, and described in the OpenAPI schema with their
    values, read from the registry when the schema is generated."""

    def filter_queryset(self, request, queryset, view):
        return apply_target_filters(queryset, request.query_params)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": item.key,
                "required": False,
                "in": "query",
                "description": str(item.label),
                "schema": {"type": "string", "enum": [str(value) for value, _ in item.choices]},
            }
            for item in target_filters()
        ]
