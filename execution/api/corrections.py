"""/api/v1/progress-corrections/: late corrections of verified progress reports (更正申请,
Shanghai Art. 14), the pages' rules through ``execution.services.corrections`` (unreadable →
404, forbidden → 403, bad input → 400 with field errors, already decided → 409)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from workflow.api import ERRORS, PlainDecimalModelSerializer, validated
from workflow.errors import NotFoundForUser

from ..files import attachment_response
from ..models import ProgressCorrection
from ..permissions import corrections as perms
from ..selectors import corrections as selectors
from ..selectors.progress import report_detail_queryset
from ..services import corrections as services
from .changes import FILE_RESPONSE, DecisionCommentSerializer

TAG = "进展更正"


class CorrectionSerializer(PlainDecimalModelSerializer):
    target = serializers.IntegerField(source="report.target_id", read_only=True)
    target_code = serializers.CharField(source="report.target.code", read_only=True)
    period_start = serializers.DateField(source="report.period_start", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = ProgressCorrection
        fields = [
            "id",
            "report",
            "target",
            "target_code",
            "period_start",
            "department",
            "old_value",
            "old_percent",
            "new_value",
            "new_percent",
            "reason",
            "evidence_name",
            "state",
            "state_display",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, obj) -> list[str]:
        return perms.correction_decisions(obj, self.context["request"].user)


class CorrectionCreateSerializer(serializers.Serializer):
    report = serializers.IntegerField()
    new_value = serializers.DecimalField(
        max_digits=30, decimal_places=10, required=False, allow_null=True
    )
    new_percent = serializers.DecimalField(
        max_digits=30, decimal_places=10, required=False, allow_null=True
    )
    reason = serializers.CharField(allow_blank=True)
    evidence = serializers.FileField(required=False, allow_null=True)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("进展更正申请列表"), tags=[TAG]),
    retrieve=extend_schema(
        summary=gettext_lazy("进展更正申请详情"),
        tags=[TAG],
        responses={200: CorrectionSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("申请更正已审核的进展报告（填报部门主要负责人，报告期结束后）"),
        tags=[TAG],
        request={"multipart/form-data": CorrectionCreateSerializer},
        responses={201: CorrectionSerializer, **ERRORS},
    ),
)
class CorrectionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """更正申请 (Art. 14)."""

    serializer_class = CorrectionSerializer
    queryset = ProgressCorrection.objects.none()
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["state", "report", "department"]

    def get_queryset(self):
        return selectors.correction_list(self.request.user).order_by("-requested_at", "-id")

    def create(self, request, *args, **kwargs):
        data = validated(CorrectionCreateSerializer(data=request.data))
        report = report_detail_queryset(request.user).filter(pk=data["report"]).first()
        if report is None:
            message = _("进展报告不存在或无权查看。")
            raise NotFoundForUser(message, field_errors={"report": [message]})
        correction = services.correction_request_create(
            report=report,
            by=request.user,
            new_value=data.get("new_value"),
            new_percent=data.get("new_percent"),
            reason=data["reason"],
            evidence=data.get("evidence"),
        )
        return self._answer(correction, status.HTTP_201_CREATED)

    def _answer(self, correction, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=correction.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _decide(self, request, service):
        correction = self.get_object()
        data = validated(DecisionCommentSerializer(data=request.data))
        return self._answer(
            service(correction=correction, by=request.user, comment=data["comment"])
        )

    @extend_schema(
        summary=gettext_lazy("批准更正（目标办或督查室；报告审核值即改为更正值）"),
        tags=[TAG],
        request=DecisionCommentSerializer,
        responses={200: CorrectionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        return self._decide(request, services.correction_approve)

    @extend_schema(
        summary=gettext_lazy("不予更正（须填写意见）"),
        tags=[TAG],
        request=DecisionCommentSerializer,
        responses={200: CorrectionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        return self._decide(request, services.correction_reject)

    @extend_schema(
        summary=gettext_lazy("下载更正依据"),
        tags=[TAG],
        responses={(200, "*/*"): FILE_RESPONSE, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def evidence(self, request, pk=None):
        correction = self.get_object()
        return attachment_response(correction.evidence, display_name=correction.evidence_name)
