"""The demo city's year in execution (2026; the demo's "today" is 23 November 2026; the year and
its executing targets come from ``demo.seed.seed_execution_year``): a year's progress reports replayed on the dates they happened (execution.clock), the
general office's verifications, node-target results, and the early-warning trend.

Everything goes through the services, so the history, the audit trail and the warning levels are
what real use would have produced. A realistic mix: most targets on track, some behind (yellow),
a few red (behind, a missed node target, a report overdue or returned); some reports late, some
returned and resubmitted, some verified at a different value than reported.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from accounts.models import User
from execution import clock, early_warning
from execution.models import ProgressReport
from execution.selectors.progress import explanation_required
from execution.services import progress as progress
from targets.models import Milestone, PlanYear, Target

DEMO_TODAY = datetime.date(2026, 11, 23)
D = datetime.date


def _user(username):
    return User.objects.get(username=username)


# --- progress ----------------------------------------------------------------------------------

# How each target fares, by its position: (name, share of the expected progress it reaches).
PROFILES = [
    ("on_track", Decimal("1.02")),
    ("on_track", Decimal("1.00")),
    ("on_track", Decimal("1.05")),
    ("late", Decimal("0.99")),
    ("on_track", Decimal("1.01")),
    ("differs", Decimal("0.98")),
    ("yellow", Decimal("0.90")),
    ("yellow", Decimal("0.88")),
    ("behind", Decimal("0.72")),
    ("on_track", Decimal("1.03")),
    ("missed", Decimal("0.96")),
    ("on_track", Decimal("1.00")),
    ("returned", Decimal("0.97")),
    ("on_track", Decimal("1.04")),
    ("overdue", Decimal("0.95")),
    ("on_track", Decimal("1.02")),
    ("yellow", Decimal("0.91")),
    ("on_track", Decimal("1.00")),
    ("late", Decimal("1.01")),
    ("on_track", Decimal("1.06")),
]

# For each quarter: when the warning was computed during it, when departments usually filed,
# when late ones filed, and when the office verified.
QUARTERS = {
    1: {"snapshot": D(2026, 3, 25), "file": D(2026, 4, 7), "late": D(2026, 4, 14)},
    2: {"snapshot": D(2026, 6, 25), "file": D(2026, 7, 8), "late": D(2026, 9, 3)},
    3: {"snapshot": D(2026, 9, 25), "file": D(2026, 10, 8), "late": D(2026, 10, 14)},
}

NARRATIVES = {
    "on_track": "各项工作按计划推进，阶段性目标已完成。",
    "late": "工作按计划推进，因数据汇总延迟报送。",
    "differs": "主要指标按序时推进，个别项目进度统计口径待核实。",
    "yellow": "整体推进略慢于序时进度，已加强调度。",
    "behind": "受项目审批和资金到位影响，进度明显滞后。",
    "missed": "本季度节点任务未能如期完成，正在组织攻坚。",
    "returned": "各项工作按计划推进。",
    "overdue": "各项工作按计划推进。",
}
PROBLEMS = ["部分项目前期手续办理较慢。", "配套资金到位不及时。", "跨部门协调事项较多。", ""]
NEXT_STEPS = [
    "加强月度调度，确保下一节点按期完成。",
    "提请分管副市长协调解决资金问题。",
    "组织专项督办，倒排工期。",
]


# A one-page PDF: what a department attaches as evidence (佐证材料) in the demo.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _evidence(target: Target, quarter: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        f"{target.code}-第{quarter}季度进展佐证.pdf", DEMO_PDF, content_type="application/pdf"
    )


def _percent(target: Target, year: PlanYear, quarter: int, ratio: Decimal) -> Decimal:
    end = year.quarter_bounds(quarter)[1]
    expected = early_warning.expected_share(year, end)
    return min(Decimal(100), expected * ratio).quantize(Decimal("0.01"))


def _value(target: Target, percent: Decimal) -> Decimal | None:
    """The indicator value that is ``percent`` of the way from baseline to target value."""
    if target.kind != Target.Kind.QUANTITATIVE or target.target_value is None:
        return None
    goal = target.target_value
    base = target.baseline if target.baseline is not None else Decimal(0)
    if goal == base:
        return goal
    return (base + (goal - base) * percent / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _file(target, *, year, quarter, ratio, index, profile, on, verify_on, office, differs):
    """The lead department's report for ``quarter`` and each cooperating department's task
    report, filed on ``on`` and verified on ``verify_on`` (None: left as it is)."""
    lead = target.lead_department.code
    staff, head = _user(f"{lead}_staff"), _user(f"{lead}_head")
    start = year.quarter_bounds(quarter)[0]
    percent = _percent(target, year, quarter, ratio)
    value = _value(target, percent)
    with clock.frozen(on):
        if explanation_required(target):
            # Art. 16; Spider Impact's rule: the red warning is explained before reporting.
            progress.warning_explanation_file(
                target=target,
                by=staff,
                explanation="前期进度滞后，主要受项目审批周期和资金拨付节奏影响。",
                remedy="建立周调度机制，由分管领导牵头逐项销号，确保下季度追上序时进度。",
            )
        report = progress.progress_report_create(
            target=target,
            by=staff,
            period_start=start,
            data=progress.ReportInput(
                actual_value=value,
                percent_complete=percent,
                narrative=NARRATIVES[profile],
                problems=PROBLEMS[index % len(PROBLEMS)],
                next_steps=NEXT_STEPS[index % len(NEXT_STEPS)],
            ),
            files=[_evidence(target, quarter)] if index % 3 == 0 else [],
        )
        report = progress.progress_report_submit(report=report, by=head)
        for row in target.departments.filter(role="cooperating").select_related("department"):
            code = row.department.code
            task_report = progress.progress_report_create(
                target=target,
                by=_user(f"{code}_staff"),
                period_start=start,
                data=progress.ReportInput(
                    narrative=f"{row.task}：按计划落实，本季度配合任务已完成。"
                ),
            )
            progress.progress_report_submit(report=task_report, by=_user(f"{code}_head"))
    if verify_on is None:
        return report
    with clock.frozen(verify_on):
        verifier = office if index % 4 else _user("supervisor")
        milestone_status = (
            Milestone.Status.MISSED
            if profile in ("missed", "behind") and quarter == 2
            else Milestone.Status.ACHIEVED
            if ratio >= Decimal("0.95")
            else None
        )
        kwargs = {}
        if differs:
            lower = (percent - Decimal("1.5")).quantize(Decimal("0.01"))
            kwargs = {
                "verified_percent": lower,
                "verified_value": _value(target, lower),
                "reason": "经核对统计部门数据，按统计快报数核定。",
            }
        return progress.progress_report_verify(
            report=report,
            by=verifier,
            comment="进展属实。",
            milestone_status=milestone_status,
            **kwargs,
        )


def seed_execution_progress(year: PlanYear) -> int:
    """A year's worth of progress on ``year``'s executing targets up to the demo's today
    (idempotent: nothing is added once the year has reports). Returns the reports created."""
    if ProgressReport.objects.filter(target__plan_year=year).exists():
        return 0
    office = _user("office")
    targets = list(
        Target.objects.filter(plan_year=year, state=Target.State.EXECUTING)
        .select_related("lead_department", "plan_year")
        .order_by("code")
    )
    for quarter, dates in QUARTERS.items():
        # The warning as the office saw it during the quarter (the trend's points).
        early_warning.recompute_early_warnings(today=dates["snapshot"])
        for i, target in enumerate(targets):
            profile, ratio = PROFILES[i % len(PROFILES)]
            if profile == "behind" and quarter == 1:
                ratio = Decimal("0.93")
            if profile == "overdue" and quarter == 3:
                continue  # never filed: overdue since 10 October
            on = dates["late"] if profile == "late" else dates["file"]
            verify_on = on + datetime.timedelta(days=5)
            if profile == "returned" and quarter in (2, 3):
                report = _file(
                    target,
                    year=year,
                    quarter=quarter,
                    ratio=ratio,
                    index=i,
                    profile=profile,
                    on=on,
                    verify_on=None,
                    office=office,
                    differs=False,
                )
                with clock.frozen(on + datetime.timedelta(days=3)):
                    report = progress.progress_report_return(
                        report=report,
                        by=office,
                        comment="佐证材料不全，请补充项目现场照片和资金拨付凭证后重新报送。",
                    )
                if quarter == 3:
                    continue  # still with the department, past its deadline
                with clock.frozen(on + datetime.timedelta(days=6)):
                    staff = _user(f"{target.lead_department.code}_staff")
                    progress.progress_report_update(
                        report=report,
                        by=staff,
                        data=progress.ReportInput(
                            actual_value=report.actual_value,
                            percent_complete=report.percent_complete,
                            narrative=report.narrative + "已补充现场照片和拨付凭证。",
                            problems=report.problems,
                            next_steps=report.next_steps,
                        ),
                    )
                    report = progress.progress_report_submit(
                        report=report, by=_user(f"{target.lead_department.code}_head")
                    )
                with clock.frozen(on + datetime.timedelta(days=9)):
                    progress.progress_report_verify(report=report, by=office)
                continue
            _file(
                target,
                year=year,
                quarter=quarter,
                ratio=ratio,
                index=i,
                profile=profile,
                on=on,
                verify_on=verify_on,
                office=office,
                differs=profile == "differs" or (i % 11 == 5),
            )
    # Q4 is in progress: a few departments have started their drafts.
    with clock.frozen(DEMO_TODAY):
        for i, target in enumerate(targets):
            if PROFILES[i % len(PROFILES)][0] == "on_track" and i % 4 == 0:
                lead = target.lead_department.code
                percent = _percent(target, year, 3, Decimal("1.05"))
                progress.progress_report_create(
                    target=target,
                    by=_user(f"{lead}_staff"),
                    period_start=year.quarter_bounds(4)[0],
                    data=progress.ReportInput(
                        actual_value=_value(target, percent),
                        percent_complete=percent,
                        narrative="四季度工作正在推进，本报告为草稿。",
                    ),
                )
        early_warning.recompute_early_warnings()
        # About half the red targets have already explained themselves.
        for i, target in enumerate(targets):
            if i % 2 == 0 and explanation_required(target):
                progress.warning_explanation_file(
                    target=target,
                    by=_user(f"{target.lead_department.code}_staff"),
                    explanation="三季度进展未按期报送或进度滞后，原因已查明。",
                    remedy="本周内补报进展，分管领导每周调度直至恢复序时进度。",
                )
    return ProgressReport.objects.filter(target__plan_year=year).count()
