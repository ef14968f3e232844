"""The API of adjustments (Art. 12), coordination items (Art. 16–17) and completion reports
(Art. 14) under /api/v1/: thin viewsets over ``execution.selectors.changes`` and
``execution.services``, with the pages' permission rules (unreadable → 404)."""

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import Department
from targets.selectors import visible_targets
from workflow.api import ERRORS, PlainDecimalModelSerializer, validated
from workflow.errors import NotFoundForUser, ValidationFailed

from ..files import attachment_response
from ..models import (
    AdjustmentRequest,
    CompletionReport,
    CoordinationDuty,
    CoordinationItem,
    CoordinationMessage,
)
from ..permissions import changes as perms
from ..selectors import changes as selectors
from ..services import adjustments, completion, coordination
from .decisions import (
    FILE_RESPONSE,
    DecidedRequestFields,
    DecidedRequestViewSet,
    DecisionCommentSerializer,
    decision_schemas,
)


def _target(user, pk):
    """The target named in a request body, if the user may read it (404 alike otherwise)."""
    target = visible_targets(user).select_related("plan_year").filter(pk=pk).first()
    if target is None:
        message = _("目标不存在或无权查看。")
        raise NotFoundForUser(message, field_errors={"target": [message]})
    return target


# --- adjustments --------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.OBJECT)
class JSONObjectField(serializers.Field):
    """A JSON object, sent as JSON or (in a multipart upload) as a JSON string."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else {}
            except ValueError as exc:
                raise serializers.ValidationError(_("拟调整内容须为 JSON 对象。")) from exc
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("拟调整内容须为 JSON 对象。"))
        return data

    def to_representation(self, value):
        return value


class AdjustmentSerializer(DecidedRequestFields, serializers.ModelSerializer):
    decisions = staticmethod(perms.adjustment_decisions)
    target_code = serializers.CharField(source="target.code", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    requested_by_name = serializers.CharField(source="requested_by.__str__", read_only=True)
    changes = serializers.JSONField(
        read_only=True, help_text=gettext_lazy("调整前后对照：{字段: [调整前, 调整后]}")
    )

    class Meta:
        model = AdjustmentRequest
        fields = [
            "id",
            "target",
            "target_code",
            "kind",
            "kind_display",
            "reason",
            "reason_display",
            "explanation",
            "proposed",
            "changes",
            "attachment_name",
            "state",
            "state_display",
            "department",
            "requested_by",
            "requested_by_name",
            "requested_at",
            "base_version",
            "result_version",
            "decided_by",
            "decided_at",
            "decision_comment",
            "allowed_actions",
        ]
        read_only_fields = fields


class AdjustmentCreateSerializer(serializers.Serializer):
    target = serializers.IntegerField()
    kind = serializers.ChoiceField(AdjustmentRequest.Kind.choices)
    reason = serializers.CharField(
        allow_blank=True,
        help_text=gettext_lazy("national_policy / city_requirement / force_majeure / other"),
    )
    explanation = serializers.CharField(allow_blank=True)
    attachment = serializers.FileField(required=False, allow_null=True)
    proposed = JSONObjectField(
        required=False,
        help_text=gettext_lazy(
            "拟调整内容：target_value、title、content、measures、milestones（[{quarter, description, due_date, expected_value}]）、departments（[{department, role, task, acceptance}]）"
        ),
    )


@extend_schema_view(
    **decision_schemas(
        tag="目标调整",
        serializer=AdjustmentSerializer,
        create_serializer=AdjustmentCreateSerializer,
        download="attachment",
        summaries={
            "list": gettext_lazy("调整申请列表"),
            "retrieve": gettext_lazy("调整申请详情"),
            "create": gettext_lazy("申请调整（牵头部门主要负责人；multipart，附件必传）"),
            "approve": gettext_lazy("批准调整（目标办；调整立即生效）"),
            "reject": gettext_lazy("不予批准（目标办，须填写意见）"),
            "attachment": gettext_lazy("下载申请附件"),
        },
    )
)
class AdjustmentViewSet(DecidedRequestViewSet):
    """调整申请 (Art. 12)."""

    serializer_class = AdjustmentSerializer
    queryset = AdjustmentRequest.objects.none()
    filterset_fields = ["state", "target", "kind"]
    selector = staticmethod(selectors.adjustment_list)
    approve_service = staticmethod(adjustments.adjustment_request_approve)
    reject_service = staticmethod(adjustments.adjustment_request_reject)
    record_argument = "adjustment"

    def create(self, request, *args, **kwargs):
        data = validated(AdjustmentCreateSerializer(data=request.data))
        adjustment = adjustments.adjustment_request_create(
            target=_target(request.user, data["target"]),
            by=request.user,
            kind=data["kind"],
            reason=data["reason"],
            explanation=data["explanation"],
            attachment=data.get("attachment"),
            proposed=data.get("proposed") or {},
        )
        return self._answer(adjustment, status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"], filter_backends=[])
    def attachment(self, request, pk=None):
        return self._download()


# --- coordination -------------------------------------------------------------------------


class CoordinationDutySerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = CoordinationDuty
        fields = ["department", "department_name", "duty", "due_date"]


class CoordinationMessageSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = CoordinationMessage
        fields = ["id", "author", "author_name", "body", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]
        extra_kwargs = {"body": {"allow_blank": True}}


class CoordinationItemSerializer(serializers.ModelSerializer):
    target_code = serializers.CharField(source="target.code", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    departments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    leader_name = serializers.CharField(source="leader.__str__", read_only=True, default=None)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = CoordinationItem
        fields = [
            "id",
            "target",
            "target_code",
            "subject",
            "description",
            "raising_department",
            "raised_by",
            "departments",
            "due_date",
            "leader",
            "leader_name",
            "state",
            "state_display",
            "created_at",
            "escalated_at",
            "escalated_by",
            "resolved_at",
            "resolved_by",
            "resolution",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, obj) -> list[str]:
        """The steps the reader may take now: escalate, resolve (from the item's transitions)."""
        return perms.coordination_steps(obj, self.context["request"].user)


class CoordinationDetailSerializer(CoordinationItemSerializer):
    duties = CoordinationDutySerializer(many=True, read_only=True)

    class Meta(CoordinationItemSerializer.Meta):
        fields = [*CoordinationItemSerializer.Meta.fields, "duties"]
        read_only_fields = fields


class CoordinationCreateSerializer(serializers.Serializer):
    target = serializers.IntegerField()
    subject = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    departments = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    due_date = serializers.DateField(allow_null=True)


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class SheetSerializer(serializers.Serializer):
    duties = CoordinationDutySerializer(many=True)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("需协调事项列表"), tags=["协调事项"]),
    retrieve=extend_schema(
        summary=gettext_lazy("需协调事项详情（含工作协调单）"),
        tags=["协调事项"],
        responses={200: CoordinationDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("提出需协调事项（牵头部门）"),
        tags=["协调事项"],
        request=CoordinationCreateSerializer,
        responses={201: CoordinationDetailSerializer, **ERRORS},
    ),
)
class CoordinationItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """需协调事项 and 工作协调单 (Art. 16–17)."""

    queryset = CoordinationItem.objects.none()
    parser_classes = [JSONParser]
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["state", "target"]

    def get_queryset(self):
        qs = selectors.coordination_list(self.request.user).order_by("due_date", "id")
        if self.action != "list":
            qs = qs.prefetch_related("duties__department")
        return qs

    def get_serializer_class(self):
        return CoordinationItemSerializer if self.action == "list" else CoordinationDetailSerializer

    def _answer(self, item, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(
            CoordinationDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=code,
        )

    def create(self, request, *args, **kwargs):
        data = validated(CoordinationCreateSerializer(data=request.data))
        target = _target(request.user, data["target"])
        departments = list(Department.objects.filter(pk__in=data["departments"]))
        if len(departments) != len(set(data["departments"])):
            # Departments are reference data everyone reads: an unknown id is bad input.
            message = _("所选部门不存在。")
            raise ValidationFailed(message, field_errors={"departments": [message]})
        item = coordination.coordination_item_raise(
            target=target,
            by=request.user,
            subject=data["subject"],
            description=data["description"],
            departments=departments,
            due_date=data["due_date"],
        )
        return self._answer(item, status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("提请分管市领导协调"),
        tags=["协调事项"],
        request=TextSerializer,
        responses={200: CoordinationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def escalate(self, request, pk=None):
        item = self.get_object()
        data = validated(TextSerializer(data=request.data))
        return self._answer(
            coordination.coordination_item_escalate(
                item=item, by=request.user, comment=data["text"]
            )
        )

    @extend_schema(
        summary=gettext_lazy("确认已解决（须填写协调结果）"),
        tags=["协调事项"],
        request=TextSerializer,
        responses={200: CoordinationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def resolve(self, request, pk=None):
        item = self.get_object()
        data = validated(TextSerializer(data=request.data))
        return self._answer(
            coordination.coordination_item_resolve(
                item=item, by=request.user, resolution=data["text"]
            )
        )

    @extend_schema(
        summary=gettext_lazy("下发工作协调单（整体替换）"),
        tags=["协调事项"],
        request=SheetSerializer,
        responses={200: CoordinationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["put"], filter_backends=[])
    def sheet(self, request, pk=None):
        item = self.get_object()
        data = validated(SheetSerializer(data=request.data))
        coordination.coordination_sheet_set(
            item=item,
            by=request.user,
            duties=[
                (row["department"], row["duty"], row.get("due_date")) for row in data["duties"]
            ],
        )
        return self._answer(item)

    @extend_schema(
        methods=["get"],
        summary=gettext_lazy("协调意见"),
        tags=["协调事项"],
        request=None,
        responses={200: CoordinationMessageSerializer(many=True), 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["post"],
        summary=gettext_lazy("发表协调意见"),
        tags=["协调事项"],
        request=CoordinationMessageSerializer,
        responses={201: CoordinationMessageSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def messages(self, request, pk=None):
        item = self.get_object()
        if request.method == "POST":
            data = validated(CoordinationMessageSerializer(data=request.data))
            message = coordination.coordination_message_add(
                item=item, by=request.user, body=data["body"]
            )
            return Response(
                CoordinationMessageSerializer(message).data, status=status.HTTP_201_CREATED
            )
        thread = item.messages.select_related("author")
        return Response(CoordinationMessageSerializer(thread, many=True).data)


# --- completion ---------------------------------------------------------------------------


class CompletionReportSerializer(PlainDecimalModelSerializer):
    target_code = serializers.CharField(source="target.code", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = CompletionReport
        fields = [
            "id",
            "target",
            "target_code",
            "department",
            "summary",
            "actual_value",
            "evidence_name",
            "state",
            "state_display",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, obj) -> list[str]:
        """The decisions the reader may take now, named as their endpoints: accept, return
        (the transition ``return_report``: ``return`` is a Python keyword)."""
        steps = perms.completion_decisions(obj, self.context["request"].user)
        return ["return" if step == "return_report" else step for step in steps]


class CompletionCreateSerializer(serializers.Serializer):
    target = serializers.IntegerField()
    summary = serializers.CharField(allow_blank=True)
    actual_value = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    evidence = serializers.FileField(required=False, allow_null=True)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("办结报告列表"), tags=["办结审核"]),
    retrieve=extend_schema(
        summary=gettext_lazy("办结报告详情"),
        tags=["办结审核"],
        responses={200: CompletionReportSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("报请办结（牵头部门主要负责人；multipart，佐证材料必传）"),
        tags=["办结审核"],
        request={"multipart/form-data": CompletionCreateSerializer},
        responses={201: CompletionReportSerializer, **ERRORS},
    ),
)
class CompletionReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """办结报告 (Art. 14)."""

    serializer_class = CompletionReportSerializer
    queryset = CompletionReport.objects.none()
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["state", "target"]

    def get_queryset(self):
        return selectors.completion_list(self.request.user).order_by("-submitted_at", "-id")

    def _answer(self, report, code=status.HTTP_200_OK):
        return Response(
            self.get_serializer(self.get_queryset().get(pk=report.pk)).data, status=code
        )

    def create(self, request, *args, **kwargs):
        data = validated(CompletionCreateSerializer(data=request.data))
        report = completion.completion_report_file(
            target=_target(request.user, data["target"]),
            by=request.user,
            summary=data["summary"],
            actual_value=data.get("actual_value"),
            evidence=data.get("evidence"),
        )
        return self._answer(report, status.HTTP_201_CREATED)

    def _review(self, request, service):
        report = self.get_object()
        data = validated(DecisionCommentSerializer(data=request.data))
        return self._answer(service(report=report, by=request.user, comment=data["comment"]))

    @extend_schema(
        summary=gettext_lazy("审核通过（目标办；目标办结）"),
        tags=["办结审核"],
        request=DecisionCommentSerializer,
        responses={200: CompletionReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        return self._review(request, completion.completion_report_accept)

    @extend_schema(
        summary=gettext_lazy("退回（目标办，须填写意见）"),
        tags=["办结审核"],
        request=DecisionCommentSerializer,
        responses={200: CompletionReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_report(self, request, pk=None):
        return self._review(request, completion.completion_report_return)

    @extend_schema(
        summary=gettext_lazy("下载佐证材料"),
        tags=["办结审核"],
        responses={(200, "*/*"): FILE_RESPONSE, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def evidence(self, request, pk=None):
        report = self.get_object()
        return attachment_response(report.evidence, display_name=report.evidence_name)
