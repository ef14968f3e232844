"""Every write of the evaluation stage, by topic: ``schemes`` (build, clone, open scoring),
``editing`` (a draft scheme's rows),
``sheets`` (save, submit, remind, lock), ``results`` (deductions, publish, feedback)."""

from .editing import (
    body_update,
    deduction_rule_save,
    grade_band_save,
    indicator_delete,
    indicator_save,
    participants_set,
    scheme_update,
)
from .results import (
    feedback_acknowledge,
    feedback_file_plan,
    feedback_link_target,
    feedback_write,
    missing_sheets,
    scheme_publish,
    target_deduction_add,
)
from .schemes import (
    compute_objective_sheets,
    require_office,
    scheme_create,
    scheme_errors,
    scheme_new_version,
    scheme_open_scoring,
    sheet_add,
)
from .sheets import (
    EntryInput,
    scheme_lock,
    scheme_remind,
    send_sheet_reminder,
    sheet_leaves,
    sheet_save,
)

__all__ = [
    "EntryInput",
    "body_update",
    "compute_objective_sheets",
    "deduction_rule_save",
    "grade_band_save",
    "feedback_acknowledge",
    "feedback_file_plan",
    "feedback_link_target",
    "feedback_write",
    "indicator_delete",
    "indicator_save",
    "missing_sheets",
    "participants_set",
    "require_office",
    "scheme_create",
    "scheme_errors",
    "scheme_lock",
    "scheme_new_version",
    "scheme_open_scoring",
    "scheme_publish",
    "scheme_remind",
    "scheme_update",
    "send_sheet_reminder",
    "sheet_add",
    "sheet_leaves",
    "sheet_save",
    "target_deduction_add",
]
