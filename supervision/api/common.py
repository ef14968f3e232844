"""Shared by the supervision API modules: the tag, the list/detail shape of the viewsets,
references to targets and departments, deadline and comment inputs."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.models import Department
from targets.models import Target
from targets.selectors import visible_targets
from workflow.api import ERRORS

TAG = "督查督办"


class ListDetailMixin:
    """A supervision viewset's rows: ``list_selector`` / ``list_serializer`` for the list, the
    ``detail_*`` pair for one record and for what a step answers (the record read again)."""

    list_selector = None
    detail_selector = None
    list_serializer = None
    detail_serializer = None

    def get_queryset(self):
        selector = self.list_selector if self.action == "list" else self.detail_selector
        return selector(self.request.user)

    def get_serializer_class(self):
        return self.list_serializer if self.action == "list" else self.detail_serializer

    def detail_response(self, obj, code=status.HTTP_200_OK):
        fresh = self.detail_selector(self.request.user).get(pk=obj.pk)
        serializer = self.detail_serializer(fresh, context={"request": self.request})
        return Response(serializer.data, status=code)


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
