"""The targets API under /api/v1/: thin viewsets over targets.selectors and targets.services.

Serializers here only parse and check types; every rule on a target's content, every permission
and every state check lives in the services, which answer with ApplicationError (rendered by
``workflow.api.exception_handler``). Querysets come from the selectors, so an object the user
may not read is a 404, exactly as on the pages.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import BaseFilterBackend, OrderingFilter
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.ids import IdField, IdFilter, IdRelatedField
from accounts.models import Department, User
from workflow.api import (
    ERRORS,
    AuditEventSerializer,
    PlainDecimalModelSerializer,
    validated,
)
from workflow.errors import NotFoundForUser

from . import permissions as perms
from . import selectors, services
from .extensions import apply_target_filters, target_filters
from .models import (
    VALUE_DECIMAL_PLACES,
    VALUE_MAX_DIGITS,
    Aspect,
    Milestone,
    PlanYear,
    Target,
    TargetComment,
    TargetDepartment,
)

# --- reference data -----------------------------------------------------------------------


class PlanYearSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    is_open_for_drafting = serializers.BooleanField(read_only=True)

    class Meta:
        model = PlanYear
        fields = [
            "id",
            "year",
            "status",
            "status_display",
            "is_open_for_drafting",
            "drafting_opens",
            "drafting_closes",
            "q1_report_due",
            "q2_report_due",
            "q3_report_due",
            "year_end_due",
            "report_frequency",
            "warning_green_percent",
            "warning_yellow_percent",
        ]


class AspectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Aspect
        fields = ["id", "plan_year", "number", "name"]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("目标方面列表"), tags=["计划年度"]),
    retrieve=extend_schema(summary=gettext_lazy("目标方面详情"), tags=["计划年度"]),
)
class AspectViewSet(viewsets.ReadOnlyModelViewSet):
    """目标方面 — the grouping of a year's targets."""

    serializer_class = AspectSerializer
    queryset = Aspect.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["plan_year"]


# --- reading targets ----------------------------------------------------------------------


