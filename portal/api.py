"""Open data (issue 21 item 3): the public records as JSON, documented in the OpenAPI schema
under the ``public`` tag. No sign-in; the same records the public pages show, nothing more."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors

TAG = "public"


class _Open(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []


class PublicAspectSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()


class PublicLeadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublicDepartmentRoleSerializer(PublicLeadSerializer):
    role = serializers.ChoiceField(choices=["lead", "responsible", "cooperating"])


class PublicMilestoneSerializer(serializers.Serializer):
    quarter = serializers.IntegerField()
    due_date = serializers.DateField()
    description = serializers.CharField()
    expected_value = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    status = serializers.ChoiceField(choices=["pending", "achieved", "missed"])


class PublicPeriodSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    verified_value = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    verified_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    verified_on = serializers.DateField(allow_null=True)


class PublicTargetSerializer(serializers.Serializer):
    """One public target: exactly ``portal.fields.TARGET_FIELDS``. Numbers are strings (exact
    decimals); ``status`` is the target's state code; ``warning_level`` is green / yellow / red or
    empty (not executing, or the city does not publish warnings)."""

    id = serializers.IntegerField()
    year = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=["qualitative", "quantitative"])
    indicator = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    target_value = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    aspect = PublicAspectSerializer()
    lead_department = PublicLeadSerializer()
    departments = PublicDepartmentRoleSerializer(many=True)
    milestones = PublicMilestoneSerializer(many=True)
    periods = PublicPeriodSerializer(many=True)
    warning_level = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    completion_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    completed_on = serializers.DateField(allow_null=True)


class YearsView(_Open):
    @extend_schema(
        tags=[TAG],
        summary="公开年度",
        responses=inline_serializer(
            "PublicYear",
            {"year": serializers.IntegerField(), "targets": serializers.IntegerField()},
            many=True,
        ),
    )
    def get(self, request):
        return Response(
            [
                {"year": y, "targets": selectors.public_targets(y).count()}
                for y in selectors.public_years().values_list("year", flat=True)
            ]
        )


def _year(year: int) -> int:
    if not selectors.public_years().filter(year=year).exists():
        raise Http404
    return year


class YearTargetsView(_Open):
    @extend_schema(
        tags=[TAG],
        summary="年度公开目标",
        parameters=[
            OpenApiParameter("q", str, description="名称、编号或方面中的文字"),
            OpenApiParameter("aspect", int, description="方面序号"),
            OpenApiParameter("department", int, description="牵头或参与部门编号"),
            OpenApiParameter("status", str, description="目标状态代码"),
        ],
        responses=PublicTargetSerializer(many=True),
    )
    def get(self, request, year: int):
        rows = selectors.filter_targets(
            selectors.public_targets(_year(year)),
            q=request.GET.get("q", ""),
            aspect=request.GET.get("aspect", ""),
            department=request.GET.get("department", ""),
            status=request.GET.get("status", ""),
        )
        return Response([row.data for row in rows])


class TargetView(_Open):
    @extend_schema(tags=[TAG], summary="公开目标", responses=PublicTargetSerializer)
    def get(self, request, target_id: int):
        return Response(selectors.public_target(target_id).data)


class DepartmentView(_Open):
    @extend_schema(
        tags=[TAG],
        summary="部门公开信息",
        responses=inline_serializer(
            "PublicDepartment",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "targets": serializers.ListField(child=serializers.IntegerField()),
                "summaries": inline_serializer(
                    "PublicSummary",
                    {
                        "year": serializers.IntegerField(),
                        "quarter": serializers.IntegerField(),
                        "text": serializers.CharField(),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request, department_id: int):
        department = selectors.public_department(department_id)
        targets = (
            selectors.public_targets()
            .filter(departments=department)
            .distinct()
            .values_list("target_id", flat=True)
        )
        return Response(
            {
                "id": department.pk,
                "name": department.name,
                "targets": list(targets),
                "summaries": [
                    {"year": s.year, "quarter": s.quarter, "text": s.text}
                    for s in selectors.approved_summaries(department)
                ],
            }
        )


class OverviewView(_Open):
    @extend_schema(
        tags=[TAG],
        summary="年度完成情况概览",
        responses=inline_serializer(
            "PublicOverview",
            {
                "year": serializers.IntegerField(),
                "targets": serializers.IntegerField(),
                "by_status": serializers.DictField(child=serializers.IntegerField()),
                "by_warning_level": serializers.DictField(child=serializers.IntegerField()),
                "average_percent": serializers.CharField(allow_null=True),
                "aspects": serializers.ListField(child=serializers.DictField()),
                "departments": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request, year: int):
        return Response(selectors.year_overview(_year(year)))
