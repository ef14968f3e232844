"""Reading targets: the list row, the detail, the thread and the revisions.

The list row is also written without the serializer (``summary_rows`` over ``SUMMARY_VALUES``):
model instances and DRF's field-by-field machinery were most of the list's cost (issue 20); the
serializer stays the schema and the reference the tests compare the fast path with.
"""

import functools

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflow.api import PlainDecimalModelSerializer
from workflow.api_speed import representer

from .. import permissions as perms
from .. import selectors
from ..models import Milestone, Target, TargetComment, TargetDepartment


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


SUMMARY_VALUES = (
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


@functools.cache
def _summary_fields():
    # Built once: a ModelSerializer builds its fields anew for each instance, a few ms a page.
    fields = TargetSummarySerializer().fields
    return fields["weight"], fields["updated_at"]


def summary_rows(rows) -> list[dict]:
    """``TargetSummarySerializer(many=True).data`` for rows of ``SUMMARY_VALUES``."""
    weight, updated_at = (representer(field) for field in _summary_fields())
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
            "weight": None if r["weight"] is None else weight(r["weight"]),
            "version": r["version"],
            "updated_at": None if r["updated_at"] is None else updated_at(r["updated_at"]),
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
