"""Shared by the supervision API modules: the tag, permission before input, references to targets and departments, deadline and comment inputs."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from accounts.models import Department
from targets.api import ERRORS
from targets.models import Target
from targets.selectors import visible_targets

from .. import services

TAG = "督查督办"


def offices_only(request, message) -> None:
    """Permission before input, as in the targets API: a user who may not act is told so (403)
    rather than asked to fill in a field (400). The service checks again."""
    services.common.require_supervising(request.user, message)


class TargetRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "code", "title"]


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]


def readable_targets_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=Target.objects.none(), many=True, required=False, default=list, **kwargs
    )


class ReadableTargetsMixin:
    """Target ids narrowed to what the user may read: naming a target proves it exists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "targets" in self.fields:
            self.fields["targets"].child_relation.queryset = visible_targets(request.user)


class DeadlineInput(serializers.Serializer):
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("时限工作日数（与 deadline 二选一，按法定工作日计算）"),
    )


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def action_schema(summary, request=None, response=None):
    return extend_schema(
        summary=summary, tags=[TAG], request=request, responses={200: response, **ERRORS}
    )
