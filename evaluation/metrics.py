"""Objective-data metrics (客观数据): indicators scored from our own records, not by a rater
(Baoshan: "多用客观数据，少用主观评价"; Shanghai Art. 14: execution is recorded in the system).

A registry of named functions, so a metric over another app's records (for example the share of
progress reports filed on time, once execution's reports exist) is added with one
``register_metric`` call in that app's or evaluation's ``ready()`` — no migration, no change to
schemes that name it. Each metric returns a numerator and a denominator and the records behind
them; the points are ``max_points × numerator / denominator``, computed in
``evaluation.scoring`` from what the sheet stored.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from targets.models import Milestone, Target


@dataclass(frozen=True)
class MetricValue:
    numerator: int
    denominator: int
    # What was counted, for the "inputs" view: [{"label": ..., "value": ...}] and record ids.
    lines: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    compute: Callable[..., MetricValue]


_metrics: dict[str, Metric] = {}


def register_metric(key: str, label, compute: Callable[..., MetricValue]) -> None:
    """``compute(plan_year=..., department=...) -> MetricValue``. Registering a key again
    replaces it (``ready()`` may run more than once)."""
    _metrics[key] = Metric(key=key, label=label, compute=compute)


def get_metric(key: str) -> Metric | None:
    return _metrics.get(key)


def metric_choices() -> list[tuple[str, str]]:
    return [(m.key, m.label) for m in _metrics.values()]


# Targets that count: the department's own (lead) targets of the year that went into execution
# and were not cancelled.
COUNTED_STATES = (Target.State.EXECUTING, Target.State.COMPLETED, Target.State.EVALUATED)


def targets_completed_share(*, plan_year, department) -> MetricValue:
    """办结率: the share of the department's executed targets whose completion passed the
    general office's review (Art. 14 办结审核: state completed, or evaluated after it)."""
    rows = list(
        Target.objects.filter(
            plan_year=plan_year,
            lead_department=department,
            level=Target.Level.DEPARTMENT,
            state__in=COUNTED_STATES,
        )
        .order_by("code")
        .values_list("pk", "code", "state")
    )
    # A target already evaluated counts as completed only if it was evaluated from 已办结 (the
    # audit trail of the evaluate transition says from which state): publication moves executing
    # targets to evaluated too, and they did not pass the completion review.
    evaluated = [pk for pk, _code, state in rows if state == Target.State.EVALUATED]
    from_completed = set()
    if evaluated:
        from_completed = set(
            AuditEvent.objects.with_action(Target, "evaluate")
            .filter(
                content_type=ContentType.objects.get_for_model(Target),
                object_id__in=[str(pk) for pk in evaluated],
                from_state=Target.State.COMPLETED,
            )
            .values_list("object_id", flat=True)
        )

    def completed(pk, state):
        if state == Target.State.EVALUATED:
            return str(pk) in from_completed
        return state == Target.State.COMPLETED

    lines = [
        {"code": code, "target": pk, "completed": completed(pk, state)} for pk, code, state in rows
    ]
    return MetricValue(
        numerator=sum(1 for line in lines if line["completed"]),
        denominator=len(rows),
        lines=lines,
    )


def milestones_achieved_share(*, plan_year, department) -> MetricValue:
    """节点目标完成率: the share of node targets of the department's executed targets marked
    achieved (Huangpu's quarterly node targets; 002 三.3)."""
    rows = list(
        Milestone.objects.filter(
            target__plan_year=plan_year,
            target__lead_department=department,
            target__level=Target.Level.DEPARTMENT,
            target__state__in=COUNTED_STATES,
        )
        .order_by("target__code", "quarter")
        .values_list("target_id", "target__code", "quarter", "status")
    )
    achieved = [r for r in rows if r[3] == Milestone.Status.ACHIEVED]
    return MetricValue(
        numerator=len(achieved),
        denominator=len(rows),
        lines=[
            {"code": f"{code} Q{q}", "target": pk, "completed": status == Milestone.Status.ACHIEVED}
            for pk, code, q, status in rows
        ],
    )


def reports_on_time_share(*, plan_year, department) -> MetricValue:
    """按时报送率 (issue 10: "share of reports on time"; Shanghai Art. 14: the lead department
    reports progress each period). Owed: one main progress report per (executed target the
    department leads, period whose due date has passed on execution's today). On time: that
    report was filed (submitted or verified) and not marked late at submission
    (``ProgressReport.is_late``). A report never filed, still a draft or returned is owed and not
    on time. Two queries, whatever the number of targets."""
    from execution import clock, periods
    from execution.models import ProgressReport

    owed_periods = periods.overdue_periods(plan_year, clock.today())
    targets = list(
        Target.objects.filter(
            plan_year=plan_year,
            lead_department=department,
            level=Target.Level.DEPARTMENT,
            state__in=COUNTED_STATES,
        )
        .order_by("code")
        .values_list("pk", "code")
    )
    filed = {
        (target_id, start): is_late
        for target_id, start, is_late in ProgressReport.objects.filter(
            target_id__in=[pk for pk, _code in targets],
            department=department,
            kind=ProgressReport.Kind.MAIN,
            period_start__in=[p.start for p in owed_periods],
            state__in=(ProgressReport.State.SUBMITTED, ProgressReport.State.VERIFIED),
        ).values_list("target_id", "period_start", "is_late")
    }
    lines = []
    for pk, code in targets:
        for period in owed_periods:
            is_late = filed.get((pk, period.start))
            lines.append(
                {
                    "code": f"{code} {period.short_label}",
                    "target": pk,
                    "completed": is_late is False,
                }
            )
    return MetricValue(
        numerator=sum(1 for line in lines if line["completed"]),
        denominator=len(lines),
        lines=lines,
    )


register_metric("targets_completed_share", _("目标办结率"), targets_completed_share)
register_metric("reports_on_time_share", _("进展报告按时报送率"), reports_on_time_share)
register_metric("milestones_achieved_share", _("节点目标完成率"), milestones_achieved_share)
