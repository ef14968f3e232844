"""Builders for the daily-volume tests (issue 19): many executing targets of one department with
their reports in a chosen state, written in a few bulk inserts (the services are exercised by the
tests themselves, not by the set-up)."""

import datetime
from decimal import Decimal

from execution import clock
from execution.models import ProgressReport
from targets.models import Milestone, Target

Q1 = datetime.date(2027, 1, 1)


def executing_targets(n, *, plan_year, aspect, lead, created_by, prefix="T", missed_every=0):
    """``n`` executing targets of ``lead``, each with a Q1 node target (every ``missed_every``-th
    one missed, when given)."""
    targets = Target.objects.bulk_create(
        Target(
            plan_year=plan_year,
            code=f"{plan_year.year}-{prefix}{i + 1:04d}",
            aspect=aspect,
            kind=Target.Kind.QUANTITATIVE if i % 2 == 0 else Target.Kind.QUALITATIVE,
            indicator="指标",
            unit="%",
            baseline=Decimal(0),
            target_value=Decimal(100),
            direction="higher",
            title=f"目标{prefix}{i}",
            content="内容",
            weight=Decimal(1),
            lead_department=lead,
            state=Target.State.EXECUTING,
            created_by=created_by,
        )
        for i in range(n)
    )
    Milestone.objects.bulk_create(
        Milestone(
            target=t,
            quarter=1,
            due_date=datetime.date(plan_year.year, 3, 31),
            description="节点",
            status="missed" if missed_every and i % missed_every == 0 else "pending",
        )
        for i, t in enumerate(targets)
    )
    return targets


def reports_of(
    targets, *, department, state, created_by, late=False, submitted_by=None, verified=False
):
    """One Q1 main report per target in ``state``, with a value (quantitative) or a percent;
    ``verified``: the office's verified figures are the reported ones (what the early warning
    reads)."""
    now = clock.now()

    def figures(i, t):
        value = Decimal(20 + i % 10) if t.kind == Target.Kind.QUANTITATIVE else None
        percent = Decimal(20 + i % 10)
        reported = {"actual_value": value, "percent_complete": percent}
        if verified:
            return {**reported, "verified_value": value, "verified_percent": percent}
        return reported

    return ProgressReport.objects.bulk_create(
        ProgressReport(
            target=t,
            department=department,
            kind="main",
            period_start=Q1,
            period_end=datetime.date(Q1.year, 3, 31),
            due_date=datetime.date(Q1.year, 4, 10),
            state=state,
            **figures(i, t),
            narrative="一季度进展顺利。",
            is_late=late,
            created_by=created_by,
            created_at=now,
            updated_at=now,
            submitted_by=submitted_by if state != "draft" else None,
            submitted_at=now if state != "draft" else None,
        )
        for i, t in enumerate(targets)
    )
