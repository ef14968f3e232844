from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """评估: schemes, score sheets, results and feedback (Art. 23–25)."""

    name = "evaluation"
    verbose_name = _("考核评估")

    def ready(self):
        from targets.extensions import register_target_section

        from .sections import evaluation_section

        register_target_section(
            key="evaluation",
            template="evaluation/partials/target_section.html",
            build=evaluation_section,
            order=400,
        )
