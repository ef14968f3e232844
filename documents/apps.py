from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """文档: PDF dossiers and ledgers for auditors and leaders, Excel export and import of the
    year's list, generated in the background. Sits above every stage app (it reads them all);
    nothing imports it."""

    name = "documents"
    verbose_name = _("文档")

    def ready(self):
        from notifications import kinds, readers
        from targets.extensions import register_target_section

        from .models import DocumentJob
        from .services import DOCUMENT_READY
        from .stage_sections import register_stage_sections
        from .views import dossier_section

        # The target dossier's execution and supervision sections (issue 8 item 1).
        register_stage_sections()
        # The "document ready" notice (issue 8 item 5) goes through notifications' one path;
        # a job is read by its requester only (documents.selectors.my_jobs), so only they may
        # be told about it.
        kinds.register_kind(DOCUMENT_READY, _("文档已生成"), order=60)
        readers.register_read_check(
            DocumentJob, lambda job, users: [u for u in users if u.pk == job.requested_by_id]
        )

        # The target page offers its dossier (卷宗) through formulation's extension point.
        register_target_section(
            key="documents-dossier",
            template="documents/partials/dossier_section.html",
            build=dossier_section,
            order=900,
        )
