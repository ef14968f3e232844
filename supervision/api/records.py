"""Inspections (检查), external inputs (外部监督, with the hotline import) and accountability (问责) API."""

from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.ids import IdFilter
from accounts.models import Department
from targets.models import PlanYear
from workflow.api import ERRORS, validated

from .. import selectors, services
from ..models import (
    AccountabilityRecord,
    ExternalInput,
    Inspection,
)
from .common import (
    TAG,
    DeadlineInput,
    DepartmentRefSerializer,
    ListDetailMixin,
    ReadableTargetsMixin,
    TargetRefSerializer,
    action_schema,
    readable_targets_field,
)
from .findings import FindingDetailSerializer

# --- inspections --------------------------------------------------------------------------


class InspectionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    departments = DepartmentRefSerializer(many=True, read_only=True)
    finding_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "plan_year",
            "year",
            "kind",
            "kind_display",
            "title",
            "departments",
            "started_on",
            "ended_on",
            "inspectors",
            "state",
            "state_display",
            "reported_at",
            "finding_count",
        ]
        read_only_fields = fields


class InspectionDetailSerializer(InspectionSerializer):
    targets = TargetRefSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "targets", "report"]
        read_only_fields = fields


class InspectionCreateSerializer(ReadableTargetsMixin, serializers.Serializer):
    plan_year = serializers.PrimaryKeyRelatedField(queryset=PlanYear.objects.all())
    kind = serializers.ChoiceField(Inspection.Kind.choices)
    title = serializers.CharField(allow_blank=True)
    departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), many=True, allow_empty=True
    )
    targets = readable_targets_field()
    started_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    inspectors = serializers.CharField(allow_blank=True)


class InspectionReportInput(serializers.Serializer):
    report = serializers.CharField(allow_blank=True)
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


class InspectionFilter(filters.FilterSet):
    plan_year = IdFilter(field_name="plan_year_id")
    department = IdFilter(field_name="departments__id", distinct=True)

    class Meta:
        model = Inspection
        fields = ["plan_year", "kind", "department"]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("检查列表"), tags=[TAG]),
    retrieve=extend_schema(
        summary=gettext_lazy("检查详情"),
        tags=[TAG],
        responses={200: InspectionDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("登记检查（目标办、督查室）"),
        tags=[TAG],
        request=InspectionCreateSerializer,
        responses={201: InspectionDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
)
class InspectionViewSet(
    ListDetailMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """检查 (Art. 18): daily tracking, special inspection, key spot check, year-end review."""

    queryset = Inspection.objects.none()
    filterset_class = InspectionFilter
    search_fields = ["title", "inspectors"]
    ordering_fields = ["started_on"]

    list_selector = staticmethod(selectors.inspection_list)
    detail_selector = staticmethod(selectors.inspection_detail_queryset)
    list_serializer = InspectionSerializer
    detail_serializer = InspectionDetailSerializer

    def create(self, request, *args, **kwargs):
        services.inspections.require_may_open(request.user)
        data = validated(
            InspectionCreateSerializer(data=request.data, context={"request": request})
        )
        inspection = services.inspection_open(
            by=request.user,
            **{**data, "departments": list(data["departments"]), "targets": list(data["targets"])},
        )
        return self.detail_response(inspection, status.HTTP_201_CREATED)

    @action_schema(
        gettext_lazy("检查报告（目标办、督查室）"),
        InspectionReportInput,
        InspectionDetailSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def report(self, request, pk=None):
        inspection = self.get_object()
        services.inspection_report(
            inspection=inspection,
            by=request.user,
            **validated(InspectionReportInput(data=request.data)),
        )
        return self.detail_response(inspection)


# --- external inputs ----------------------------------------------------------------------


class ExternalInputSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    departments = DepartmentRefSerializer(many=True, read_only=True)
    targets = TargetRefSerializer(many=True, read_only=True)

    class Meta:
        model = ExternalInput
        fields = [
            "id",
            "plan_year",
            "year",
            "source",
            "source_display",
            "reference",
            "received_on",
            "summary",
            "departments",
            "targets",
            "import_batch",
            "created_at",
        ]
        read_only_fields = fields


class ExternalInputCreateSerializer(ReadableTargetsMixin, serializers.Serializer):
    plan_year = serializers.PrimaryKeyRelatedField(queryset=PlanYear.objects.all())
    source = serializers.ChoiceField(ExternalInput.Source.choices)
    reference = serializers.CharField(allow_blank=True)
    received_on = serializers.DateField(allow_null=True)
    summary = serializers.CharField(allow_blank=True)
    departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), many=True, allow_empty=True
    )
    targets = readable_targets_field()


class ToFindingInput(DeadlineInput):
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    responsible_department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )
    responsible_leader = serializers.CharField(required=False, allow_blank=True, default="")


class HotlineImportInput(serializers.Serializer):
    plan_year = serializers.PrimaryKeyRelatedField(queryset=PlanYear.objects.all())
    file = serializers.FileField(required=False, allow_null=True, default=None)
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text=gettext_lazy("只预览，不导入")
    )


class HotlineRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    reference = serializers.CharField()
    received_on = serializers.DateField(allow_null=True)
    summary = serializers.CharField()


class HotlineImportResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    rows = HotlineRowSerializer(many=True)
    errors = serializers.ListField(child=serializers.CharField())


