"""问题清单与整改 API (efficiency opinions 保障措施 三)."""

from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from accounts.ids import IdFilter
from accounts.models import Department
from targets.models import PlanYear
from workflow.api import ERRORS, validated

from .. import selectors, services
from ..models import (
    ExternalInput,
    Finding,
    Inspection,
    Rectification,
    SupervisionOrder,
)
from .common import (
    TAG,
    CommentInput,
    DeadlineInput,
    ListDetailMixin,
    ReadableTargetsMixin,
    TargetRefSerializer,
    action_schema,
    readable_targets_field,
)

# --- findings -----------------------------------------------------------------------------


class RectificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    filed_by_name = serializers.CharField(source="filed_by.__str__", read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "kind",
            "kind_display",
            "body",
            "evidence_name",
            "filed_by_name",
            "created_at",
        ]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    responsible_department_name = serializers.CharField(
        source="responsible_department.name", read_only=True
    )
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "code",
            "plan_year",
            "year",
            "source",
            "source_display",
            "title",
            "responsible_department",
            "responsible_department_name",
            "responsible_leader",
            "deadline",
            "is_overdue",
            "state",
            "state_display",
            "inspection",
            "order",
            "external_input",
            "created_at",
        ]
        read_only_fields = fields


class FindingDetailSerializer(FindingSerializer):
    targets = TargetRefSerializer(many=True, read_only=True)
    rectifications = RectificationSerializer(many=True, read_only=True)

    class Meta(FindingSerializer.Meta):
        fields = [
            *FindingSerializer.Meta.fields,
            "description",
            "targets",
            "rectifications",
            "verified_at",
        ]
        read_only_fields = fields


class FindingCreateSerializer(ReadableTargetsMixin, DeadlineInput):
    plan_year = serializers.PrimaryKeyRelatedField(queryset=PlanYear.objects.all())
    source = serializers.ChoiceField(Finding.Source.choices)
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    responsible_department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )
    responsible_leader = serializers.CharField(required=False, allow_blank=True, default="")
    targets = readable_targets_field()
    inspection = serializers.PrimaryKeyRelatedField(
        queryset=Inspection.objects.none(), required=False, allow_null=True, default=None
    )
    order = serializers.PrimaryKeyRelatedField(
        queryset=SupervisionOrder.objects.none(), required=False, allow_null=True, default=None
    )
    external_input = serializers.PrimaryKeyRelatedField(
        queryset=ExternalInput.objects.none(), required=False, allow_null=True, default=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["inspection"].queryset = selectors.visible_inspections(request.user)
            self.fields["order"].queryset = selectors.visible_orders(request.user)
            self.fields["external_input"].queryset = selectors.visible_inputs(request.user)


class RectificationInput(serializers.Serializer):
    body = serializers.CharField(allow_blank=True)
    evidence = serializers.FileField(required=False, allow_null=True, default=None)


class FindingFilter(filters.FilterSet):
    plan_year = IdFilter(field_name="plan_year_id")
    plan_year__year = filters.NumberFilter(field_name="plan_year__year")
    responsible_department = IdFilter(field_name="responsible_department_id")
    target = IdFilter(field_name="targets__id", distinct=True)
    overdue = filters.BooleanFilter(field_name="is_overdue")

    class Meta:
        model = Finding
        fields = [
            "plan_year",
            "plan_year__year",
            "state",
            "source",
            "responsible_department",
            "target",
            "overdue",
        ]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("问题清单（含逾期标记）"), tags=[TAG]),
    retrieve=extend_schema(
        summary=gettext_lazy("问题详情与整改材料"),
        tags=[TAG],
        responses={200: FindingDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("登记问题（目标办、督查室）"),
        tags=[TAG],
        request=FindingCreateSerializer,
        responses={201: FindingDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
)
class FindingViewSet(
    ListDetailMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """问题与整改: open → plan filed → rectified → verified, or rejected back to the department."""

    queryset = Finding.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = FindingFilter
    search_fields = ["code", "title"]
    ordering_fields = ["deadline", "created_at", "code"]

    list_selector = staticmethod(selectors.finding_list)
    detail_selector = staticmethod(selectors.finding_detail_queryset)
    list_serializer = FindingSerializer
    detail_serializer = FindingDetailSerializer

    def create(self, request, *args, **kwargs):
        services.findings.require_may_record(request.user)
        data = validated(FindingCreateSerializer(data=request.data, context={"request": request}))
        finding = services.finding_record(
            by=request.user, **{**data, "targets": list(data["targets"])}
        )
        return self.detail_response(finding, status.HTTP_201_CREATED)

    def _department_step(self, request, service):
        finding = self.get_object()
        service(
            finding=finding, by=request.user, **validated(RectificationInput(data=request.data))
        )
        return self.detail_response(finding)

    def _office_step(self, request, service):
        finding = self.get_object()
        service(finding=finding, by=request.user, **validated(CommentInput(data=request.data)))
        return self.detail_response(finding)

    @action_schema(
        gettext_lazy("报送整改方案（责任单位）"), RectificationInput, FindingDetailSerializer
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="file-plan",
        url_name="file-plan",
        filter_backends=[],
    )
    def file_plan(self, request, pk=None):
        return self._department_step(request, services.finding_file_plan)

    @action_schema(
        gettext_lazy("报送整改情况（责任单位，可附佐证材料）"),
        RectificationInput,
        FindingDetailSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="report-rectified",
        url_name="report-rectified",
        filter_backends=[],
    )
    def report_rectified(self, request, pk=None):
        return self._department_step(request, services.finding_report_rectified)

    @action_schema(
        gettext_lazy("验收通过，销号（督查室、目标办）"), CommentInput, FindingDetailSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def verify(self, request, pk=None):
        return self._office_step(request, services.finding_verify)

    @action_schema(
        gettext_lazy("验收不通过，退回整改（须填写意见）"), CommentInput, FindingDetailSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        return self._office_step(request, services.finding_reject)
