"""The target viewset: read through the selectors, write through the services."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from workflow.api import ERRORS, AuditEventSerializer, CountedApart, validated
from workflow.errors import NotFoundForUser
from workflow.pagecache import cached_list

from .. import selectors, services
from ..models import Target
from .filters import LaterStageFilters, TargetFilter
from .reading import (
    SUMMARY_VALUES,
    CommentSerializer,
    RevisionSerializer,
    TargetDetailSerializer,
    TargetSummarySerializer,
    summary_rows,
)
from .writing import (
    BulkTransitionResultSerializer,
    BulkTransitionSerializer,
    ConfirmSerializer,
    ReturnSerializer,
    TargetCreateSerializer,
    TargetUpdateSerializer,
    TransitionSerializer,
)


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

    @cached_list
    def list(self, request, *args, **kwargs):
        # The rows are read as plain values and written in TargetSummarySerializer's format:
        # model instances (with their state machine) and DRF's field-by-field machinery were
        # most of the list's cost (issue 20). Same JSON, checked in tests/targets/api. The
        # total is counted on the targets alone, not on the joins the rows' names need.
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(CountedApart(queryset.values(*SUMMARY_VALUES), queryset))
        return self.get_paginated_response(summary_rows(page))

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
