from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecutionConfig(AppConfig):
    """执行: progress reports, node targets, early warning, adjustments, coordination and
    completion review (Shanghai Art. 12–17). Stands between formulation (targets) and
    supervision: it may import accounts and targets, never a later app."""

    name = "execution"
    verbose_name = _("目标执行")
