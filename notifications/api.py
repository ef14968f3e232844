"""The notifications API under /api/v1/notifications/: your own notifications (anyone else's is
404), mark read, and your e-mail choices — the same selectors and services as the pages."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.metadata import SimpleMetadata
from rest_framework.response import Response

from workflow.errors import ValidationFailed

from . import kinds, selectors, services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "object_id",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(read_only=True)
    email = serializers.BooleanField()


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


TAG = ["消息与提醒"]


class DescriptionOnlyMetadata(SimpleMetadata):
    def determine_actions(self, request, view):
        return {}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("我的消息（最新在前；?unread=true 只看未读）"), tags=TAG
    ),
    retrieve=extend_schema(summary=gettext_lazy("消息详情"), tags=TAG),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NotificationSerializer
    filter_backends = []

    def get_queryset(self):
        qs = selectors.notifications_for(self.request.user)
        if self.request.query_params.get("unread") in {"1", "true"}:
            qs = qs.unread()
        return qs

    @extend_schema(summary=gettext_lazy("标为已读"), tags=TAG, request=None)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(notification=notification, by=request.user)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary=gettext_lazy("全部标为已读"), tags=TAG, request=None, responses=ReadAllSerializer
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notification_mark_all_read(by=request.user)})

    @extend_schema(
        methods=["get"],
        summary=gettext_lazy("我的邮件提醒设置"),
        tags=TAG,
        responses=PreferenceSerializer(many=True),
    )
    @extend_schema(
        methods=["put"],
        summary=gettext_lazy("修改邮件提醒设置（列出的类别）"),
        tags=TAG,
        request=PreferenceSerializer(many=True),
        responses=PreferenceSerializer(many=True),
    )
    # OPTIONS describes no form: DRF's default would look the list action's object up by a pk
    # it does not have (a 500, issue 17 item 6).
    @action(
        detail=False,
        methods=["get", "put"],
        pagination_class=None,
        metadata_class=DescriptionOnlyMetadata,
    )
    def preferences(self, request):
        available = {k.key: k for k in kinds.all_kinds()}
        if request.method == "PUT":
            body = PreferenceSerializer(data=request.data, many=True)
            if not body.is_valid():
                raise ValidationFailed(
                    _('请按 [{"kind": …, "email": true}] 的格式提交。'),
                    field_errors={"preferences": [str(body.errors)]},
                )
            unknown = [row["kind"] for row in body.validated_data if row["kind"] not in available]
            if unknown:
                raise ValidationFailed(
                    _("没有这种消息类别：%(kinds)s") % {"kinds": "、".join(unknown)},
                    field_errors={"kind": [", ".join(unknown)]},
                )
            services.email_preferences_set(
                by=request.user, choices={row["kind"]: row["email"] for row in body.validated_data}
            )
        wanted = services.email_wanted([request.user.pk], list(available))
        return Response(
            [
                {"kind": k.key, "label": str(k.label), "email": wanted[(request.user.pk, k.key)]}
                for k in available.values()
            ]
        )
