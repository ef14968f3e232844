"""The supervision API under /api/v1/: thin viewsets over supervision.selectors and
supervision.services, with the same permissions as the pages (unreadable → 404, forbidden →
403, bad input → 400 with Chinese messages, someone else first → 409)."""

from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.errors import NotFoundForUser
from accounts.models import Department
from targets.api import ERRORS, validated
from targets.models import PlanYear, Target
from targets.selectors import visible_targets, visible_targets_by_ids

from . import selectors, services
from .models import (
    AccountabilityRecord,
    ExternalInput,
    Finding,
    Inspection,
    OrderReply,
    Rectification,
    SupervisionOrder,
)

TAG = "督查督办"


def offices_only(request, message) -> None:
    """Permission before input, as in the targets API: a user who may not act is told so (403)
    rather than asked to fill in a field (400). The service checks again."""
    services.common.require_supervising(request.user, message)


class TargetRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "code", "title"]


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]


def _readable_targets_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=Target.objects.none(), many=True, required=False, default=list, **kwargs
    )


class ReadableTargetsMixin:
    """Target ids narrowed to what the user may read: naming a target proves it exists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "targets" in self.fields:
            self.fields["targets"].child_relation.queryset = visible_targets(request.user)


# --- orders -------------------------------------------------------------------------------


class AddresseeSerializer(serializers.Serializer):
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    answered = serializers.BooleanField()


class OrderSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    colour = serializers.CharField(read_only=True, help_text=gettext_lazy("blue / yellow / red"))
    is_overdue = serializers.BooleanField(read_only=True)
    departments = AddresseeSerializer(source="addressees", many=True, read_only=True)
    targets = TargetRefSerializer(many=True, read_only=True)

    class Meta:
        model = SupervisionOrder
        fields = [
            "id",
            "code",
            "plan_year",
            "year",
            "kind",
            "kind_display",
            "colour",
            "title",
            "matter",
            "requirement",
            "issued_on",
            "deadline",
            "is_overdue",
            "responsible_leader",
            "state",
            "state_display",
            "round",
            "departments",
            "targets",
            "closed_at",
        ]
        read_only_fields = fields


class OrderReplySerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    replied_by_name = serializers.CharField(source="replied_by.__str__", read_only=True)
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = OrderReply
        fields = [
            "id",
            "department",
            "department_name",
            "round",
            "body",
            "evidence_name",
            "evidence_url",
            "replied_by_name",
            "created_at",
        ]
        read_only_fields = fields

    def get_evidence_url(self, obj) -> str | None:
        from django.urls import reverse

        return reverse("supervision:reply_evidence", args=[obj.pk]) if obj.evidence_name else None


class OrderDetailSerializer(OrderSerializer):
    replies = OrderReplySerializer(many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "replies"]
        read_only_fields = fields


class DeadlineInput(serializers.Serializer):
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("时限天数（与 deadline 二选一）"),
    )


class OrderCreateSerializer(ReadableTargetsMixin, DeadlineInput):
    plan_year = serializers.PrimaryKeyRelatedField(queryset=PlanYear.objects.all())
    kind = serializers.ChoiceField(SupervisionOrder.Kind.choices)
    title = serializers.CharField(allow_blank=True)
    requirement = serializers.CharField(allow_blank=True)
    matter = serializers.CharField(required=False, allow_blank=True, default="")
    responsible_leader = serializers.CharField(required=False, allow_blank=True, default="")
    departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), many=True, allow_empty=True
    )
    targets = _readable_targets_field()


class BulkIssueSerializer(DeadlineInput):
    ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    kind = serializers.ChoiceField(SupervisionOrder.Kind.choices)
    requirement = serializers.CharField(allow_blank=True)
    responsible_leader = serializers.CharField(required=False, allow_blank=True, default="")


class BulkIssueResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    orders = OrderSerializer(many=True)


class ReplyInput(serializers.Serializer):
    body = serializers.CharField(allow_blank=True)
    evidence = serializers.FileField(required=False, allow_null=True, default=None)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ExtendInput(DeadlineInput):
    reason = serializers.CharField(allow_blank=True)


class OrderFilter(filters.FilterSet):
    plan_year = filters.NumberFilter(field_name="plan_year_id")
    plan_year__year = filters.NumberFilter(field_name="plan_year__year")
    department = filters.NumberFilter(field_name="addressees__department_id", distinct=True)
    target = filters.NumberFilter(field_name="targets__id", distinct=True)
    overdue = filters.BooleanFilter(field_name="is_overdue")

    class Meta:
        model = SupervisionOrder
        fields = [
            "plan_year",
            "plan_year__year",
            "state",
            "kind",
            "department",
            "target",
            "overdue",
        ]


def _schema(summary, request=None, response=None):
    return extend_schema(
        summary=summary, tags=[TAG], request=request, responses={200: response, **ERRORS}
    )


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("督办单列表（含逾期标记）"), tags=[TAG]),
    retrieve=extend_schema(
        summary=gettext_lazy("督办单详情"),
        tags=[TAG],
        responses={200: OrderDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("下发督办单（目标办、督查室）"),
        tags=[TAG],
        request=OrderCreateSerializer,
        responses={201: OrderDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
)
class OrderViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """督办单 (Shanghai Art. 18): issued → replied → closed, with reopened (sent back)."""

    queryset = SupervisionOrder.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = OrderFilter
    search_fields = ["code", "title"]
    ordering_fields = ["issued_on", "deadline", "code"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.order_list(self.request.user)
        return selectors.order_detail_queryset(self.request.user)

    def get_serializer_class(self):
        return OrderSerializer if self.action == "list" else OrderDetailSerializer

    def _detail(self, order, code=status.HTTP_200_OK):
        fresh = selectors.order_detail_queryset(self.request.user).get(pk=order.pk)
        return Response(
            OrderDetailSerializer(fresh, context={"request": self.request}).data, status=code
        )

    def create(self, request, *args, **kwargs):
        offices_only(request, services.orders._not_issuer())
        data = validated(OrderCreateSerializer(data=request.data, context={"request": request}))
        order = services.order_issue(
            by=request.user,
            **{**data, "departments": list(data["departments"]), "targets": list(data["targets"])},
        )
        return self._detail(order, status.HTTP_201_CREATED)

    @_schema(
        gettext_lazy("按目标批量下发（每个牵头部门一份，全部成功或全部不下发）"),
        BulkIssueSerializer,
        BulkIssueResultSerializer,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk-issue",
        url_name="bulk-issue",
        filter_backends=[],
        pagination_class=None,
    )
    def bulk_issue(self, request):
        offices_only(request, services.orders._not_issuer())
        data = validated(BulkIssueSerializer(data=request.data))
        targets, missing = visible_targets_by_ids(request.user, data.pop("ids"))
        if missing:
            message = gettext_lazy("以下目标不存在或无权查看：%(ids)s") % {
                "ids": "、".join(map(str, sorted(missing)))
            }
            raise NotFoundForUser(str(message), field_errors={"ids": [str(message)]})
        orders = services.orders_issue_for_targets(by=request.user, targets=targets, **data)
        rows = selectors.order_list(request.user).filter(pk__in=[o.pk for o in orders])
        return Response({"count": len(orders), "orders": OrderSerializer(rows, many=True).data})

    @_schema(
        gettext_lazy("承办部门答复（可附佐证材料，multipart）"), ReplyInput, OrderDetailSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reply(self, request, pk=None):
        order = self.get_object()
        data = validated(ReplyInput(data=request.data))
        services.order_reply(order=order, by=request.user, **data)
        return self._detail(order)

    @_schema(gettext_lazy("办结（督办单位）"), CommentInput, OrderDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        order = self.get_object()
        services.order_close(
            order=order, by=request.user, **validated(CommentInput(data=request.data))
        )
        return self._detail(order)

    @_schema(gettext_lazy("退回重办（督办单位，须填写理由）"), CommentInput, OrderDetailSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="send-back",
        url_name="send-back",
        filter_backends=[],
    )
    def send_back(self, request, pk=None):
        order = self.get_object()
        services.order_send_back(
            order=order, by=request.user, **validated(CommentInput(data=request.data))
        )
        return self._detail(order)

    @_schema(gettext_lazy("延期（督办单位，须填写理由）"), ExtendInput, OrderDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def extend(self, request, pk=None):
        order = self.get_object()
        services.order_extend(
            order=order, by=request.user, **validated(ExtendInput(data=request.data))
        )
        return self._detail(order)


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
    targets = _readable_targets_field()
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
    plan_year = filters.NumberFilter(field_name="plan_year_id")
    plan_year__year = filters.NumberFilter(field_name="plan_year__year")
    responsible_department = filters.NumberFilter(field_name="responsible_department_id")
    target = filters.NumberFilter(field_name="targets__id", distinct=True)
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

    def get_queryset(self):
        if self.action == "list":
            return selectors.finding_list(self.request.user)
        return selectors.finding_detail_queryset(self.request.user)

    def get_serializer_class(self):
        return FindingSerializer if self.action == "list" else FindingDetailSerializer

    def _detail(self, finding, code=status.HTTP_200_OK):
        fresh = selectors.finding_detail_queryset(self.request.user).get(pk=finding.pk)
        return Response(FindingDetailSerializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        offices_only(request, services.findings._not_supervising())
        data = validated(FindingCreateSerializer(data=request.data, context={"request": request}))
        finding = services.finding_record(
            by=request.user, **{**data, "targets": list(data["targets"])}
        )
        return self._detail(finding, status.HTTP_201_CREATED)

    def _department_step(self, request, service):
        finding = self.get_object()
        service(
            finding=finding, by=request.user, **validated(RectificationInput(data=request.data))
        )
        return self._detail(finding)

    def _office_step(self, request, service):
        finding = self.get_object()
        service(finding=finding, by=request.user, **validated(CommentInput(data=request.data)))
        return self._detail(finding)

    @_schema(gettext_lazy("报送整改方案（责任单位）"), RectificationInput, FindingDetailSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="file-plan",
        url_name="file-plan",
        filter_backends=[],
    )
    def file_plan(self, request, pk=None):
        return self._department_step(request, services.finding_file_plan)

    @_schema(
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

    @_schema(
        gettext_lazy("验收通过，销号（督查室、目标办）"), CommentInput, FindingDetailSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def verify(self, request, pk=None):
        return self._office_step(request, services.finding_verify)

    @_schema(
        gettext_lazy("验收不通过，退回整改（须填写意见）"), CommentInput, FindingDetailSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        return self._office_step(request, services.finding_reject)


# --- inspections --------------------------------------------------------------------------


class InspectionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    departments = DepartmentRefSerializer(many=True, read_only=True)
    finding_count = serializers.IntegerField(read_only=True, default=None)

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
    targets = _readable_targets_field()
    started_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    inspectors = serializers.CharField(allow_blank=True)


class InspectionReportInput(serializers.Serializer):
    report = serializers.CharField(allow_blank=True)
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


class InspectionFilter(filters.FilterSet):
    plan_year = filters.NumberFilter(field_name="plan_year_id")
    department = filters.NumberFilter(field_name="departments__id", distinct=True)

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

    def get_queryset(self):
        if self.action == "list":
            return selectors.inspection_list(self.request.user)
        return selectors.inspection_detail_queryset(self.request.user)

    def get_serializer_class(self):
        return InspectionSerializer if self.action == "list" else InspectionDetailSerializer

    def _detail(self, inspection, code=status.HTTP_200_OK):
        fresh = selectors.inspection_detail_queryset(self.request.user).get(pk=inspection.pk)
        return Response(InspectionDetailSerializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        offices_only(request, services.inspections._not_supervising())
        data = validated(
            InspectionCreateSerializer(data=request.data, context={"request": request})
        )
        inspection = services.inspection_open(
            by=request.user,
            **{**data, "departments": list(data["departments"]), "targets": list(data["targets"])},
        )
        return self._detail(inspection, status.HTTP_201_CREATED)

    @_schema(
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
        return self._detail(inspection)


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
    targets = _readable_targets_field()


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
    plan_year = filters.NumberFilter(field_name="plan_year_id")
    department = filters.NumberFilter(field_name="departments__id", distinct=True)
    target = filters.NumberFilter(field_name="targets__id", distinct=True)

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
        offices_only(request, services.inputs._not_supervising())
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
        offices_only(request, services.inputs._not_supervising())
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
    plan_year = filters.NumberFilter(field_name="plan_year_id")
    plan_year__year = filters.NumberFilter(field_name="plan_year__year")
    department = filters.NumberFilter(field_name="department_id")

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
        offices_only(request, services.accountability._not_supervising())
        record = services.accountability_record(
            by=request.user, **validated(AccountabilityInput(data=request.data))
        )
        return Response(AccountabilitySerializer(record).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        offices_only(request, services.accountability._not_supervising())
        data = validated(AccountabilityCorrectInput(data=request.data, partial=True))
        reason = data.pop("reason", "")
        record = services.accountability_correct(
            record=record, by=request.user, reason=reason, **data
        )
        return Response(AccountabilitySerializer(record).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)
