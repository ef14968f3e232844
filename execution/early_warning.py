"""Early warning (预警), computed — never typed in (Shanghai Art. 14, 18; DESIGN: supervision
watches lagging targets).

For every executing target: the progress expected by a date is the elapsed share of the year
(a Cascade-style expected-progress curve, linear by default — ``expected_share``); the actual
progress is the latest verified main report's percent (qualitative) or its verified value placed
on the way from baseline to target value (quantitative, higher- or lower-is-better). Their
ratio against the plan year's thresholds gives green (≥ green threshold, default 95%), yellow
(≥ yellow threshold, default 85%) or red; a missed node target or an overdue report makes it
red whatever the ratio. With nothing verified a target is never green once a period's report is
past its due date or the expected progress reaches the yellow threshold: at least yellow,
尚无审核通过的进展.

``recompute_early_warnings`` does all targets set-based: a fixed number of queries whatever the
number of targets (one read with annotations and one bulk upsert per executing plan year).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.models import Milestone, PlanYear, Target, TargetDepartment
from targets.services import plain_value

from . import clock, periods
from .models import ProgressReport, WarningSnapshot

Level = WarningSnapshot.Level
HUNDRED = Decimal(100)
FILED_STATES = (ProgressReport.State.SUBMITTED, ProgressReport.State.VERIFIED)

REASON_LABELS = {
    "behind": gettext_lazy("实际进度低于应有进度"),
    "milestone_missed": gettext_lazy("节点目标未完成"),
    "report_overdue": gettext_lazy("进展报告逾期未报"),
    "no_verified_progress": gettext_lazy("尚无审核通过的进展"),
}
# What the actual-progress column can hold; a far-off quantitative value is shown at the bound.
ACTUAL_BOUND = Decimal("9999999")


def reason_label(code: str) -> str:
    return str(REASON_LABELS.get(code, code))


def expected_share(plan_year: PlanYear, day: datetime.date) -> Decimal:
    """The share of the year's target expected to be done by ``day``, in percent (0–100):
    the elapsed share of the year, linear. One function, so a plan year could later carry its
    own curve (Cascade's "expected progress" profiles)."""
    start = datetime.date(plan_year.year, 1, 1)
    end = datetime.date(plan_year.year, 12, 31)
    if day < start:
        return Decimal(0)
    if day >= end:
        return HUNDRED
    return Decimal((day - start).days + 1) * HUNDRED / Decimal((end - start).days + 1)


def actual_percent(
    *, kind, baseline, target_value, direction, verified_value, verified_percent
) -> Decimal | None:
    """How far a target has come, in percent of the way from baseline to target value."""
    if kind == Target.Kind.QUANTITATIVE and verified_value is not None and target_value is not None:
        value, goal = Decimal(verified_value), Decimal(target_value)
        if baseline is not None:
            base = Decimal(baseline)
            if goal != base:
                # Works for both directions: lower-is-better has goal < base.
                return (value - base) * HUNDRED / (goal - base)
            met = value <= goal if direction == Target.Direction.LOWER else value >= goal
            return HUNDRED if met else Decimal(0)
        if direction == Target.Direction.LOWER:
            return goal * HUNDRED / value if value else HUNDRED
        return value * HUNDRED / goal if goal else None
    if verified_percent is not None:
        return Decimal(verified_percent)
    return None


def progress_formula(target, value=None) -> str:
    """How a quantitative target's % complete is computed, in the words a reader can check with
    a calculator (issue 16 item 4): baseline → target value and direction, and with ``value`` the
    sum itself, rounded as the early warning stores it. "" for a qualitative target (its percent
    is the one reported and verified) or one without a target value."""
    if target.kind != Target.Kind.QUANTITATIVE or target.target_value is None:
        return ""
    goal = plain_value(target.target_value)
    lower = target.direction == Target.Direction.LOWER
    direction = _("越低越好") if lower else _("越高越好")
    if target.baseline is not None and target.baseline != target.target_value:
        base = plain_value(target.baseline)
        if value is None:
            return _(
                "完成进度 =（累计完成值 − 基期值%(base)s）÷（目标值%(goal)s − 基期值%(base)s），"
                "%(direction)s"
            ) % {"base": base, "goal": goal, "direction": direction}
        percent = actual_percent(
            kind=target.kind,
            baseline=target.baseline,
            target_value=target.target_value,
            direction=target.direction,
            verified_value=value,
            verified_percent=None,
        )
        return _(
            "完成进度 =（%(value)s − %(base)s）÷（%(goal)s − %(base)s）= %(percent)s%%"
            "（基期值%(base)s → 目标值%(goal)s，%(direction)s）"
        ) % {
            "value": plain_value(value),
            "base": base,
            "goal": goal,
            "percent": percent.quantize(Decimal("0.01")),
            "direction": direction,
        }
    if value is None:
        formula = _("目标值%(goal)s ÷ 累计完成值") if lower else _("累计完成值 ÷ 目标值%(goal)s")
        return _("完成进度 = %(formula)s，%(direction)s") % {
            "formula": formula % {"goal": goal},
            "direction": direction,
        }
    percent = actual_percent(
        kind=target.kind,
        baseline=None,
        target_value=target.target_value,
        direction=target.direction,
        verified_value=value,
        verified_percent=None,
    )
    if percent is None:
        return ""
    shown = plain_value(value)
    formula = f"{goal} ÷ {shown}" if lower else f"{shown} ÷ {goal}"
    return _("完成进度 = %(formula)s = %(percent)s%%（未设基期值，%(direction)s）") % {
        "formula": formula,
        "percent": percent.quantize(Decimal("0.01")),
        "direction": direction,
    }


def level_for(*, actual: Decimal, expected: Decimal, green: Decimal, yellow: Decimal) -> str:
    """Green at or above ``green`` percent of the expected progress, yellow at or above
    ``yellow``, red below (thresholds inclusive)."""
    if expected <= 0:
        return Level.GREEN
    ratio = actual * HUNDRED / expected
    if ratio >= green:
        return Level.GREEN
    if ratio >= yellow:
        return Level.YELLOW
    return Level.RED


@dataclass
class Evaluation:
    level: str
    expected: Decimal
    actual: Decimal | None
    as_of: datetime.date | None
    reasons: list[str] = field(default_factory=list)


def evaluate(
    *,
    plan_year: PlanYear,
    today: datetime.date,
    kind,
    baseline,
    target_value,
    direction,
    verified_value,
    verified_percent,
    verified_period_end,
    milestone_missed: bool,
    report_overdue: bool,
    report_due_passed: bool = False,
) -> Evaluation:
    """One target's level. The expected progress is read at the end of the period the latest
    verified report covers (what the actual value measures); without one, at ``today``.

    No verified progress is not green (issue 16 item 5): once a period's report is past its due
    date (``report_due_passed``, filed or not) or the expected progress reaches the plan year's
    yellow threshold, a target with nothing verified is at least yellow, reason
    ``no_verified_progress`` (尚无审核通过的进展)."""
    as_of = verified_period_end
    actual = None
    reasons = []
    if as_of is not None:
        actual = actual_percent(
            kind=kind,
            baseline=baseline,
            target_value=target_value,
            direction=direction,
            verified_value=verified_value,
            verified_percent=verified_percent,
        )
    expected = expected_share(plan_year, as_of or today)
    level = Level.GREEN
    if actual is None:
        reasons.append("no_verified_progress")
        if report_due_passed or expected >= plan_year.warning_yellow_percent:
            level = Level.YELLOW
    else:
        level = level_for(
            actual=actual,
            expected=expected,
            green=plan_year.warning_green_percent,
            yellow=plan_year.warning_yellow_percent,
        )
        if level != Level.GREEN:
            reasons.append("behind")
    if milestone_missed:
        level = Level.RED
        reasons.append("milestone_missed")
    if report_overdue:
        level = Level.RED
        reasons.append("report_overdue")
    return Evaluation(level=level, expected=expected, actual=actual, as_of=as_of, reasons=reasons)


def _count(qs):
    """A correlated COUNT subquery (avoids the row multiplication of joined aggregates)."""
    return Coalesce(
        Subquery(
            qs.order_by().values("target").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _annotated_targets(plan_year: PlanYear, period: periods.Period, overdue_starts):
    latest = ProgressReport.objects.filter(
        target=OuterRef("pk"), kind=ProgressReport.Kind.MAIN, state=ProgressReport.State.VERIFIED
    ).order_by("-period_start")
    previous = WarningSnapshot.objects.filter(
        target=OuterRef("pk"), period_start__lt=period.start
    ).order_by("-period_start")
    current = WarningSnapshot.objects.filter(target=OuterRef("pk"), period_start=period.start)
    filed = ProgressReport.objects.filter(
        target=OuterRef("pk"), period_start__in=overdue_starts, state__in=FILED_STATES
    )
    return (
        Target.objects.filter(plan_year=plan_year, state=Target.State.EXECUTING)
        .annotate(
            v_value=Subquery(latest.values("verified_value")[:1]),
            v_percent=Subquery(latest.values("verified_percent")[:1]),
            v_end=Subquery(latest.values("period_end")[:1]),
            missed=Exists(
                Milestone.objects.filter(target=OuterRef("pk"), status=Milestone.Status.MISSED)
            ),
            filed_main=_count(filed.filter(kind=ProgressReport.Kind.MAIN)),
            filed_coop=_count(filed.filter(kind=ProgressReport.Kind.COOPERATING)),
            coop=_count(
                TargetDepartment.objects.filter(
                    target=OuterRef("pk"), role=TargetDepartment.Role.COOPERATING
                )
            ),
            prev_level=Subquery(previous.values("level")[:1]),
            prev_red_since=Subquery(previous.values("red_since")[:1]),
            cur_level=Subquery(current.values("level")[:1]),
            cur_red_since=Subquery(current.values("red_since")[:1]),
        )
        .values(
            "pk",
            "kind",
            "baseline",
            "target_value",
            "direction",
            "v_value",
            "v_percent",
            "v_end",
            "missed",
            "filed_main",
            "filed_coop",
            "coop",
            "prev_level",
            "prev_red_since",
            "cur_level",
            "cur_red_since",
        )
    )


def _describe(evaluation: Evaluation, plan_year: PlanYear, period: periods.Period) -> str:
    """The reason as a reader of the snapshot for ``period`` reads it. The figures are those of
    the latest verified report, whose period may be an earlier one: then the text names that
    period, so a Q3 line never reads "截至 30 June" as if it were Q3's (issue 16 item 2)."""
    parts = [reason_label(code) for code in evaluation.reasons]
    if evaluation.actual is not None:
        figures = {
            "actual": evaluation.actual.quantize(Decimal("0.01")),
            "expected": evaluation.expected.quantize(Decimal("0.01")),
        }
        if evaluation.as_of >= period.end:
            text = _("本期实际进度%(actual)s%%，应有进度%(expected)s%%") % figures
        else:
            verified = next(
                (p for p in periods.periods_of(plan_year) if p.end == evaluation.as_of), None
            )
            text = _(
                "本期进展尚未审核通过；按最近审核通过的%(period)s进展，实际进度%(actual)s%%，"
                "该期应有进度%(expected)s%%"
            ) % {**figures, "period": verified.label if verified else evaluation.as_of.isoformat()}
        parts.insert(0, text)
    return "；".join(parts)


@transaction.atomic
def recompute_early_warnings(*, today: datetime.date | None = None) -> int:
    """Recompute the level of every executing target for the current period and upsert it
    (re-running is idempotent). Returns the number of targets computed.

    Queries: one for the executing plan years, then per executing plan year one read of all its
    targets with everything the rule needs as annotations, and one bulk upsert."""
    today = today or clock.today()
    now = clock.now()
    total = 0
    for plan_year in PlanYear.objects.filter(status=PlanYear.Status.EXECUTING):
        period = periods.current_period(plan_year, today)
        overdue = periods.overdue_periods(plan_year, today)
        overdue_starts = [p.start for p in overdue]
        snapshots = []
        for row in _annotated_targets(plan_year, period, overdue_starts):
            report_overdue = row["filed_main"] < len(overdue) or row["filed_coop"] < row[
                "coop"
            ] * len(overdue)
            evaluation = evaluate(
                plan_year=plan_year,
                today=today,
                kind=row["kind"],
                baseline=row["baseline"],
                target_value=row["target_value"],
                direction=row["direction"],
                verified_value=row["v_value"],
                verified_percent=row["v_percent"],
                verified_period_end=row["v_end"],
                milestone_missed=row["missed"],
                report_overdue=report_overdue,
                report_due_passed=bool(overdue),
            )
            red_since = None
            if evaluation.level == Level.RED:
                # One red streak across periods keeps the moment it began, so the lead
                # department explains it once.
                if row["cur_level"] == Level.RED and row["cur_red_since"]:
                    red_since = row["cur_red_since"]
                elif row["cur_level"] is None and row["prev_level"] == Level.RED:
                    red_since = row["prev_red_since"]
                red_since = red_since or now
            snapshots.append(
                WarningSnapshot(
                    target_id=row["pk"],
                    period_start=period.start,
                    period_end=period.end,
                    level=evaluation.level,
                    expected=evaluation.expected.quantize(Decimal("0.01")),
                    actual=(
                        max(-ACTUAL_BOUND, min(ACTUAL_BOUND, evaluation.actual)).quantize(
                            Decimal("0.01")
                        )
                        if evaluation.actual is not None
                        else None
                    ),
                    as_of=evaluation.as_of,
                    reasons=evaluation.reasons,
                    reason=_describe(evaluation, plan_year, period),
                    red_since=red_since,
                    computed_at=now,
                )
            )
        if snapshots:
            WarningSnapshot.objects.bulk_create(
                snapshots,
                update_conflicts=True,
                unique_fields=["target", "period_start"],
                update_fields=[
                    "period_end",
                    "level",
                    "expected",
                    "actual",
                    "as_of",
                    "reasons",
                    "reason",
                    "red_since",
                    "computed_at",
                ],
            )
        total += len(snapshots)
    return total
