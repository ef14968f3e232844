from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecutionConfig(AppConfig):
    """执行: progress reports, node targets, early warning, adjustments, coordination and
    completion review (Shanghai Art. 12–17). Stands between formulation (targets) and
    supervision: it may import accounts and targets, never a later app."""

    name = "execution"
    verbose_name = _("目标执行")

    def ready(self):
        self._register_notifications()
        # A node target is overdue by execution's clock (issue 16 item 3).
        from targets.models import set_milestone_clock

        from . import clock

        set_milestone_clock(clock.today)
        # Cached pages are kept per day of that clock (workflow/pagecache.py).
        from workflow import generations
        from workflow.pagecache import set_today

        set_today(clock.today)
        from targets.extensions import (
            register_target_column,
            register_target_filter,
            register_target_section,
        )

        from .cells import warning_cell
        from .models import (
            AdjustmentRequest,
            CompletionReport,
            CoordinationItem,
            ProgressReport,
            WarningExplanation,
            WarningSnapshot,
        )
        from .selectors import progress as progress_selectors
        from .views import changes
        from .views import progress as progress_views

        # A department's saves move only the cached pages of those who read them (its own, the
        # target's lead department, and the office side once shown), not every department's
        # home (issue 20).
        generations.partition(
            ProgressReport,
            progress_selectors.saved_report_partitions,
            fields=("department", "target"),
        )

        # Progress, node targets and early warning on the target page (issue 5 item 7).
        register_target_section(
            key="progress",
            template="execution/progress_section.html",
            build=progress_views.progress_section,
            order=10,
            # Read only when the target has them (targets.extensions.may_have).
            probes={
                "progress_reports": (ProgressReport, "target"),
                "warning_explanations": (WarningExplanation, "target"),
            },
        )
        register_target_column(
            key="warning",
            label=_("预警"),
            template="execution/warning_cell.html",
            annotate=progress_selectors.annotate_warning_level,
            order=10,
            render=warning_cell,
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
        # The target page's sections for adjustments (Art. 12), coordination (Art. 16–17) and
        # completion review (Art. 14).
        register_target_section(
            key="adjustments",
            template="execution/sections/adjustments.html",
            build=changes.adjustments_section,
            probes={"adjustments": (AdjustmentRequest, "target")},
            order=200,
        )
        register_target_section(
            key="coordination",
            template="execution/sections/coordination.html",
            build=changes.coordination_section,
            probes={"coordination_items": (CoordinationItem, "target")},
            order=210,
        )
        register_target_section(
            key="completion",
            template="execution/sections/completion.html",
            build=changes.completion_section,
            probes={"completion_reports": (CompletionReport, "target")},
            order=220,
        )
        # Quarterly reports (Art. 17): notification kinds and who may be told about them.
        from notifications import kinds, readers

        from .models import QuarterlyReport, QuarterlySummary
        from .selectors import quarterly as quarterly_selectors
        from .services import quarterly as quarterly_services

        kinds.register_kind(quarterly_services.KIND_QUARTERLY, _("季度报告"), order=60)
        kinds.register_kind(quarterly_services.KIND_INSTRUCTION, _("领导批示"), order=61)
        readers.register_read_check(
            QuarterlyReport,
            lambda report, users: [
                u
                for u in users
                if quarterly_selectors.visible_quarterly_reports(u).filter(pk=report.pk).exists()
            ],
        )
        readers.register_read_check(
            QuarterlySummary,
            lambda summary, users: [
                u
                for u in users
                if quarterly_selectors.visible_summaries(u).filter(pk=summary.pk).exists()
            ],
        )

    def _register_notifications(self):
        # execution sits above notifications: it tells notifications what can fall due here, who
        # may read each record, and which kinds of notification it sends (issue 7).
        from notifications import kinds, readers, reminders
        from targets.models import Target, TargetDepartment

        from . import reminders as execution_reminders

        for key, label, order in execution_reminders.KINDS:
            kinds.register_kind(key, label, order=order)
        for model, check in execution_reminders.READ_CHECKS:
            readers.register_read_check(model, check)
        readers.register_read_check(TargetDepartment, execution_reminders.cooperation_readers)
        # 催报 rounds run in the background (issue 19 item 3).
        from notifications.runs import register_source

        from .services import chasing

        register_source(chasing.SOURCE, chasing.chase_items)
        reminders.register_reminder_source(
            reminders.ReminderSource(
                key="execution.progress_report",
                model=Target,
                label=_("进展报告"),
                items=execution_reminders.main_reports_owed,
                owner_roles=execution_reminders.REPORT_OWNERS,
            )
        )
        reminders.register_reminder_source(
            reminders.ReminderSource(
                key="execution.cooperating_report",
                model=TargetDepartment,
                label=_("配合部门任务报告"),
                items=execution_reminders.cooperating_reports_owed,
                owner_roles=execution_reminders.REPORT_OWNERS,
            )
        )
