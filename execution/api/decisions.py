"""The API shape shared by requests a department files with evidence and the general office
decides (``execution.models.decisions``): 调整申请 (Art. 12) and 更正申请 (Art. 14).

Each resource lists, shows and creates (multipart, with its evidence file), takes the office's
``approve`` / ``reject`` with an optional comment, and serves its evidence file. The viewset base
below does that once; a resource names its selector, its two services, its serializers, the
file's action, and its words for the schema (``decision_schemas``)."""

from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from workflow.api import ERRORS, validated

from ..files import attachment_response

FILE_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description=gettext_lazy("附件（下载）"))


class DecisionCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


# The fields every decided request shows beyond its model's columns: its state in words and the
# decisions the reader may take on it now (``decisions``: the permission module's). A comment, not
# a docstring: the schema would show a docstring as each serializer's description.
class DecidedRequestFields(serializers.Serializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    @staticmethod
    def decisions(obj, user) -> list[str]:
        raise NotImplementedError

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, obj) -> list[str]:
        return type(self).decisions(obj, self.context["request"].user)


def decision_schemas(
    *,
    tag,
    serializer,
    create_serializer,
    download,
    summaries,
):
    """The schema of a decided request's operations: ``summaries`` maps ``list``, ``retrieve``,
    ``create``, ``approve``, ``reject`` and the file action ``download`` to their summaries."""

    def operation(name, **kwargs):
        return extend_schema(summary=summaries[name], tags=[tag], **kwargs)

    return {
        "list": operation("list"),
        "retrieve": operation("retrieve", responses={200: serializer, 404: ERRORS[404]}),
        "create": operation(
            "create",
            request={"multipart/form-data": create_serializer},
            responses={201: serializer, **ERRORS},
        ),
        **{
            name: operation(
                name,
                request=DecisionCommentSerializer,
                responses={200: serializer, **ERRORS},
            )
            for name in ("approve", "reject")
        },
        download: operation(download, responses={(200, "*/*"): FILE_RESPONSE, 404: ERRORS[404]}),
    }


class DecidedRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """List, show, create; ``approve`` / ``reject`` through the resource's services, which take
    the record as the keyword ``record_argument`` and ``by`` and ``comment``. Unreadable → 404
    (the selector reads what the user may see); what a service refuses is its error."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filter_backends = [DjangoFilterBackend]
    record_argument = ""

    @staticmethod
    def selector(user):
        raise NotImplementedError

    @staticmethod
    def approve_service(**kwargs):
        raise NotImplementedError

    @staticmethod
    def reject_service(**kwargs):
        raise NotImplementedError

    def get_queryset(self):
        return type(self).selector(self.request.user).order_by("-requested_at", "-id")

    def _answer(self, record, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _decide(self, request, service):
        record = self.get_object()
        data = validated(DecisionCommentSerializer(data=request.data))
        return self._answer(
            service(**{self.record_argument: record}, by=request.user, comment=data["comment"])
        )

    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        return self._decide(request, type(self).approve_service)

    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        return self._decide(request, type(self).reject_service)

    def _download(self):
        """The record's evidence file (the resource's file action)."""
        file, name = self.get_object().evidence_file()
        return attachment_response(file, display_name=name)
