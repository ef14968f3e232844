"""The evaluation API under /api/v1/: thin viewsets over evaluation.selectors and
evaluation.services, with the same rules as the pages (404 for what the user may not read)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Department
from targets import selectors as target_selectors
from targets.models import PlanYear
from workflow.api import ERRORS, PlainDecimalModelSerializer, validated

from . import builtin, selectors, services
from .models import (
    EvaluationResult,
    EvaluationScheme,
    Feedback,
    Indicator,
    ScoreEntry,
    ScoreSheet,
    ScoringBody,
)

TAG = "考核评估"


class IndicatorSerializer(PlainDecimalModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "parent",
            "order",
            "name",
            "max_points",
            "content",
            "body",
            "co_bodies",
            "body_text",
            "responsible_text",
            "metric",
        ]
        read_only_fields = fields


class BodySerializer(PlainDecimalModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ScoringBody
        fields = ["id", "name", "kind", "kind_display", "rater_department", "weight", "order"]
        read_only_fields = fields


class SchemeSerializer(PlainDecimalModelSerializer):
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    mode_display = serializers.CharField(source="get_mode_display", read_only=True)

    class Meta:
        model = EvaluationScheme
        fields = [
            "id",
            "plan_year",
            "year",
            "version",
            "name",
            "mode",
            "mode_display",
            "state",
            "state_display",
            "template_key",
            "comment_below_percent",
            "deduction_cap",
            "joint_lead_percent",
            "joint_responsible_percent",
            "joint_cooperating_percent",
            "joint_liability",
            "empty_objective",
            "bonus_min_grade",
            "extra_bonus_grade",
            "extra_bonus_percent",
            "bonus_cut_percent",
            "self_evaluation",
            "opened_at",
            "locked_at",
            "published_at",
            "publish_reason",
        ]
        read_only_fields = fields


class SchemeDetailSerializer(SchemeSerializer):
    bodies = BodySerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(SchemeSerializer.Meta):
        fields = [*SchemeSerializer.Meta.fields, "bodies", "indicators"]
        read_only_fields = fields


class SchemeCreateSerializer(serializers.Serializer):
    plan_year = serializers.PrimaryKeyRelatedField(queryset=PlanYear.objects.all())
    template = serializers.ChoiceField(
        [k for k, _label in builtin.template_choices()], required=False, allow_blank=True
    )
    source = serializers.IntegerField(
        required=False, allow_null=True, help_text=gettext_lazy("要复制的往年方案")
    )


class TargetDeductionSerializer(serializers.Serializer):
    target = serializers.IntegerField()
    points = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    reference = serializers.CharField(required=False, allow_blank=True, default="")


class TargetDeductionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target = serializers.IntegerField(source="target_id")
    points = serializers.DecimalField(max_digits=9, decimal_places=2)
    reason = serializers.CharField()
    reference = serializers.CharField()


class FeedbackWriteSerializer(serializers.Serializer):
    scheme = serializers.IntegerField()
    department = serializers.IntegerField()
    suggestions = serializers.CharField(allow_blank=True)


class PublishSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RemindSerializer(serializers.Serializer):
    body = serializers.IntegerField(required=False, allow_null=True, default=None)
    department = serializers.IntegerField(required=False, allow_null=True, default=None)


class RemindResultSerializer(serializers.Serializer):
    reminded = serializers.IntegerField()


class EntrySerializer(PlainDecimalModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)

    class Meta:
        model = ScoreEntry
        fields = ["indicator", "indicator_name", "points", "passed", "comment", "inputs"]
        read_only_fields = fields


class SheetSerializer(serializers.ModelSerializer):
    body_name = serializers.CharField(
        source="body.name", read_only=True, default=None, allow_null=True
    )
    department_name = serializers.CharField(source="department.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    year = serializers.IntegerField(source="scheme.plan_year.year", read_only=True)

    class Meta:
        model = ScoreSheet
        fields = [
            "id",
            "scheme",
            "year",
            "body",
            "body_name",
            "department",
            "department_name",
            "is_self",
            "state",
            "state_display",
            "version",
            "submitted_at",
        ]
        read_only_fields = fields


class SheetDetailSerializer(SheetSerializer):
    entries = EntrySerializer(many=True, read_only=True)

    class Meta(SheetSerializer.Meta):
        fields = [*SheetSerializer.Meta.fields, "summary", "entries"]
        read_only_fields = fields


class EntryInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    points = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SheetSaveSerializer(serializers.Serializer):
    entries = EntryInputSerializer(many=True)
    summary = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    submit = serializers.BooleanField(default=False)
    version = serializers.IntegerField(required=False, allow_null=True)


class ResultSerializer(PlainDecimalModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = EvaluationResult
        fields = [
            "id",
            "scheme",
            "department",
            "department_name",
            "category",
            "category_display",
            "base_score",
            "deductions",
            "final_score",
            "rank",
            "category_size",
            "grade",
            "passed",
        ]
        read_only_fields = fields


class ResultDetailSerializer(ResultSerializer):
    class Meta(ResultSerializer.Meta):
        fields = [*ResultSerializer.Meta.fields, "detail"]
        read_only_fields = fields


class FeedbackSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "scheme",
            "department",
            "department_name",
            "suggestions",
            "state",
            "state_display",
            "written_at",
            "acknowledged_at",
            "improvement_plan",
            "plan_filed_at",
            "linked_targets",
        ]
        read_only_fields = fields


class PlanSerializer(serializers.Serializer):
    plan = serializers.CharField(allow_blank=True)


def _schema(summary, request=None, response=SchemeDetailSerializer):
    return extend_schema(
        summary=summary, tags=[TAG], request=request, responses={200: response, **ERRORS}
    )


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("考评方案列表"), tags=[TAG]),
    retrieve=extend_schema(summary=gettext_lazy("考评方案（含指标体系与考评主体）"), tags=[TAG]),
    create=extend_schema(
        summary=gettext_lazy("由内置模板或往年方案建立考评方案（目标办）"),
        tags=[TAG],
        request=SchemeCreateSerializer,
        responses={201: SchemeDetailSerializer, **ERRORS},
    ),
)
class SchemeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """考评方案: read by every signed-in user; built and run by the office through the services."""

    queryset = EvaluationScheme.objects.none()
    filterset_fields = ["plan_year", "state", "mode"]
    ordering_fields = ["version", "plan_year__year"]

    def get_queryset(self):
        qs = selectors.visible_schemes(self.request.user).order_by("-plan_year__year", "-version")
        if self.action == "retrieve":
            qs = qs.prefetch_related("bodies", "indicators__co_bodies")
        return qs

    def get_serializer_class(self):
        return SchemeSerializer if self.action == "list" else SchemeDetailSerializer

    def _detail(self, scheme, code=status.HTTP_200_OK):
        fresh = (
            self.get_queryset()
            .prefetch_related("bodies", "indicators__co_bodies")
            .get(pk=scheme.pk)
        )
        return Response(SchemeDetailSerializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        data = validated(SchemeCreateSerializer(data=request.data))
        source = None
        if data.get("source"):
            source = get_object_or_404(self.get_queryset(), pk=data["source"])
        scheme = services.scheme_create(
            plan_year=data["plan_year"],
            by=request.user,
            template_key="" if source else data.get("template", ""),
            source=source,
        )
        return self._detail(scheme, status.HTTP_201_CREATED)

    @_schema(gettext_lazy("开始评分：冻结方案并生成评分表（目标办）"))
    @action(detail=True, methods=["post"], url_path="open-scoring", filter_backends=[])
    def open_scoring(self, request, pk=None):
        return self._detail(services.scheme_open_scoring(scheme=self.get_object(), by=request.user))

    @_schema(gettext_lazy("锁定评分（目标办）"))
    @action(detail=True, methods=["post"], filter_backends=[])
    def lock(self, request, pk=None):
        return self._detail(services.scheme_lock(scheme=self.get_object(), by=request.user))

    @_schema(gettext_lazy("发布结果；有评分表缺失时须填写 reason（目标办）"), PublishSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        data = validated(PublishSerializer(data=request.data))
        scheme = services.scheme_publish(
            scheme=self.get_object(), by=request.user, reason=data["reason"]
        )
        return self._detail(scheme)

    @extend_schema(
        summary=gettext_lazy("建立新版本（评分开始后修改方案）"),
        tags=[TAG],
        request=None,
        responses={201: SchemeDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="new-version", filter_backends=[])
    def new_version(self, request, pk=None):
        scheme = services.scheme_new_version(scheme=self.get_object(), by=request.user)
        return self._detail(scheme, status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("录入目标扣分（条块连坐，目标办）"),
        tags=[TAG],
        request=TargetDeductionSerializer,
        responses={201: TargetDeductionResultSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="target-deductions", filter_backends=[])
    def target_deductions(self, request, pk=None):
        scheme = self.get_object()
        data = validated(TargetDeductionSerializer(data=request.data))
        target = get_object_or_404(
            target_selectors.visible_targets(request.user), pk=data["target"]
        )
        deduction = services.target_deduction_add(
            scheme=scheme,
            target=target,
            by=request.user,
            points=data["points"],
            reason=data["reason"],
            reference=data["reference"],
        )
        return Response(
            TargetDeductionResultSerializer(deduction).data, status=status.HTTP_201_CREATED
        )

    @_schema(gettext_lazy("催办未提交的评分表（目标办）"), RemindSerializer, RemindResultSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def remind(self, request, pk=None):
        data = validated(RemindSerializer(data=request.data))
        count = services.scheme_remind(
            scheme=self.get_object(),
            by=request.user,
            body_id=data["body"],
            department_id=data["department"],
        )
        return Response({"reminded": count})


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("评分表列表（仅含当前用户可见的）"), tags=[TAG]),
    retrieve=extend_schema(summary=gettext_lazy("评分表详情"), tags=[TAG]),
)
class SheetViewSet(viewsets.ReadOnlyModelViewSet):
    """评分表: a rater reads and fills only their own sheets."""

    queryset = ScoreSheet.objects.none()
    filterset_fields = ["scheme", "state", "department", "body", "is_self"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.sheet_list(self.request.user)
        return selectors.sheet_detail_queryset(self.request.user).prefetch_related(
            "entries__indicator"
        )

    def get_serializer_class(self):
        return SheetSerializer if self.action == "list" else SheetDetailSerializer

    @extend_schema(
        summary=gettext_lazy("保存评分（submit=true 为提交）"),
        tags=[TAG],
        request=SheetSaveSerializer,
        responses={200: SheetDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def save(self, request, pk=None):
        sheet = self.get_object()
        data = validated(SheetSaveSerializer(data=request.data))
        entries = {
            row["indicator"]: services.EntryInput(
                points=row.get("points"), passed=row.get("passed"), comment=row.get("comment", "")
            )
            for row in data["entries"]
        }
        sheet = services.sheet_save(
            sheet=sheet,
            by=request.user,
            entries=entries,
            summary=data.get("summary"),
            submit=data["submit"],
            expected_version=data.get("version"),
        )
        fresh = self.get_queryset().get(pk=sheet.pk)
        return Response(SheetDetailSerializer(fresh).data)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("已发布的考评结果（按可见范围）"), tags=[TAG]),
    retrieve=extend_schema(summary=gettext_lazy("考评结果及计算明细"), tags=[TAG]),
)
class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    """考评结果: published results only; a department its own, vice-mayors their portfolio's."""

    queryset = EvaluationResult.objects.none()
    filterset_fields = ["scheme", "department", "category"]
    ordering_fields = ["final_score", "rank"]

    def get_queryset(self):
        return (
            selectors.visible_results(self.request.user)
            .select_related("department")
            .order_by("scheme", "category", "rank", "department_id")
        )

    def get_serializer_class(self):
        return ResultSerializer if self.action == "list" else ResultDetailSerializer


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("改进建议列表"), tags=[TAG]),
    retrieve=extend_schema(summary=gettext_lazy("改进建议详情"), tags=[TAG]),
)
class FeedbackViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """绩效改进建议 (Zhongshan Art. 25): the office writes, the department acknowledges and
    files its plan."""

    queryset = Feedback.objects.none()
    serializer_class = FeedbackSerializer
    filterset_fields = ["scheme", "department", "state"]

    def get_queryset(self):
        return selectors.visible_feedback(self.request.user).prefetch_related("linked_targets")

    def _fresh(self, feedback, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=feedback.pk)
        return Response(FeedbackSerializer(fresh).data, status=code)

    @extend_schema(
        summary=gettext_lazy("反馈改进建议（目标办；部门签收前可改写）"),
        tags=[TAG],
        request=FeedbackWriteSerializer,
        responses={201: FeedbackSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = validated(FeedbackWriteSerializer(data=request.data))
        scheme = get_object_or_404(selectors.visible_schemes(request.user), pk=data["scheme"])
        department = get_object_or_404(Department, pk=data["department"])
        feedback = services.feedback_write(
            scheme=scheme, department=department, by=request.user, suggestions=data["suggestions"]
        )
        return self._fresh(feedback, status.HTTP_201_CREATED)

    @_schema(gettext_lazy("签收改进建议（被反馈部门）"), None, FeedbackSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def acknowledge(self, request, pk=None):
        feedback = services.feedback_acknowledge(feedback=self.get_object(), by=request.user)
        return self._fresh(feedback)

    @_schema(gettext_lazy("报送整改计划（被反馈部门）"), PlanSerializer, FeedbackSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def plan(self, request, pk=None):
        data = validated(PlanSerializer(data=request.data))
        feedback = services.feedback_file_plan(
            feedback=self.get_object(), by=request.user, plan=data["plan"]
        )
        return self._fresh(feedback)
