"""/api/v1/progress-corrections/: late corrections of verified progress reports (更正申请,
Shanghai Art. 14), the pages' rules through ``execution.services.corrections`` (unreadable →
404, forbidden → 403, bad input → 400 with field errors, already decided → 409)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action

from workflow.api import PlainDecimalModelSerializer, validated
from workflow.errors import NotFoundForUser

from ..models import ProgressCorrection
from ..permissions import corrections as perms
from ..selectors import corrections as selectors
from ..selectors.progress import report_detail_queryset
from ..services import corrections as services
from .decisions import DecidedRequestFields, DecidedRequestViewSet, decision_schemas

TAG = "进展更正"


class CorrectionSerializer(DecidedRequestFields, PlainDecimalModelSerializer):
    decisions = staticmethod(perms.correction_decisions)
    target = serializers.IntegerField(source="report.target_id", read_only=True)
    target_code = serializers.CharField(source="report.target.code", read_only=True)
    period_start = serializers.DateField(source="report.period_start", read_only=True)

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
    **decision_schemas(
        tag=TAG,
        serializer=CorrectionSerializer,
        create_serializer=CorrectionCreateSerializer,
        download="evidence",
        summaries={
            "list": gettext_lazy("进展更正申请列表"),
            "retrieve": gettext_lazy("进展更正申请详情"),
            "create": gettext_lazy("申请更正已审核的进展报告（填报部门主要负责人，报告期结束后）"),
            "approve": gettext_lazy("批准更正（目标办或督查室；报告审核值即改为更正值）"),
            "reject": gettext_lazy("不予更正（须填写意见）"),
            "evidence": gettext_lazy("下载更正依据"),
        },
    )
)
class CorrectionViewSet(DecidedRequestViewSet):
    """更正申请 (Art. 14)."""

    serializer_class = CorrectionSerializer
    queryset = ProgressCorrection.objects.none()
    filterset_fields = ["state", "report", "department"]
    selector = staticmethod(selectors.correction_list)
    approve_service = staticmethod(services.correction_approve)
    reject_service = staticmethod(services.correction_reject)
    record_argument = "correction"

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

    @action(detail=True, methods=["get"], filter_backends=[])
    def evidence(self, request, pk=None):
        return self._download()
