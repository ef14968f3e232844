"""督办单 API (Shanghai Art. 18; 六.1)."""

from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.ids import IdFilter
from accounts.models import Department
from execution.models import CoordinationItem
from execution.selectors.changes import visible_coordination_items
from targets.models import PlanYear
from targets.selectors import visible_targets_by_ids
from workflow.api import ERRORS, validated
from workflow.errors import NotFoundForUser

from .. import selectors, services
from ..models import (
    OrderReply,
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
    coordination_items = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text=gettext_lazy("涉及的需协调事项（编号）"),
    )

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "coordination_items", "replies"]
        read_only_fields = fields


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
    targets = readable_targets_field()
    coordination_items = serializers.PrimaryKeyRelatedField(
        queryset=CoordinationItem.objects.none(),
        many=True,
        required=False,
        default=list,
        help_text=gettext_lazy("涉及的需协调事项（编号，可多个）"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Naming an item proves it exists: only those the issuer may read.
            self.fields["coordination_items"].child_relation.queryset = visible_coordination_items(
                request.user
            ).select_related("target")


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


class ExtendInput(DeadlineInput):
    reason = serializers.CharField(allow_blank=True)


class OrderFilter(filters.FilterSet):
    plan_year = IdFilter(field_name="plan_year_id")
    plan_year__year = filters.NumberFilter(field_name="plan_year__year")
    department = IdFilter(field_name="addressees__department_id", distinct=True)
    target = IdFilter(field_name="targets__id", distinct=True)
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
    ListDetailMixin,
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

    list_selector = staticmethod(selectors.order_list)
    detail_selector = staticmethod(selectors.order_detail_queryset)
    list_serializer = OrderSerializer
    detail_serializer = OrderDetailSerializer

    def create(self, request, *args, **kwargs):
        services.orders.require_may_issue(request.user)
        data = validated(OrderCreateSerializer(data=request.data, context={"request": request}))
        order = services.order_issue(
            by=request.user,
            **{
                **data,
                "departments": list(data["departments"]),
                "targets": list(data["targets"]),
                "coordination_items": list(data["coordination_items"]),
            },
        )
        return self.detail_response(order, status.HTTP_201_CREATED)

    @action_schema(
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
        services.orders.require_may_issue(request.user)
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

    @action_schema(
        gettext_lazy("承办部门答复（可附佐证材料，multipart）"), ReplyInput, OrderDetailSerializer
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reply(self, request, pk=None):
        order = self.get_object()
        data = validated(ReplyInput(data=request.data))
        services.order_reply(order=order, by=request.user, **data)
        return self.detail_response(order)

    @action_schema(gettext_lazy("办结（督办单位）"), CommentInput, OrderDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        order = self.get_object()
        services.order_close(
            order=order, by=request.user, **validated(CommentInput(data=request.data))
        )
        return self.detail_response(order)

    @action_schema(
        gettext_lazy("退回重办（督办单位，须填写理由）"), CommentInput, OrderDetailSerializer
    )
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
        return self.detail_response(order)

    @action_schema(gettext_lazy("延期（督办单位，须填写理由）"), ExtendInput, OrderDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def extend(self, request, pk=None):
        order = self.get_object()
        services.order_extend(
            order=order, by=request.user, **validated(ExtendInput(data=request.data))
        )
        return self.detail_response(order)
