"""The progress API under /api/v1/ (issue 5 items 1–3): thin viewsets over
``progress_selectors`` and ``progress_services`` — the same rules as the pages. A report the
user may not read is a 404, exactly as on the pages."""

from django.db.models import Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.ids import IdFilter, parse_id
from targets.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS, Milestone, Target
from targets.selectors import visible_targets
from workflow.api import (
    ALL_YEARS,
    ERRORS,
    YEAR_OR_ALL_PATTERN,
    NarrowFirst,
    PlainDecimalField,
    PlainDecimalModelSerializer,
    YearOrAllFilter,
    validated,
)
from workflow.api_speed import FormClassOnce
from workflow.errors import NotFoundForUser, ValidationFailed
from workflow.generations import partitioned
from workflow.pagecache import cached_list

from ..files import attachment_response
from ..models import ProgressReport, WarningExplanation, WarningSnapshot
from ..permissions import progress as perms
from ..selectors import progress as selectors
from ..selectors.queue import report_level_subquery
from ..services import progress as services
from . import report_rows

TAG = "进展与预警"


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class ProgressReportSerializer(PlainDecimalModelSerializer):
    target_code = serializers.CharField(source="target.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "target",
            "target_code",
            "department",
            "department_name",
            "kind",
            "kind_display",
            "period_start",
            "period_end",
            "due_date",
            "state",
            "state_display",
            "actual_value",
            "percent_complete",
            "narrative",
            "problems",
            "next_steps",
            "verified_value",
            "verified_percent",
            "verification_reason",
            "verification_comment",
            "return_comment",
            "is_late",
            "version",
            "created_by",
            "created_at",
            "submitted_by",
            "submitted_at",
            "verified_by",
            "verified_at",
            "evidence",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(["edit", "submit", "verify", "return"]))
    )
    def get_allowed_actions(self, obj) -> list[str]:
        return perms.report_actions(obj, self.context["request"].user)


def _value_field(**kwargs):
    return serializers.DecimalField(
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        required=False,
        allow_null=True,
        default=None,
        **kwargs,
    )


def _percent_field():
    return serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )


class ReportContentSerializer(serializers.Serializer):
    actual_value = _value_field(help_text=gettext_lazy("累计完成值（定量目标必填）"))
    percent_complete = _percent_field()
    narrative = serializers.CharField(allow_blank=True)
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=gettext_lazy("佐证材料"),
    )

    def to_input(self) -> services.ReportInput:
        data = dict(self.validated_data)
        return services.ReportInput(
            actual_value=data.get("actual_value"),
            percent_complete=data.get("percent_complete"),
            narrative=data.get("narrative", ""),
            problems=data.get("problems", ""),
            next_steps=data.get("next_steps", ""),
        )


class ReportCreateSerializer(ReportContentSerializer):
    target = serializers.IntegerField()
    period_start = serializers.DateField(help_text=gettext_lazy("报告期第一天，如 2026-01-01"))


class ReportUpdateSerializer(ReportContentSerializer):
    version = serializers.IntegerField(help_text=gettext_lazy("读取时的版本号"))


class ReportSubmitSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReportVerifySerializer(serializers.Serializer):
    verified_value = _value_field(help_text=gettext_lazy("留空则采用填报值"))
    verified_percent = _percent_field()
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("审核值与填报值不同时必填"),
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    milestone_status = serializers.ChoiceField(
        Milestone.Status.choices, required=False, allow_null=True, default=None
    )


class ReportReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, help_text=gettext_lazy("退回意见（必填）"))


# Filters that name one year already: with any of them the list does not default to a year.
YEAR_NAMED_BY = ("target", "plan_year", "period_start")
YEAR_HELP = gettext_lazy(
    "计划年度（如 2026）或 all（全部年度）。不给出且未按 target、plan_year、period_start "
    "筛选时，为最新的执行中年度（没有则为最近结束的年度）"
)


