"""Writing targets: the content the API accepts and the bodies of transitions.

These only parse and check types; every rule on a target's content, every permission and every
state check lives in targets.services.
"""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.ids import IdField, IdRelatedField
from accounts.models import Department, User

from .. import permissions as perms
from .. import selectors, services
from ..models import (
    VALUE_DECIMAL_PLACES,
    VALUE_MAX_DIGITS,
    Aspect,
    PlanYear,
    Target,
    TargetDepartment,
)
from .reading import TargetSummarySerializer


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


class YearTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(list(services.YEAR_ACTIONS))
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    approval_reference = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("确认时必填")
    )
