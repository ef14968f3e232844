from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """评估: schemes, score sheets and results (Art. 23–25). Models arrive with the evaluation
    capability; registered now to fix the import order."""

    name = "evaluation"
    verbose_name = _("考核评估")
