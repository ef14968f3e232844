from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecutionConfig(AppConfig):
    """执行: progress reports, node targets, early warning, adjustments, coordination and
    completion review (Shanghai Art. 12–17). Stands between formulation (targets) and
    supervision: it may import accounts and targets, never a later app."""

    name = "execution"
    verbose_name = _("目标执行")

    def ready(self):
        from targets.extensions import (
            register_target_column,
            register_target_filter,
            register_target_section,
        )

        from . import progress_selectors, progress_views
        from .models import WarningSnapshot

        # Progress, node targets and early warning on the target page (issue 5 item 7).
        register_target_section(
            key="progress",
            template="execution/progress_section.html",
            build=progress_views.progress_section,
            order=10,
        )
        register_target_column(
            key="warning",
            label=_("预警"),
            template="execution/warning_cell.html",
            annotate=progress_selectors.annotate_warning_level,
            order=10,
        )
        register_target_filter(
            key="warning",
            label=_("预警等级"),
            choices=WarningSnapshot.Level.choices,
            apply=progress_selectors.filter_by_warning_level,
            order=10,
        )
        register_target_filter(
            key="report",
            label=_("进展报送"),
            choices=[("due", _("本期待报送")), ("late", _("逾期未报送"))],
            apply=progress_selectors.filter_by_report_status,
            order=11,
        )
