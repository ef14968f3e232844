"""Execution-stage records (Shanghai Art. 12–17), one module per topic.

Each topic's models live in their own module and are imported here so Django registers them.
"""

from .adjustments import AdjustmentRequest
from .chasing import ReportChase
from .completion import CompletionReport
from .coordination import CoordinationDuty, CoordinationItem, CoordinationMessage
from .corrections import ProgressCorrection
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
    "ProgressCorrection",
    "ProgressReport",
    "QuarterlyInstruction",
    "QuarterlyReport",
    "QuarterlyReportItem",
    "QuarterlySummary",
    "ReportChase",
    "ReportEvidence",
    "WarningExplanation",
    "WarningSnapshot",
]
