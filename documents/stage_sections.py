"""The dossier sections of the later stages (issue 8 item 1): every progress report with its
reported and verified values and evidence list, the adjustment requests with their before/after,
the coordination items (Shanghai Art. 14–16), and the supervision orders and findings about the
target (Art. 18–20). Registered with ``register_dossier_section`` from ``DocumentsConfig.ready``:
documents sits above every stage app and reads them through their own selectors, so each
section shows only what the requester may read (and the download re-checks the targets)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from execution.models import ProgressCorrection, ProgressReport, ReportEvidence
from execution.selectors import changes as change_selectors
from execution.selectors import progress as progress_selectors
from supervision import selectors as supervision_selectors
from targets.models import Target
from workflow.events import present_changes

from .sections import register_dossier_section


def _progress(target, *, user):
    """Filed reports only (a draft is not yet a report, Art. 14), oldest period first."""
    reports = list(
        progress_selectors.visible_reports(user)
        .filter(target=target)
        .exclude(state=ProgressReport.State.DRAFT)
        .select_related("department", "submitted_by", "verified_by")
        .prefetch_related(
            Prefetch("evidence", queryset=ReportEvidence.objects.order_by("id")),
            # Late corrections (issue 16 item 6): both figures of each, the old one kept.
            Prefetch("corrections", queryset=ProgressCorrection.objects.order_by("requested_at")),
        )
        .order_by("period_start", "kind", "department__sort_order", "id")
    )
    return {"reports": reports} if reports else None


def _changes(changes: dict) -> list[dict]:
    return present_changes(Target, changes)


def _adjustments(target, *, user):
    requests = list(
        change_selectors.visible_adjustments(user)
        .filter(target=target)
        .select_related("department", "requested_by", "decided_by")
        .order_by("requested_at", "id")
    )
    if not requests:
        return None
    return {"adjustments": [{"request": r, "changes": _changes(r.changes)} for r in requests]}


def _coordination(target, *, user):
    items = list(
        change_selectors.visible_coordination_items(user)
        .filter(target=target)
        .select_related("raising_department", "leader", "resolved_by")
        .prefetch_related("departments")
        .order_by("created_at", "id")
    )
    return {"items": items} if items else None


def _supervision(target, *, user):
    found = supervision_selectors.target_supervision(user, target)
    if not found["orders"] and not found["findings"]:
        return None
    return {"orders": found["orders"], "findings": found["findings"]}


def register_stage_sections() -> None:
    # Between the revisions (50) and the audit trail (90), as documents.sections leaves room.
    register_dossier_section(
        key="progress",
        title=_("进展报告"),
        template="documents/pdf/sections/progress.html",
        build=_progress,
        order=60,
    )
    register_dossier_section(
        key="adjustments",
        title=_("目标调整"),
        template="documents/pdf/sections/adjustments.html",
        build=_adjustments,
        order=65,
    )
    register_dossier_section(
        key="coordination",
        title=_("协调事项"),
        template="documents/pdf/sections/coordination.html",
        build=_coordination,
        order=70,
    )
    register_dossier_section(
        key="supervision",
        title=_("督查督办"),
        template="documents/pdf/sections/supervision.html",
        build=_supervision,
        order=80,
    )