class TargetSummarySerializer(PlainDecimalModelSerializer):
    """One row of the list: only what target_list has already joined, so a page of targets costs
    the same number of queries as a page of one."""

    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    aspect_name = serializers.CharField(source="aspect.name", read_only=True)
    lead_department_name = serializers.CharField(source="lead_department.name", read_only=True)
    parent_code = serializers.CharField(
        source="parent.code", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "code",
            "title",
            "plan_year",
            "year",
            "level",
            "level_display",
            "kind",
            "kind_display",
            "state",
            "state_display",
            "aspect",
            "aspect_name",
            "lead_department",
            "lead_department_name",
            "parent",
            "parent_code",
            "is_key_work",
            "weight",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


_SUMMARY_VALUES = (
    "id",
    "code",
    "title",
    "plan_year_id",
    "plan_year__year",
    "level",
    "kind",
    "state",
    "aspect_id",
    "aspect__name",
    "lead_department_id",
    "lead_department__name",
    "parent_id",
    "parent__code",
    "is_key_work",
    "weight",
    "version",
    "updated_at",
)


def _summary_rows(rows) -> list[dict]:
    """``TargetSummarySerializer(many=True).data`` for rows of ``_SUMMARY_VALUES``."""
    fields = TargetSummarySerializer().fields
    weight, updated_at = fields["weight"], fields["updated_at"]
    levels = {k: str(v) for k, v in Target.Level.choices}
    kinds = {k: str(v) for k, v in Target.Kind.choices}
    states = {k: str(v) for k, v in Target.State.choices}
    return [
        {
            "id": r["id"],
            "code": r["code"],
            "title": r["title"],
            "plan_year": r["plan_year_id"],
            "year": r["plan_year__year"],
            "level": r["level"],
            "level_display": levels.get(r["level"], r["level"]),
            "kind": r["kind"],
            "kind_display": kinds.get(r["kind"], r["kind"]),
            "state": r["state"],
            "state_display": states.get(r["state"], r["state"]),
            "aspect": r["aspect_id"],
            "aspect_name": r["aspect__name"],
            "lead_department": r["lead_department_id"],
            "lead_department_name": r["lead_department__name"],
            "parent": r["parent_id"],
            "parent_code": r["parent__code"],
            "is_key_work": r["is_key_work"],
            "weight": None if r["weight"] is None else weight.to_representation(r["weight"]),
            "version": r["version"],
            "updated_at": None
            if r["updated_at"] is None
            else updated_at.to_representation(r["updated_at"]),
        }
        for r in rows
    ]


class MilestoneSerializer(PlainDecimalModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "quarter",
            "due_date",
            "description",
            "expected_value",
            "status",
            "status_display",
        ]
        read_only_fields = fields


class TargetDepartmentSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = TargetDepartment
        fields = ["department", "department_name", "role", "role_display", "task", "acceptance"]
        read_only_fields = fields


class TargetDetailSerializer(TargetSummarySerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    departments = TargetDepartmentSerializer(many=True, read_only=True)
    cooperating_leaders = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    children = serializers.SerializerMethodField(help_text=gettext_lazy("可见的下级目标编号"))
    created_by_name = serializers.CharField(source="created_by.__str__", read_only=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text=gettext_lazy("当前用户此刻可执行的操作（按流转权限计算）")
    )

    class Meta(TargetSummarySerializer.Meta):
        fields = [
            *TargetSummarySerializer.Meta.fields,
            "content",
            "measures",
            "indicator",
            "unit",
            "baseline",
            "target_value",
            "direction",
            "is_public",
            "lead_leader",
            "cooperating_leaders",
            "assisting_secretary",
            "dept_head_name",
            "dept_leader_in_charge",
            "dept_responsible_person",
            "approval_reference",
            "confirmed_at",
            "execution_started_at",
            "created_by",
            "created_by_name",
            "created_at",
            "milestones",
            "departments",
            "children",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_children(self, obj) -> list[int]:
        user = self.context["request"].user
        return list(selectors.target_children(user, obj).values_list("pk", flat=True))

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(perms.ACTIONS)))
    def get_allowed_actions(self, obj) -> list[str]:
        return perms.allowed_actions(obj, self.context["request"].user)


# --- writing targets ----------------------------------------------------------------------


class MilestoneInputSerializer(serializers.Serializer):
    quarter = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True)
    due_date = serializers.DateField(
        required=False, allow_null=True, help_text=gettext_lazy("留空则为该季度最后一天")
    )
    expected_value = serializers.DecimalField(
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        required=False,
        allow_null=True,
    )


class DepartmentInputSerializer(serializers.Serializer):
    department = IdRelatedField(queryset=Department.objects.all())
    role = serializers.ChoiceField(TargetDepartment.Role.choices)
    task = serializers.CharField(required=False, allow_blank=True, default="")
    acceptance = serializers.CharField(required=False, allow_blank=True, default="")


class TargetWriteSerializer(serializers.Serializer):
    """The content of a target as the API accepts it; checked by target_input_errors."""

    level = serializers.ChoiceField(Target.Level.choices, default=Target.Level.DEPARTMENT)
    kind = serializers.ChoiceField(Target.Kind.choices)
    title = serializers.CharField(allow_blank=True)
    content = serializers.CharField(allow_blank=True)
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    aspect = IdRelatedField(queryset=Aspect.objects.all())
    lead_department = IdRelatedField(queryset=Department.objects.all())
    # Narrowed to the targets the user can read in __init__: linking to a target proves it exists.
    parent = IdRelatedField(
        queryset=Target.objects.none(), required=False, allow_null=True, default=None
    )
    is_key_work = serializers.BooleanField(required=False, default=False)
    indicator = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.CharField(required=False, allow_blank=True, default="")
    baseline = serializers.DecimalField(
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        required=False,
        allow_null=True,
        default=None,
    )
    target_value = serializers.DecimalField(
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        required=False,
        allow_null=True,
        default=None,
    )
    direction = serializers.ChoiceField(
        Target.Direction.choices, required=False, allow_blank=True, default=""
    )
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, default=1)
    is_public = serializers.BooleanField(required=False, default=False)
    lead_leader = IdRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    cooperating_leaders = IdRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False, default=list
    )
    assisting_secretary = IdRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    dept_head_name = serializers.CharField(required=False, allow_blank=True, default="")
    dept_leader_in_charge = serializers.CharField(required=False, allow_blank=True, default="")
    dept_responsible_person = serializers.CharField(required=False, allow_blank=True, default="")
    milestones = MilestoneInputSerializer(many=True, required=False, default=list)
    departments = DepartmentInputSerializer(many=True, required=False, default=list)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["parent"].queryset = selectors.visible_targets(request.user)

    def to_input(self) -> services.TargetInput:
        data = dict(self.validated_data)
        data.pop("plan_year", None)
        data.pop("version", None)
        data["milestones"] = [services.MilestoneInput(**m) for m in data["milestones"]]
        data["departments"] = [services.DepartmentInput(**d) for d in data["departments"]]
        data["cooperating_leaders"] = list(data["cooperating_leaders"])
        return services.TargetInput(**data)


