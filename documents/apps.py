from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """文档: PDF dossiers and ledgers for auditors and leaders, Excel export and import of the
    year's list, generated in the background. Sits above every stage app (it reads them all);
    nothing imports it."""

    name = "documents"
    verbose_name = _("文档")

    def ready(self):
        from targets.extensions import register_target_section

        from .views import dossier_section

        # The target page offers its dossier (卷宗) through formulation's extension point.
        register_target_section(
            key="documents-dossier",
            template="documents/partials/dossier_section.html",
            build=dossier_section,
            order=900,
        )
