"""Reference data: plan years (with the whole-year transitions) and aspects."""

from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter

from workflow.api import ERRORS, validated

from .. import services
from ..models import Aspect, PlanYear
from .targets import moved_response
from .writing import BulkTransitionResultSerializer, YearTransitionSerializer


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
