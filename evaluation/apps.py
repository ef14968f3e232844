from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """评估: schemes, score sheets, results and feedback (Art. 23–25)."""

    name = "evaluation"
    verbose_name = _("考核评估")

    def ready(self):
        from notifications import kinds, readers
        from targets.extensions import register_target_section

        from .models import ScoreSheet
        from .selectors import visible_sheets
        from .services.sheets import SHEET_REMINDER

        # Score-sheet reminders (评分催办, 002 五.6) go through notifications' one path; only
        # someone who may read the sheet is told about it.
        kinds.register_kind(SHEET_REMINDER, _("评分催办"), order=70)
        readers.register_read_check(
            ScoreSheet,
            lambda sheet, users: [
                u for u in users if visible_sheets(u).filter(pk=sheet.pk).exists()
            ],
        )

        # 催办全部未提交 runs in the background (issue 19 item 3).
        from notifications.runs import register_source

        from .services import reminding

        register_source(reminding.SOURCE, reminding.remind_sheets)

        from .models import Feedback, TargetDeduction
        from .sections import evaluation_section

        register_target_section(
            key="evaluation",
            template="evaluation/partials/target_section.html",
            build=evaluation_section,
            order=400,
            probes={
                "evaluation_feedback": (Feedback.linked_targets.through, "target"),
                "target_deductions": (TargetDeduction, "target"),
            },
        )
