from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """督查: supervision orders, inspections, findings and early warning (Art. 18–22).
    Its models arrive with the supervision capability; the app is registered now so the
    import order (accounts ← targets ← supervision ← evaluation) holds from the start."""

    name = "supervision"
    verbose_name = _("督查督办")
