"""Execution-stage records (Shanghai Art. 12–17), one module per topic.

Each topic's models live in their own module and are imported here so Django registers them.
"""

from .adjustments import AdjustmentRequest
from .completion import CompletionReport
from .coordination import CoordinationDuty, CoordinationItem, CoordinationMessage
from .progress import ProgressReport, ReportEvidence, WarningExplanation, WarningSnapshot
from .quarterly import (
    QuarterlyInstruction,
    QuarterlyReport,
    QuarterlyReportItem,
    QuarterlySummary,
)

__all__ = [
    "AdjustmentRequest",
    "CompletionReport",
    "CoordinationDuty",
    "CoordinationItem",
    "CoordinationMessage",
    "ProgressReport",
    "QuarterlyInstruction",
    "QuarterlyReport",
    "QuarterlyReportItem",
    "QuarterlySummary",
    "ReportEvidence",
    "WarningExplanation",
    "WarningSnapshot",
]
