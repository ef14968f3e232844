"""Writes: every change to supervision records goes through a function here (one module per
topic). Each runs in one transaction, checks the permission, the input and the state, locks the
row it changes, saves with ``update_fields`` and writes the audit trail (Art. 14), scoped to
each target concerned so the step shows on the target's timeline."""

from . import accountability, common, findings, inputs, inspections, orders
from .accountability import accountability_correct, accountability_record
from .findings import (
    finding_file_plan,
    finding_record,
    finding_reject,
    finding_report_rectified,
    finding_verify,
)
from .inputs import (
    external_input_record,
    external_input_to_finding,
    hotline_import,
    hotline_parse,
    hotline_template,
)
from .inspections import inspection_open, inspection_report
from .orders import (
    order_close,
    order_extend,
    order_issue,
    order_reply,
    order_send_back,
    orders_issue_for_targets,
)

__all__ = [
    "accountability",
    "common",
    "findings",
    "inputs",
    "inspections",
    "orders",
    "accountability_correct",
    "accountability_record",
    "external_input_record",
    "external_input_to_finding",
    "finding_file_plan",
    "finding_record",
    "finding_reject",
    "finding_report_rectified",
    "finding_verify",
    "hotline_import",
    "hotline_parse",
    "hotline_template",
    "inspection_open",
    "inspection_report",
    "order_close",
    "order_extend",
    "order_issue",
    "order_reply",
    "order_send_back",
    "orders_issue_for_targets",
]
