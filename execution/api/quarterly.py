"""/api/v1/quarterly-reports/: the quarterly reports (季度报告, Shanghai Art. 17) the reader may
read, and their transitions and instructions — the same selectors and services as the pages."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from workflow.api import ERRORS, PlainDecimalModelSerializer, validated

from ..models import QuarterlyInstruction, QuarterlyReport, QuarterlyReportItem
from ..permissions import quarterly as perms
from ..selectors import quarterly as selectors
from ..services import quarterly as services

TAG = "quarterly-reports"


class QuarterlyItemSerializer(PlainDecimalModelSerializer):
    code = serializers.CharField(source="target.code", read_only=True)

    class Meta:
        model = QuarterlyReportItem
        fields = [
            "target",
            "code",
            "milestone",
            "reported_value",
            "verified_value",
            "verified_percent",
            "level",
            "problems",
            "narrative",
        ]


class InstructionSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuarterlyInstruction
        fields = ["id", "author", "body", "created_at", "answer", "answered_by", "answered_at"]


class QuarterlyReportSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    items = QuarterlyItemSerializer(many=True, read_only=True)
    instructions = InstructionSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = QuarterlyReport
        fields = [
            "id",
            "year",
            "quarter",
            "department",
            "state",
            "summary",
            "next_steps",
            "leader",
            "submitted_at",
            "forwarded_at",
            "read_at",
            "items",
            "instructions",
            "actions",
        ]

    def get_actions(self, obj) -> list[str]:
        return perms.report_actions(obj, self.context["request"].user)


class QuarterlyUpdateSerializer(serializers.Serializer):
    summary = serializers.CharField(allow_blank=True, required=False, default="")
    next_steps = serializers.CharField(allow_blank=True, required=False, default="")
    narratives = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text=gettext_lazy("目标ID → 情况说明"),
    )


class InstructionInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True)


class AnswerInputSerializer(serializers.Serializer):
    instruction = serializers.IntegerField()
    answer = serializers.CharField(allow_blank=True)


def _transition_schema(summary):
    return extend_schema(
        summary=summary,
        tags=[TAG],
        request=None,
        responses={200: QuarterlyReportSerializer, **ERRORS},
    )


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("季度报告列表"), tags=[TAG]),
    retrieve=extend_schema(summary=gettext_lazy("季度报告详情"), tags=[TAG]),
)
class QuarterlyReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = QuarterlyReport.objects.none()
    serializer_class = QuarterlyReportSerializer
    filterset_fields = ["quarter", "state", "department"]

    def get_queryset(self):
        return selectors.quarterly_report_detail_queryset(self.request.user).order_by(
            "-plan_year__year", "-quarter", "department_id"
        )

    def _done(self, report):
        report = self.get_queryset().get(pk=report.pk)
        return Response(self.get_serializer(report).data)

    @extend_schema(
        summary=gettext_lazy("修改季度报告（部门）"),
        tags=[TAG],
        request=QuarterlyUpdateSerializer,
        responses={200: QuarterlyReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        data = validated(QuarterlyUpdateSerializer(data=request.data))
        report = services.quarterly_report_update(
            report=self.get_object(),
            by=request.user,
            summary=data["summary"],
            next_steps=data["next_steps"],
            narratives=data.get("narratives") or {},
        )
        return self._done(report)

    @_transition_schema(gettext_lazy("报送季度报告（部门主要负责人）"))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._done(
            services.quarterly_report_submit(report=self.get_object(), by=request.user)
        )

    @_transition_schema(gettext_lazy("转呈分管市领导（目标办）"))
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        return self._done(
            services.quarterly_report_forward(report=self.get_object(), by=request.user)
        )

    @_transition_schema(gettext_lazy("标记已阅（市领导）"))
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request, pk=None):
        return self._done(
            services.quarterly_report_mark_read(report=self.get_object(), by=request.user)
        )

    @extend_schema(
        summary=gettext_lazy("作出批示（市领导）"),
        tags=[TAG],
        request=InstructionInputSerializer,
        responses={201: InstructionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        data = validated(InstructionInputSerializer(data=request.data))
        instruction = services.quarterly_instruction_create(
            report=self.get_object(), by=request.user, body=data["body"]
        )
        return Response(InstructionSerializer(instruction).data, status=201)

    @extend_schema(
        summary=gettext_lazy("答复批示（部门）"),
        tags=[TAG],
        request=AnswerInputSerializer,
        responses={200: InstructionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = validated(AnswerInputSerializer(data=request.data))
        report = self.get_object()
        instruction = get_object_or_404(
            QuarterlyInstruction.objects.filter(report=report), pk=data["instruction"]
        )
        instruction = services.quarterly_instruction_answer(
            instruction=instruction, by=request.user, answer=data["answer"]
        )
        return Response(InstructionSerializer(instruction).data)
