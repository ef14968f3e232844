from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """督查: supervision orders, inspections, findings and rectification, external inputs and
    accountability (Shanghai Art. 18–22). Imports accounts, targets and execution, never a
    later app; adds its section to the target page through ``targets.extensions``."""

    name = "supervision"
    verbose_name = _("督查督办")

    def ready(self):
        from targets.extensions import register_target_section, register_timeline_labels

        from .models import Finding, SupervisionOrder
        from .sections import target_section
        from .views.common import TRANSITION_LABELS

        register_target_section(
            key="supervision",
            template="supervision/target_section.html",
            build=target_section,
            order=300,
        )
        register_timeline_labels(
            transitions=TRANSITION_LABELS,
            states={**dict(SupervisionOrder.State.choices), **dict(Finding.State.choices)},
        )