class TargetCreateSerializer(TargetWriteSerializer):
    plan_year = IdRelatedField(queryset=PlanYear.objects.all())


class TargetUpdateSerializer(TargetWriteSerializer):
    version = serializers.IntegerField(
        help_text=gettext_lazy("读取时的版本号；他人已保存新版本时返回409")
    )


# --- transitions, thread, history ---------------------------------------------------------


class TransitionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, help_text=gettext_lazy("退回意见（必填）"))


class ConfirmSerializer(serializers.Serializer):
    approval_reference = serializers.CharField(
        allow_blank=True, help_text=gettext_lazy("审定该目标的市政府会议或文件文号（必填）")
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class BulkTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(list(perms.TRANSITION_METHODS))
    ids = serializers.ListField(child=IdField(), allow_empty=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    approval_reference = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("确认时必填")
    )


class BulkTransitionResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    targets = TargetSummarySerializer(many=True)


class CommentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)
    author_department_name = serializers.CharField(
        source="author_department.name", read_only=True, default=None
    )

    class Meta:
        model = TargetComment
        fields = [
            "id",
            "author",
            "author_name",
            "author_department",
            "author_department_name",
            "body",
            "transition",
            "created_at",
        ]
        read_only_fields = [f for f in fields if f != "body"]
        # The service states the rule on an empty body, in one place.
        extra_kwargs = {"body": {"allow_blank": True}}


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = serializers.IntegerField(source="created_by_id")
    created_by_name = serializers.CharField(source="created_by.__str__")
    snapshot = serializers.JSONField()


# --- the viewset --------------------------------------------------------------------------


class TargetFilter(filters.FilterSet):
    # Plain numbers rather than model choices: validating a choice would query the table (and
    # tell a user that an id they may not read exists).
    # Ids are read through accounts.ids: out of range or not whole is 400, never a 500.
    plan_year = IdFilter(field_name="plan_year_id")
    plan_year__year = filters.NumberFilter(field_name="plan_year__year")
    aspect = IdFilter(field_name="aspect_id")
    lead_department = IdFilter(field_name="lead_department_id")
    parent = IdFilter(field_name="parent_id")

    class Meta:
        model = Target
        fields = ["plan_year", "plan_year__year", "state", "level", "kind", "aspect"]
        fields += ["lead_department", "parent", "is_key_work"]


class LaterStageFilters(BaseFilterBackend):
    """The filters later stages register in targets/extensions.py (early-warning level, report
    due / late…): applied like the page's, and described in the OpenAPI schema with their
    values, read from the registry when the schema is generated."""

    def filter_queryset(self, request, queryset, view):
        return apply_target_filters(queryset, request.query_params)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": item.key,
                "required": False,
                "in": "query",
                "description": str(item.label),
                "schema": {"type": "string", "enum": [str(value) for value, _ in item.choices]},
            }
            for item in target_filters()
        ]


def transition_schema(summary, request):
    return extend_schema(
        summary=summary,
        tags=["目标流转"],
        request=request,
        responses={200: TargetDetailSerializer, **ERRORS},
    )


