"""The leader dashboard's and the office overview's lists, narrow (issue 20):
``selectors.leader_dashboard`` and ``selectors.office_overview`` call these.

Building either page after a write cost 25–31 ms, much of it reading whole rows to show a
code, a title and a name: the red list joined every column of the snapshot, its target (33
columns) and its department, and each of the other lists did the same. Here each list reads
only the columns the pages, the leader's briefing (``documents.briefing``) and the API
(``dashboards.api``) show, as plain values, into small read-only rows with the same attribute
names (``s.target.code``, ``r.department.name``, …): same rows, same order. A list and its
count (the review queue, the pending adjustments) are one query (``COUNT(*) OVER ()``).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Window

from execution.models import AdjustmentRequest, ProgressReport, WarningSnapshot
from execution.selectors.completion_rate import FILED_STATES


@dataclass(frozen=True, slots=True)
class Named:
    """A department as a list shows it (``str`` is its name, as the model's)."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Year:
    year: int


@dataclass(frozen=True, slots=True)
class TargetRef:
    pk: int
    code: str
    title: str
    lead_department: Named | None  # None where the list does not show it


@dataclass(frozen=True, slots=True)
class RedRow:
    """A red snapshot of the red list: its target and the reason."""

    target_id: int
    target: TargetRef
    reason: str


@dataclass(frozen=True, slots=True)
class QuarterlyRow:
    pk: int
    department: Named
    plan_year: Year
    quarter: int
    submitted_at: datetime.datetime | None
    forwarded_at: datetime.datetime | None


@dataclass(frozen=True, slots=True)
class CoordinationRow:
    pk: int
    subject: str
    raising_department: Named
    due_date: datetime.date


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A submitted progress report of the review queue."""

    pk: int
    target: TargetRef
    department: Named
    submitted_at: datetime.datetime | None


@dataclass(frozen=True, slots=True)
class AdjustmentRow:
    pk: int
    target: TargetRef
    department: Named
    kind: str
    kind_label: str

    def get_kind_display(self) -> str:
        return self.kind_label


def red_list(snaps, limit: int) -> list[RedRow]:
    """The red snapshots of ``snaps`` (one period), by target code."""
    return [
        RedRow(pk, TargetRef(pk, code, title, Named(dept)), reason)
        for pk, code, title, dept, reason in snaps.filter(level=WarningSnapshot.Level.RED)
        .order_by("target__code")
        .values_list(
            "target_id", "target__code", "target__title", "target__lead_department__name", "reason"
        )[:limit]
    ]


def not_reported(targets, period_start: datetime.date, limit: int) -> list[TargetRef]:
    """The targets of ``targets`` whose lead department has filed no report for the period."""
    filed = ProgressReport.objects.filter(
        target=OuterRef("pk"),
        department=OuterRef("lead_department"),
        period_start=period_start,
        state__in=FILED_STATES,
    )
    return [
        TargetRef(pk, code, title, Named(dept))
        for pk, code, title, dept in targets.filter(~Exists(filed))
        .order_by("code")
        .values_list("pk", "code", "title", "lead_department__name")[:limit]
    ]


def quarterly_rows(reports, order: tuple, limit: int) -> list[QuarterlyRow]:
    return [
        QuarterlyRow(pk, Named(dept), Year(year), quarter, submitted, forwarded)
        for pk, dept, year, quarter, submitted, forwarded in reports.order_by(*order).values_list(
            "pk", "department__name", "plan_year__year", "quarter", "submitted_at", "forwarded_at"
        )[:limit]
    ]


def coordination_rows(items, limit: int) -> list[CoordinationRow]:
    return [
        CoordinationRow(pk, subject, Named(dept), due)
        for pk, subject, dept, due in items.order_by("due_date", "pk").values_list(
            "pk", "subject", "raising_department__name", "due_date"
        )[:limit]
    ]


def _counted(qs, order: tuple, fields: tuple, limit: int) -> tuple[list[tuple], int]:
    """The first ``limit`` rows of ``qs`` and how many there are, in one query."""
    rows = list(
        qs.annotate(total=Window(Count("pk")))
        .order_by(*order)
        .values_list(*fields, "total")[:limit]
    )
    return [row[:-1] for row in rows], (rows[0][-1] if rows else 0)


def review_queue(plan_year, limit: int) -> tuple[list[QueueRow], int]:
    """The submitted progress reports of the year (the oldest first) and their number."""
    rows, total = _counted(
        ProgressReport.objects.filter(
            target__plan_year=plan_year, state=ProgressReport.State.SUBMITTED
        ),
        ("submitted_at", "pk"),
        ("pk", "target_id", "target__code", "target__title", "department__name", "submitted_at"),
        limit,
    )
    return [
        QueueRow(pk, TargetRef(target_id, code, title, None), Named(dept), submitted)
        for pk, target_id, code, title, dept, submitted in rows
    ], total


def pending_adjustments(plan_year, limit: int) -> tuple[list[AdjustmentRow], int]:
    """The pending adjustment requests of the year (the oldest first) and their number."""
    rows, total = _counted(
        AdjustmentRequest.objects.filter(
            target__plan_year=plan_year, state=AdjustmentRequest.State.PENDING
        ),
        ("requested_at", "pk"),
        ("pk", "target_id", "target__code", "target__title", "department__name", "kind"),
        limit,
    )
    labels = dict(AdjustmentRequest.Kind.choices)
    return [
        AdjustmentRow(
            pk, TargetRef(target_id, code, title, None), Named(dept), kind, labels.get(kind, kind)
        )
        for pk, target_id, code, title, dept, kind in rows
    ], total
