"""/api/v1/dashboards/…: the dashboards' figures, from the same selectors as the pages (which
also decide who may see which: 404 otherwise)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors

TAG = "dashboards"
YEAR = OpenApiParameter("year", int, description=gettext_lazy("年度（默认：最新的执行年度）"))


class LevelCountsSerializer(serializers.Serializer):
    red = serializers.IntegerField()
    yellow = serializers.IntegerField()
    green = serializers.IntegerField()


class DepartmentRowSerializer(LevelCountsSerializer):
    department_id = serializers.IntegerField()
    name = serializers.CharField()
    targets = serializers.IntegerField()
    milestones_due = serializers.IntegerField()
    milestones_achieved = serializers.IntegerField()
    milestones_overdue = serializers.IntegerField(
        help_text=gettext_lazy("本季度已过完成时限、尚未认定完成情况的节点目标数")
    )
    completion = serializers.IntegerField(help_text=gettext_lazy("本季度节点目标完成率（%）"))


class TrendSerializer(LevelCountsSerializer):
    quarter = serializers.IntegerField()


class DashboardTargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    department = serializers.CharField()
    reason = serializers.CharField(required=False)


class DashboardQuarterlySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()


class DashboardCoordinationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    due_date = serializers.DateField()


class LeaderDashboardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    as_of = serializers.DateField(
        allow_null=True,
        help_text=gettext_lazy("各项预警数字所依据的预警计算日期（截至）；尚未计算时为空"),
    )
    as_of_period = serializers.DateField(
        allow_null=True, help_text=gettext_lazy("各项预警数字所依据的报告期（起始日）")
    )
    city_wide = serializers.BooleanField()
    departments = DepartmentRowSerializer(many=True)
    trend = TrendSerializer(many=True)
    red = DashboardTargetSerializer(many=True)
    overdue = DashboardTargetSerializer(many=True)
    reports_to_read = DashboardQuarterlySerializer(many=True)
    coordination = DashboardCoordinationSerializer(many=True)


class CompletionRowSerializer(serializers.Serializer):
    department_id = serializers.IntegerField()
    department_name = serializers.CharField()
    due = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    rate = serializers.IntegerField()


class CompletionSerializer(serializers.Serializer):
    period_start = serializers.DateField(source="period.start")
    period_end = serializers.DateField(source="period.end")
    due_date = serializers.DateField()
    overdue = serializers.BooleanField()
    rows = CompletionRowSerializer(many=True)


class AspectLevelsSerializer(LevelCountsSerializer):
    aspect = serializers.CharField()


class OfficeOverviewSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    by_state = serializers.DictField(child=serializers.IntegerField())
    levels = LevelCountsSerializer()
    per_aspect = AspectLevelsSerializer(many=True)
    completion = CompletionSerializer()
    review_count = serializers.IntegerField()
    completion_reviews = serializers.IntegerField()
    quarterly_to_forward = DashboardQuarterlySerializer(many=True)
    adjustments_count = serializers.IntegerField()


class TodoRefSerializer(serializers.Serializer):
    target_id = serializers.IntegerField()
    code = serializers.CharField()
    period_start = serializers.DateField()
    due_date = serializers.DateField()
    overdue = serializers.BooleanField()


class InstructionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    report_id = serializers.IntegerField()
    body = serializers.CharField()


class OurTargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    warning_level = serializers.CharField(allow_null=True)


class OverdueMilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target_id = serializers.IntegerField()
    code = serializers.CharField()
    quarter = serializers.IntegerField()
    due_date = serializers.DateField()


class DepartmentHomeSerializer(serializers.Serializer):
    todo = TodoRefSerializer(many=True)
    overdue_milestones = OverdueMilestoneSerializer(
        many=True, help_text=gettext_lazy("已过完成时限、尚未认定完成情况的节点目标")
    )
    returned_reports = serializers.ListField(child=serializers.IntegerField())
    returned_targets = serializers.ListField(child=serializers.IntegerField())
    explanations = serializers.ListField(child=serializers.IntegerField())
    coordination = serializers.ListField(child=serializers.IntegerField())
    instructions = InstructionRefSerializer(many=True)
    quarterly_drafts = serializers.ListField(child=serializers.IntegerField())
    orders = serializers.ListField(child=serializers.IntegerField())
    findings = serializers.ListField(child=serializers.IntegerField())
    targets = OurTargetSerializer(many=True)
    levels = LevelCountsSerializer()


def _plan_year(request):
    return selectors.plan_year_asked(request.query_params.get("year"))


def _target_ref(target, reason=None):
    ref = {
        "id": target.pk,
        "code": target.code,
        "title": target.title,
        "department": target.lead_department.name,
    }
    if reason is not None:
        ref["reason"] = reason
    return ref


def _quarterly_ref(r):
    return {
        "id": r.pk,
        "department": r.department.name,
        "year": r.plan_year.year,
        "quarter": r.quarter,
    }


class LeaderDashboardView(APIView):
    """领导驾驶舱的数据 (Art. 17)."""

    @extend_schema(
        summary=gettext_lazy("领导驾驶舱"),
        tags=[TAG],
        parameters=[
            YEAR,
            OpenApiParameter("quarter", int, description=gettext_lazy("季度 1–4")),
            OpenApiParameter(
                "leader", int, description=gettext_lazy("市长、常务副市长：按分管领导筛选")
            ),
        ],
        responses={200: LeaderDashboardSerializer},
    )
    def get(self, request):
        quarter = selectors.int_param(request.query_params.get("quarter"))
        board = selectors.leader_dashboard(
            request.user,
            plan_year=_plan_year(request),
            quarter=quarter if quarter in (1, 2, 3, 4) else None,
            leader_id=selectors.int_param(request.query_params.get("leader")),
        )
        data = {
            "year": board.plan_year.year,
            "quarter": board.quarter,
            "as_of": board.as_of,
            "as_of_period": board.as_of_period,
            "city_wide": board.city_wide,
            "departments": [{**d.__dict__, "completion": d.completion} for d in board.departments],
            "trend": board.trend,
            "red": [_target_ref(s.target, s.reason) for s in board.red_list],
            "overdue": [_target_ref(t) for t in board.overdue_list],
            "reports_to_read": [_quarterly_ref(r) for r in board.reports_to_read],
            "coordination": [
                {"id": c.pk, "subject": c.subject, "due_date": c.due_date}
                for c in board.coordination
            ],
        }
        return Response(LeaderDashboardSerializer(data).data)


class OfficeOverviewView(APIView):
    """目标办总览的数据."""

    @extend_schema(
        summary=gettext_lazy("目标办总览"),
        tags=[TAG],
        parameters=[YEAR],
        responses={200: OfficeOverviewSerializer},
    )
    def get(self, request):
        o = selectors.office_overview(request.user, plan_year=_plan_year(request))
        data = {
            "year": o.plan_year.year,
            "by_state": o.by_state,
            "levels": o.levels,
            "per_aspect": o.per_aspect,
            "completion": o.completion,
            "review_count": o.review_count,
            "completion_reviews": o.completion_reviews,
            "quarterly_to_forward": [_quarterly_ref(r) for r in o.quarterly_to_forward],
            "adjustments_count": o.adjustments_count,
        }
        return Response(OfficeOverviewSerializer(data).data)


class CompletionRateView(APIView):
    """进展报告完成率: per department, reports due this period, on time, late, missing."""

    @extend_schema(
        summary=gettext_lazy("进展报告完成率"),
        tags=[TAG],
        parameters=[YEAR],
        responses={200: CompletionSerializer},
    )
    def get(self, request):
        completion = selectors.completion_rate(request.user, plan_year=_plan_year(request))
        return Response(CompletionSerializer(completion).data)


class DepartmentHomeView(APIView):
    """部门工作台的数据."""

    @extend_schema(
        summary=gettext_lazy("部门工作台"), tags=[TAG], responses={200: DepartmentHomeSerializer}
    )
    def get(self, request):
        h = selectors.department_home(request.user)
        data = {
            "todo": [
                {
                    "target_id": r.target.pk,
                    "code": r.target.code,
                    "period_start": r.period.start,
                    "due_date": r.due_date,
                    "overdue": r.overdue,
                }
                for r in h.todo
            ],
            "overdue_milestones": [
                {
                    "id": m.pk,
                    "target_id": m.target_id,
                    "code": m.target.code,
                    "quarter": m.quarter,
                    "due_date": m.due_date,
                }
                for m in h.overdue_milestones
            ],
            "returned_reports": [r.pk for r in h.returned_reports],
            "returned_targets": [t.pk for t in h.returned_targets],
            "explanations": [t.pk for t in h.explanations],
            "coordination": [d.item_id for d in h.coordination],
            "instructions": [
                {"id": i.pk, "report_id": i.report_id, "body": i.body} for i in h.instructions
            ],
            "quarterly_drafts": [r.pk for r in h.quarterly_drafts],
            "orders": [o.pk for o in h.orders],
            "findings": [f.pk for f in h.findings],
            "targets": [
                {"id": t.pk, "code": t.code, "title": t.title, "warning_level": t.warning_level}
                for t in h.targets
            ],
            "levels": h.levels,
        }
        return Response(DepartmentHomeSerializer(data).data)
