"""The rows of the bulk progress-entry grid (issue 19 item 4): one per target a department
reports on for a period — the main report where it leads, its task report where it cooperates
(Shanghai Art. 14, 16) — with the report already started, if any. Three queries whatever the
number of targets."""

from dataclasses import dataclass

from django.db.models import Q

from accounts.access import access_for
from targets.models import Target, TargetDepartment

from ..models import ProgressReport


@dataclass
class GridRow:
    target: Target
    kind: str
    report: ProgressReport | None

    @property
    def editable(self) -> bool:
        return self.report is None or self.report.state in ProgressReport.EDITABLE_STATES


def grid_departments(user) -> list[int]:
    return sorted(access_for(user).member_departments)


def grid_rows(*, department_id: int, plan_year, period_start) -> list[GridRow]:
    """Every executing target of ``plan_year`` that ``department_id`` leads or cooperates on,
    by code, with its report for the period (any state)."""
    cooperating = set(
        TargetDepartment.objects.filter(
            department_id=department_id,
            role=TargetDepartment.Role.COOPERATING,
            target__plan_year=plan_year,
            target__state=Target.State.EXECUTING,
        ).values_list("target_id", flat=True)
    )
    targets = list(
        Target.objects.filter(plan_year=plan_year, state=Target.State.EXECUTING)
        .filter(Q(lead_department_id=department_id) | Q(pk__in=cooperating))
        .order_by("code")
    )
    reports = {
        r.target_id: r
        for r in ProgressReport.objects.filter(
            target__in=[t.pk for t in targets],
            department_id=department_id,
            period_start=period_start,
        )
    }
    return [
        GridRow(
            target=t,
            kind=ProgressReport.Kind.MAIN
            if t.lead_department_id == department_id
            else ProgressReport.Kind.COOPERATING,
            report=reports.get(t.pk),
        )
        for t in targets
    ]