def moved_response(request, moved) -> Response:
    """The answer to a many-target transition: how many moved, and each as a list row."""
    rows = selectors.target_list(request.user).filter(pk__in=[t.pk for t in moved])
    return Response({"count": len(moved), "targets": TargetSummarySerializer(rows, many=True).data})


class YearTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(list(services.YEAR_ACTIONS))
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    approval_reference = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("确认时必填")
    )


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("计划年度列表"), tags=["计划年度"]),
    retrieve=extend_schema(summary=gettext_lazy("计划年度详情"), tags=["计划年度"]),
)
class PlanYearViewSet(viewsets.ReadOnlyModelViewSet):
    """计划年度 — readable by every signed-in user."""

    serializer_class = PlanYearSerializer
    queryset = PlanYear.objects.all()
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_fields = ["status"]
    ordering_fields = ["year"]

    @extend_schema(
        summary=gettext_lazy("全年度流转：确认全部已协商目标，或为全部已确认目标下达任务书"),
        tags=["计划年度"],
        request=YearTransitionSerializer,
        responses={200: BulkTransitionResultSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="transition-all", url_name="transition-all")
    def transition_all(self, request, pk=None):
        plan_year = self.get_object()
        data = validated(YearTransitionSerializer(data=request.data))
        kwargs = services.transition_kwargs(
            data["action"],
            comment=data["comment"],
            approval_reference=data["approval_reference"],
        )
        moved = services.plan_year_transition_all(
            plan_year=plan_year, by=request.user, action=data["action"], **kwargs
        )
        return moved_response(request, moved)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("目标列表（仅含当前用户可见的目标）"), tags=["目标"]),
    retrieve=extend_schema(
        summary=gettext_lazy("目标详情"),
        tags=["目标"],
        responses={200: TargetDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("拟定目标（草稿）"),
        tags=["目标"],
        request=TargetCreateSerializer,
        responses={201: TargetDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    ),
    update=extend_schema(
        summary=gettext_lazy("修改目标（须带 version）"),
        tags=["目标"],
        request=TargetUpdateSerializer,
        responses={200: TargetDetailSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("部分修改目标（须带 version；未给出的字段保持原值）"),
        tags=["目标"],
        request=TargetUpdateSerializer,
        responses={200: TargetDetailSerializer, **ERRORS},
    ),
)
class TargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """目标: read through the selectors, write through the services. No DELETE: a target leaves
    the list only by a later, recorded decision (cancellation), never by erasure."""

    queryset = Target.objects.none()  # for the schema; requests use get_queryset
    parser_classes = [JSONParser]
    filter_backends = [*api_settings.DEFAULT_FILTER_BACKENDS, LaterStageFilters]
    filterset_class = TargetFilter
    search_fields = ["code", "title"]
    ordering_fields = ["code", "title", "weight", "state", "updated_at", "aspect__number"]

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return selectors.target_list(user)
        if self.action in ("comments", "history", "revisions"):
            return selectors.visible_targets(user)
        return selectors.target_detail_queryset(user)

    def get_serializer_class(self):
        if self.action == "list":
            return TargetSummarySerializer
        return TargetDetailSerializer

    def list(self, request, *args, **kwargs):
        # The rows are read as plain values and written in TargetSummarySerializer's format:
        # model instances (with their state machine) and DRF's field-by-field machinery were
        # most of the list's cost (issue 20). Same JSON, checked in tests/targets/api.
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset.values(*_SUMMARY_VALUES))
        return self.get_paginated_response(_summary_rows(page))

    def _detail(self, target, status_code=status.HTTP_200_OK):
        fresh = selectors.target_detail_queryset(self.request.user).get(pk=target.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = TargetCreateSerializer(data=request.data, context={"request": request})
        validated(serializer, _("目标未保存，请更正标出的问题。"))
        target = services.target_create(
            by=request.user,
            plan_year=serializer.validated_data["plan_year"],
            data=serializer.to_input(),
        )
        return self._detail(target, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        target = self.get_object()
        body = request.data
        if kwargs.get("partial") and isinstance(body, dict):
            body = {**selectors.target_editable_values(target), **body}
        serializer = TargetUpdateSerializer(data=body, context={"request": request})
        validated(serializer, _("目标未保存，请更正标出的问题。"))
        target = services.target_update(
            target=target,
            by=request.user,
            data=serializer.to_input(),
            expected_version=serializer.validated_data["version"],
        )
        return self._detail(target)

    def _transition(self, request, service, serializer_class):
        target = self.get_object()
        kwargs = validated(serializer_class(data=request.data))
        target = service(target=target, by=request.user, **kwargs)
        return self._detail(target)

    @transition_schema(gettext_lazy("报送（部门主要负责人）"), TransitionSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        return self._transition(request, services.target_submit, TransitionSerializer)

    @transition_schema(gettext_lazy("退回（目标办，须填写意见）"), ReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_to_department(self, request, pk=None):
        return self._transition(request, services.target_return, ReturnSerializer)

    @transition_schema(gettext_lazy("协商一致（目标办）"), TransitionSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def negotiate(self, request, pk=None):
        return self._transition(request, services.target_negotiate, TransitionSerializer)

    @transition_schema(gettext_lazy("确认（目标办，记录审定会议或文号）"), ConfirmSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def confirm(self, request, pk=None):
        return self._transition(request, services.target_confirm, ConfirmSerializer)

    @transition_schema(gettext_lazy("下达任务书，开始执行（目标办）"), TransitionSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="start-execution",
        url_name="start-execution",
        filter_backends=[],
    )
    def start_execution(self, request, pk=None):
        return self._transition(request, services.target_start_execution, TransitionSerializer)

    @extend_schema(
        summary=gettext_lazy("批量流转（全部成功或全部不变）"),
        tags=["目标流转"],
        request=BulkTransitionSerializer,
        responses={200: BulkTransitionResultSerializer, **ERRORS},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk-transition",
        url_name="bulk-transition",
        filter_backends=[],
        pagination_class=None,
    )
    def bulk_transition(self, request):
        data = validated(BulkTransitionSerializer(data=request.data))
        targets, missing = selectors.visible_targets_by_ids(request.user, data["ids"])
        if missing:
            message = _("以下目标不存在或无权查看：%(ids)s") % {
                "ids": "、".join(str(i) for i in sorted(missing))
            }
            raise NotFoundForUser(message, field_errors={"ids": [message]})
        kwargs = services.transition_kwargs(
            data["action"],
            comment=data["comment"],
            approval_reference=data["approval_reference"],
        )
        moved = services.targets_transition_many(
            targets=targets, by=request.user, action=data["action"], **kwargs
        )
        return moved_response(request, moved)

    @extend_schema(
        methods=["get"],
        summary=gettext_lazy("协商意见记录"),
        tags=["协商与历史"],
        request=None,
        responses={200: CommentSerializer(many=True), 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["post"],
        summary=gettext_lazy("发表协商意见"),
        tags=["协商与历史"],
        request=CommentSerializer,
        responses={201: CommentSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def comments(self, request, pk=None):
        target = self.get_object()
        if request.method == "POST":
            data = validated(CommentSerializer(data=request.data))
            comment = services.target_comment_add(target=target, by=request.user, body=data["body"])
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        thread = target.comments.select_related("author", "author_department")
        return Response(CommentSerializer(thread, many=True).data)

    @extend_schema(
        summary=gettext_lazy("目标历史（审计记录，不可修改）"),
        tags=["协商与历史"],
        responses={200: AuditEventSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, pk=None):
        target = self.get_object()
        events = selectors.target_history(target)
        return Response(AuditEventSerializer(events, many=True).data)

    @extend_schema(
        summary=gettext_lazy("目标各版本内容"),
        tags=["协商与历史"],
        responses={200: RevisionSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def revisions(self, request, pk=None):
        target = self.get_object()
        revisions = target.revisions.select_related("created_by").order_by("number")
        return Response(RevisionSerializer(revisions, many=True).data)
