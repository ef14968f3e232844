"""/api/v1/documents/: the same documents as the pages, through the same services — ask for a
dossier, ledger or export, poll its state, download it; upload a list and confirm it."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from . import selectors, services
from .models import DocumentJob

REQUESTABLE = [
    k
    for k in DocumentJob.Kind.values
    if k not in (DocumentJob.Kind.IMPORT_CHECK, DocumentJob.Kind.IMPORT_APPLY)
]


class DocumentJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    notice = serializers.SerializerMethodField()

    class Meta:
        model = DocumentJob
        fields = [
            "id",
            "kind",
            "params",
            "state",
            "progress",
            "filename",
            "upload_name",
            "result",
            "error",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
            "notice",
        ]

    def get_notice(self, job) -> str:
        """For the requester: "已登记，服务恢复后生成" while the task queue is down (the
        request is kept and sent when it is back, issue 18 item 2); else empty."""
        return _("已登记，服务恢复后生成") if job.awaiting_broker else ""

    def get_download_url(self, job) -> str | None:
        if job.state != DocumentJob.State.DONE or not job.file:
            return None
        return f"/api/v1/documents/{job.pk}/download/"


class DocumentRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=REQUESTABLE)
    target = serializers.IntegerField(required=False)
    department = serializers.IntegerField(required=False)
    year = serializers.IntegerField(required=False)
    scheme = serializers.IntegerField(required=False, help_text="考评结果的考评方案")
    report = serializers.IntegerField(required=False, help_text="季度报告")
    summary = serializers.IntegerField(required=False, help_text="季度汇总")
    quarter = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=4,
        help_text="领导季度简报的季度（默认：驾驶舱的当前季度）",
    )
    leader = serializers.IntegerField(
        required=False, help_text="领导季度简报：市长、常务副市长所选的分管领导"
    )
    period = serializers.DateField(
        required=False, help_text="进展报告汇总的报告期（该期第一天，如 2027-04-01）"
    )
    query = serializers.DictField(required=False, help_text="目标清单的筛选条件（与列表页相同）")


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class DocumentJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """文档: your own document jobs (nobody else's: 404)."""

    queryset = DocumentJob.objects.none()  # for the schema; requests use get_queryset
    serializer_class = DocumentJobSerializer
    parser_classes = [JSONParser]

    def get_queryset(self):
        return selectors.my_jobs(self.request.user)

    @extend_schema(request=DocumentRequestSerializer, responses={202: DocumentJobSerializer})
    def create(self, request):
        body = DocumentRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        kind = data.pop("kind")
        if kind == DocumentJob.Kind.TARGET_LIST_XLSX:
            query = data.get("query") or {}
            data = {"query": {k: v if isinstance(v, list) else [v] for k, v in query.items()}}
        if kind == DocumentJob.Kind.PROGRESS_XLSX and data.get("period") and not data.get("year"):
            data["year"] = data["period"].year
        job = services.document_request(by=request.user, kind=kind, params=data)
        job.refresh_from_db()
        return Response(DocumentJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        # Re-checked now, as on the page: still allowed to read everything in the document.
        if not services.download_allowed(request.user, job):
            raise Http404
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)

    @extend_schema(request=ImportUploadSerializer, responses={202: DocumentJobSerializer})
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser], url_path="imports")
    def imports(self, request):
        """Upload a target list (.xlsx); it is checked in the background (poll the job)."""
        job = services.import_upload(by=request.user, upload=request.FILES.get("file"))
        job.refresh_from_db()
        return Response(DocumentJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: DocumentJobSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Create every new row of a checked list as drafts, all or none (a new job)."""
        apply = services.import_confirm(by=request.user, job=self.get_object())
        apply.refresh_from_db()
        return Response(DocumentJobSerializer(apply).data, status=status.HTTP_202_ACCEPTED)
