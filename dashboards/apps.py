from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """领导驾驶舱与工作台: read-only pages that read every stage (formulation, execution,
    supervision) — the vice-mayor's dashboard, the general office's overview, the department
    home (Shanghai Art. 17). Sits above evaluation: it may import every earlier app, none
    imports it."""

    name = "dashboards"
    verbose_name = _("工作台")