class ExternalInputFilter(filters.FilterSet):
    plan_year = IdFilter(field_name="plan_year_id")
    department = IdFilter(field_name="departments__id", distinct=True)
    target = IdFilter(field_name="targets__id", distinct=True)

    class Meta:
        model = ExternalInput
        fields = ["plan_year", "source", "department", "target", "import_batch"]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("外部监督事项列表"), tags=[TAG]),
    retrieve=extend_schema(summary=gettext_lazy("外部监督事项详情"), tags=[TAG]),
    create=extend_schema(
        summary=gettext_lazy("登记外部监督事项（目标办、督查室）"),
        tags=[TAG],
        request=ExternalInputCreateSerializer,
        responses={201: ExternalInputSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
)
class ExternalInputViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """外部监督 (Art. 22; 七.5): 12345 hotline, NPC and CPPCC proposals, media, audit."""

    queryset = ExternalInput.objects.none()
    serializer_class = ExternalInputSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = ExternalInputFilter
    search_fields = ["reference", "summary"]
    ordering_fields = ["received_on"]

    def get_queryset(self):
        return selectors.input_list(self.request.user)

    def create(self, request, *args, **kwargs):
        services.inputs.require_may_record(request.user)
        data = validated(
            ExternalInputCreateSerializer(data=request.data, context={"request": request})
        )
        item = services.external_input_record(
            by=request.user,
            **{**data, "departments": list(data["departments"]), "targets": list(data["targets"])},
        )
        fresh = selectors.input_list(request.user).get(pk=item.pk)
        return Response(ExternalInputSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("转为问题"),
        tags=[TAG],
        request=ToFindingInput,
        responses={201: FindingDetailSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="to-finding",
        url_name="to-finding",
        filter_backends=[],
    )
    def to_finding(self, request, pk=None):
        item = self.get_object()
        finding = services.external_input_to_finding(
            external_input=item, by=request.user, **validated(ToFindingInput(data=request.data))
        )
        fresh = selectors.finding_detail_queryset(request.user).get(pk=finding.pk)
        return Response(FindingDetailSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("导入12345热线工单（Excel，全部成功或全部不导入；dry_run 只预览）"),
        tags=[TAG],
        request={"multipart/form-data": HotlineImportInput},
        responses={200: HotlineImportResultSerializer, **ERRORS},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import-hotline",
        url_name="import-hotline",
        filter_backends=[],
        pagination_class=None,
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_hotline(self, request):
        services.inputs.require_may_import(request.user)
        data = validated(HotlineImportInput(data=request.data))
        if data["dry_run"]:
            batch = services.hotline_parse(plan_year=data["plan_year"], upload=data["file"])
            body = {
                "imported": 0,
                "rows": HotlineRowSerializer(batch.rows, many=True).data,
                "errors": batch.errors,
            }
            return Response(
                body, status=status.HTTP_400_BAD_REQUEST if batch.errors else status.HTTP_200_OK
            )
        created = services.hotline_import(
            by=request.user, plan_year=data["plan_year"], upload=data["file"]
        )
        return Response({"imported": len(created), "rows": [], "errors": []})


# --- accountability -----------------------------------------------------------------------


class AccountabilitySerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = AccountabilityRecord
        fields = [
            "id",
            "plan_year",
            "year",
            "department",
            "department_name",
            "category",
            "category_display",
            "occurred_on",
            "reference",
            "description",
            "created_at",
        ]
        read_only_fields = ["id", "year", "department_name", "category_display", "created_at"]


class AccountabilityInput(serializers.Serializer):
    plan_year = serializers.PrimaryKeyRelatedField(queryset=PlanYear.objects.all(), allow_null=True)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True
    )
    category = serializers.ChoiceField(AccountabilityRecord.Category.choices, allow_blank=True)
    occurred_on = serializers.DateField(allow_null=True)
    reference = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)


class AccountabilityCorrectInput(AccountabilityInput):
    reason = serializers.CharField(allow_blank=True, help_text=gettext_lazy("更正理由（必填）"))


class AccountabilityFilter(filters.FilterSet):
    plan_year = IdFilter(field_name="plan_year_id")
    plan_year__year = filters.NumberFilter(field_name="plan_year__year")
    department = IdFilter(field_name="department_id")

    class Meta:
        model = AccountabilityRecord
        fields = ["plan_year", "plan_year__year", "department", "category"]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("问责记录列表"), tags=[TAG]),
    retrieve=extend_schema(summary=gettext_lazy("问责记录详情"), tags=[TAG]),
    create=extend_schema(
        summary=gettext_lazy("录入问责记录（督查室、目标办）"),
        tags=[TAG],
        request=AccountabilityInput,
        responses={201: AccountabilitySerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("更正问责记录（须填写理由）"),
        tags=[TAG],
        request=AccountabilityCorrectInput,
        responses={200: AccountabilitySerializer, **ERRORS},
    ),
)
class AccountabilityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """问责记录 (Zhongshan Art. 20): read by the evaluation for its deductions. No DELETE."""

    queryset = AccountabilityRecord.objects.none()
    serializer_class = AccountabilitySerializer
    filterset_class = AccountabilityFilter
    search_fields = ["reference", "description"]
    ordering_fields = ["occurred_on"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.accountability_list(self.request.user)

    def create(self, request, *args, **kwargs):
        services.accountability.require_may_record(request.user)
        record = services.accountability_record(
            by=request.user, **validated(AccountabilityInput(data=request.data))
        )
        return Response(AccountabilitySerializer(record).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        services.accountability.require_may_record(request.user)
        data = validated(AccountabilityCorrectInput(data=request.data, partial=True))
        reason = data.pop("reason", "")
        record = services.accountability_correct(
            record=record, by=request.user, reason=reason, **data
        )
        return Response(AccountabilitySerializer(record).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)