class ReportFilter(FormClassOnce, filters.FilterSet):
    target = IdFilter(field_name="target_id")
    department = IdFilter(field_name="department_id")
    plan_year = IdFilter(field_name="target__plan_year_id")
    # Issue 20: unfiltered, the list counted and sorted every year's reports, its cost growing
    # with each year kept. A client asks for the year it wants, or all of them.
    year = YearOrAllFilter(method="filter_year", label=YEAR_HELP)
    # The review queue's filter (issue 19 item 1): the target's latest warning level.
    warning = filters.ChoiceFilter(
        choices=WarningSnapshot.Level.choices,
        method="filter_warning",
        label=gettext_lazy("预警等级"),
    )

    def filter_warning(self, queryset, name, value):
        return queryset.annotate(_level=report_level_subquery()).filter(_level=value)

    def filter_year(self, queryset, name, value):
        if value == ALL_YEARS:
            return queryset
        return selectors.reports_of_year(queryset, value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("year") in (None, "") and all(
            data.get(name) in (None, "") for name in YEAR_NAMED_BY
        ):
            year = selectors.reporting_year()
            if year is not None:
                queryset = selectors.reports_of_year(queryset, year)
        return queryset

    class Meta:
        model = ProgressReport
        fields = ["target", "department", "plan_year", "state", "kind", "period_start", "is_late"]


def _multipart_files(request):
    return request.FILES.getlist("files") if hasattr(request, "FILES") else []


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("进展报告列表（仅含可见的报告）"),
        tags=[TAG],
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "string", "pattern": YEAR_OR_ALL_PATTERN},
                description=YEAR_HELP,
            )
        ],
    ),
    retrieve=extend_schema(summary=gettext_lazy("进展报告详情"), tags=[TAG]),
)
class ProgressReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """进展报告: read through the selectors, write through the services (Art. 14, 16)."""

    queryset = ProgressReport.objects.none()
    serializer_class = ProgressReportSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = ReportFilter
    search_fields = ["target__code", "target__title"]
    ordering_fields = ["period_start", "due_date", "submitted_at"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.report_list(self.request.user)
        return selectors.report_detail_queryset(self.request.user)

    @cached_list
    def list(self, request, *args, **kwargs):
        # Issue 20: sorted on the reports alone before the page's rows are read (the ORDER BY
        # over every report with its target and department was most of the list), of one year
        # unless asked otherwise (ReportFilter), and written from plain values in the
        # serializer's format (report_rows: same JSON). The list reads only its reader's
        # partitions of the reports: a department's draft saved leaves it cached.
        with partitioned(ProgressReport._meta.db_table, selectors.report_partitions(request.user)):
            queryset = self.filter_queryset(self.get_queryset())
            page = self.paginate_queryset(
                NarrowFirst(queryset, rows=lambda qs: qs.values(*report_rows.COLUMNS))
            )
            return self.get_paginated_response(report_rows.report_rows(page, request.user))

    def _detail(self, report, code=status.HTTP_200_OK):
        fresh = selectors.report_detail_queryset(self.request.user).get(pk=report.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        summary=gettext_lazy("填报进展（牵头部门或配合部门；可附佐证材料 multipart）"),
        tags=[TAG],
        request=ReportCreateSerializer,
        responses={201: ProgressReportSerializer, **ERRORS},
    )
    def create(self, request):
        serializer = ReportCreateSerializer(data=request.data)
        data = validated(serializer)
        target = (
            visible_targets(request.user)
            .select_related("plan_year", "lead_department")
            .filter(pk=data["target"])
            .first()
        )
        if target is None:
            raise NotFoundForUser(
                _("目标不存在或无权查看。"), field_errors={"target": ["not found"]}
            )
        report = services.progress_report_create(
            target=target,
            by=request.user,
            period_start=data["period_start"],
            data=serializer.to_input(),
            files=_multipart_files(request) or data.get("files") or [],
        )
        return self._detail(report, status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("修改填报中或已退回的进展报告（须带 version）"),
        tags=[TAG],
        request=ReportUpdateSerializer,
        responses={200: ProgressReportSerializer, **ERRORS},
    )
    def partial_update(self, request, pk=None):
        report = self.get_object()
        current = {
            "actual_value": report.actual_value,
            "percent_complete": report.percent_complete,
            "narrative": report.narrative,
            "problems": report.problems,
            "next_steps": report.next_steps,
        }
        body = {k: v for k, v in request.data.items() if k != "files"}
        serializer = ReportUpdateSerializer(data={**current, **body})
        data = validated(serializer)
        report = services.progress_report_update(
            report=report,
            by=request.user,
            data=serializer.to_input(),
            files=_multipart_files(request),
            expected_version=data["version"],
        )
        return self._detail(report)

    def _act(self, request, service, serializer_class, **extra):
        report = self.get_object()
        data = validated(serializer_class(data=request.data))
        report = service(report=report, by=request.user, **data, **extra)
        return self._detail(report)

    @extend_schema(
        summary=gettext_lazy("报送（部门主要负责人）"),
        tags=[TAG],
        request=ReportSubmitSerializer,
        responses={200: ProgressReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        return self._act(request, services.progress_report_submit, ReportSubmitSerializer)

    @extend_schema(
        summary=gettext_lazy("审核（目标办或督查室；审核值不同须写理由）"),
        tags=[TAG],
        request=ReportVerifySerializer,
        responses={200: ProgressReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def verify(self, request, pk=None):
        return self._act(request, services.progress_report_verify, ReportVerifySerializer)

    @extend_schema(
        summary=gettext_lazy("退回（目标办或督查室，须填写意见）"),
        tags=[TAG],
        request=ReportReturnSerializer,
        responses={200: ProgressReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_to_department(self, request, pk=None):
        return self._act(request, services.progress_report_return, ReportReturnSerializer)

    @extend_schema(
        summary=gettext_lazy("下载佐证材料（附件形式）"),
        tags=[TAG],
        responses={(200, "*/*"): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>[0-9]+)",
        url_name="evidence",
        filter_backends=[],
        pagination_class=None,
    )
    def evidence(self, request, evidence_id=None):
        evidence = selectors.visible_evidence(request.user).filter(pk=evidence_id).first()
        if evidence is None:
            raise NotFoundForUser(_("佐证材料不存在或无权查看。"))
        return attachment_response(evidence.file, display_name=evidence.display_name)


class WarningSnapshotSerializer(PlainDecimalModelSerializer):
    target_code = serializers.CharField(source="target.code", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = WarningSnapshot
        fields = [
            "id",
            "target",
            "target_code",
            "period_start",
            "period_end",
            "level",
            "level_display",
            "expected",
            "actual",
            "as_of",
            "reasons",
            "reason",
            "red_since",
            "computed_at",
        ]
        read_only_fields = fields


class WarningFilter(filters.FilterSet):
    target = IdFilter(field_name="target_id")
    plan_year = IdFilter(field_name="target__plan_year_id")

    class Meta:
        model = WarningSnapshot
        fields = ["target", "plan_year", "level", "period_start"]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("预警记录（每个目标每个报告期一条，可看趋势）"), tags=[TAG]
    ),
    retrieve=extend_schema(summary=gettext_lazy("预警记录详情"), tags=[TAG]),
)
class WarningSnapshotViewSet(viewsets.ReadOnlyModelViewSet):
    """预警: computed nightly and after each verification; read-only."""

    queryset = WarningSnapshot.objects.none()
    serializer_class = WarningSnapshotSerializer
    filterset_class = WarningFilter
    ordering_fields = ["period_start", "level"]

    def get_queryset(self):
        readable = visible_targets(self.request.user).values("pk")
        return (
            WarningSnapshot.objects.filter(target__in=Subquery(readable))
            .select_related("target")
            .order_by("target__code", "period_start")
        )


class ExplanationSerializer(serializers.ModelSerializer):
    filed_by_name = serializers.CharField(source="filed_by.__str__", read_only=True)

    class Meta:
        model = WarningExplanation
        fields = [
            "id",
            "target",
            "red_since",
            "explanation",
            "remedy",
            "filed_by",
            "filed_by_name",
            "filed_at",
        ]
        read_only_fields = ["id", "red_since", "filed_by", "filed_by_name", "filed_at"]
        extra_kwargs = {
            "explanation": {"allow_blank": True},
            "remedy": {"allow_blank": True},
            "target": {"queryset": Target.objects.all()},
        }


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("红色预警说明"), tags=[TAG]),
    create=extend_schema(
        summary=gettext_lazy("填报红色预警说明（牵头部门）"),
        tags=[TAG],
        responses={201: ExplanationSerializer, **ERRORS},
    ),
)
class WarningExplanationViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = WarningExplanation.objects.none()
    serializer_class = ExplanationSerializer
    filterset_fields = ["target"]

    def get_queryset(self):
        readable = visible_targets(self.request.user).values("pk")
        return WarningExplanation.objects.filter(target__in=Subquery(readable)).select_related(
            "filed_by"
        )

    def create(self, request):
        if not isinstance(request.data, dict):
            raise ValidationFailed(_("请求内容须为对象。"))
        target_id = parse_id(request.data.get("target"))
        target = visible_targets(request.user).filter(pk=target_id).first() if target_id else None
        if target is None:
            raise NotFoundForUser(_("目标不存在或无权查看。"))
        item = services.warning_explanation_file(
            target=target,
            by=request.user,
            explanation=str(request.data.get("explanation", "")),
            remedy=str(request.data.get("remedy", "")),
        )
        return Response(ExplanationSerializer(item).data, status=status.HTTP_201_CREATED)


class MilestoneStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(Milestone.Status.choices)
    reason = serializers.CharField(allow_blank=True, help_text=gettext_lazy("认定理由（必填）"))


class MilestoneStatusResultSerializer(PlainDecimalModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    expected_value = PlainDecimalField(
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        read_only=True,
        allow_null=True,
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "target",
            "quarter",
            "due_date",
            "description",
            "expected_value",
            "status",
            "status_display",
        ]
        read_only_fields = fields


class MilestoneStatusView(APIView):
    """节点目标: the office sets a node target's status, always with a reason."""

    @extend_schema(
        summary=gettext_lazy("认定节点目标完成情况（目标办或督查室，须写理由）"),
        tags=[TAG],
        request=MilestoneStatusSerializer,
        responses={200: MilestoneStatusResultSerializer, **ERRORS},
    )
    def post(self, request, pk):
        milestone = (
            Milestone.objects.filter(
                target__in=Subquery(visible_targets(request.user).values("pk"))
            )
            .filter(pk=pk)
            .first()
        )
        if milestone is None:
            raise NotFoundForUser(_("节点目标不存在或无权查看。"))
        data = validated(MilestoneStatusSerializer(data=request.data))
        milestone = services.milestone_set_status(
            milestone=milestone, by=request.user, status=data["status"], reason=data["reason"]
        )
        return Response(MilestoneStatusResultSerializer(milestone).data)


class TodoSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk")
    target_code = serializers.CharField(source="target.code")
    target_title = serializers.CharField(source="target.title")
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField()
    kind = serializers.CharField()
    period_start = serializers.DateField(source="period.start")
    period_end = serializers.DateField(source="period.end")
    period_label = serializers.CharField(source="period.label")
    due_date = serializers.DateField()
    overdue = serializers.BooleanField()
    report = serializers.IntegerField(source="report_id", allow_null=True)
    status = serializers.CharField(source="status_label")


class TodoView(APIView):
    """进展待办: every report the user's departments owe now, overdue first."""

    @extend_schema(
        summary=gettext_lazy("本部门进展待办"),
        tags=[TAG],
        responses={200: TodoSerializer(many=True)},
    )
    def get(self, request):
        return Response(TodoSerializer(selectors.todo_rows(request.user), many=True).data)
