"""Celery tasks of the execution stage, one module per topic (imported here so Celery's
autodiscovery of ``execution.tasks`` registers them)."""

from .coordination import escalate_overdue_coordination
from .evidence import purge_orphan_evidence
from .progress import recompute_early_warnings
from .quarterly import draft_quarterly_reports

__all__ = [
    "draft_quarterly_reports",
    "escalate_overdue_coordination",
    "purge_orphan_evidence",
    "recompute_early_warnings",
]
