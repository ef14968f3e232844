"""Execution-stage records (Shanghai Art. 12–17), one module per topic."""

from .progress import (  # noqa: F401
    ProgressReport,
    ReportEvidence,
    WarningExplanation,
    WarningSnapshot,
)
