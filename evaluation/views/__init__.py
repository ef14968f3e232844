"""Pages of the year-end evaluation (Shanghai Art. 23–25; Zhongshan Art. 19–25).

Thin views: read through ``evaluation.selectors``, change only through ``evaluation.services``.
Objects the user may not read are 404; forbidden actions on readable ones 403.
"""

from .results import feedback_action, feedback_write, result_detail, results
from .schemes import (
    index,
    indicator_edit,
    scheme_action,
    scheme_create,
    scheme_detail,
    scheme_edit,
    scheme_progress,
    target_deduction_add,
)
from .sheets import sheet_detail, sheet_list

__all__ = [
    "index",
    "scheme_create",
    "scheme_detail",
    "scheme_action",
    "scheme_edit",
    "target_deduction_add",
    "indicator_edit",
    "scheme_progress",
    "sheet_list",
    "sheet_detail",
    "results",
    "result_detail",
    "feedback_write",
    "feedback_action",
]
