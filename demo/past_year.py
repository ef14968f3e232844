"""The demo city's past year (2025), end to end (issue 16 item 11): a few department targets
drafted, negotiated and confirmed in the autumn of 2024 (Shanghai Art. 8–11), started in January,
reported on every quarter and verified (Art. 14), one of them supervised (Art. 18–22), most
reported done and accepted (办结), and then evaluated when the 2025 scheme is published
(``demo.seed.seed_evaluation``, Zhongshan Art. 19–25). Every step goes through the services on
the date it happened (``execution.clock.frozen``), and the audit trail carries those dates.

Idempotent: nothing is added once 2025 has targets.
"""

import datetime
from decimal import Decimal

from accounts.models import Department, User
from execution import clock
from execution.services import completion
from execution.services import progress as progress
from supervision import services as supervision_services
from targets import services
from targets.models import Aspect, Milestone, PlanYear, Target

from . import data

PAST_YEAR = 2025
D = datetime.date
# One target each for five of the evaluated departments (the first of each in the data set).
PAST_LEADS = ["fgw", "jxw", "czj", "mzj", "tjj"]
# The last one is not finished by the year's end: it is evaluated from 执行中, not 已办结.
UNFINISHED = "tjj"
CALENDAR = {
    "drafting_opens": D(PAST_YEAR - 1, 7, 1),
    "drafting_closes": D(PAST_YEAR - 1, 9, 30),
    "q1_report_due": D(PAST_YEAR, 4, 10),
    "q2_report_due": D(PAST_YEAR, 8, 31),
    "q3_report_due": D(PAST_YEAR, 10, 10),
    "year_end_due": D(PAST_YEAR + 1, 1, 10),
}
# When each quarter's report was filed and verified.
FILED = {
    1: D(PAST_YEAR, 4, 7),
    2: D(PAST_YEAR, 7, 8),
    3: D(PAST_YEAR, 10, 9),
    4: D(PAST_YEAR + 1, 1, 6),
}


def _user(username) -> User:
    return User.objects.get(username=username)


def _rows():
    rows = []
    for code in PAST_LEADS:
        row = next(r for r in data.DEPARTMENT_TARGETS if r.get("lead") == code)
        rows.append({**row, "cooperating": [], "responsible": []})
    return rows


def _value(target: Target, percent: Decimal) -> Decimal | None:
    if target.kind != Target.Kind.QUANTITATIVE or target.target_value is None:
        return None
    base = target.baseline if target.baseline is not None else Decimal(0)
    return (base + (target.target_value - base) * percent / 100).quantize(Decimal("0.01"))


def seed_past_year() -> PlanYear:
    """2025 through every stage up to 已办结 (publication of the 2025 scheme then evaluates it).
    Returns the year."""
    from .seed import _input  # the demo's one way of turning a data row into a target input

    year, _created = PlanYear.objects.get_or_create(
        year=PAST_YEAR, defaults={"status": PlanYear.Status.CLOSED, **CALENDAR}
    )
    if year.targets.exists():
        return year
    PlanYear.objects.filter(pk=year.pk).update(status=PlanYear.Status.DRAFTING, **CALENDAR)
    year.refresh_from_db()
    for row in data.ASPECTS:
        Aspect.objects.update_or_create(
            plan_year=year, number=row["code"], defaults={"name": row["name"]}
        )
    aspects = {a.number: a for a in year.aspects.all()}
    depts = {d.code: d for d in Department.objects.all()}
    users = {u.username: u for u in User.objects.filter(memberships__isnull=False).distinct()}
    office = users["office"]
    targets = []
    # Formulation in the third quarter of 2024 (Art. 8–11; Fujian 五: plans by mid-July).
    for i, row in enumerate(_rows()):
        lead = row["lead"]
        with clock.frozen(D(PAST_YEAR - 1, 9, 2 + i)):
            target = services.target_create(
                by=users[f"{lead}_staff"],
                plan_year=year,
                data=_input(
                    row, year=year, aspects=aspects, depts=depts, users=users, level="department"
                ),
            )
            target = services.target_submit(target=target, by=users[f"{lead}_head"])
        with clock.frozen(D(PAST_YEAR - 1, 9, 16 + i)):
            target = services.target_negotiate(
                target=target, by=office, comment="经协商，目标内容与节点安排一致同意。"
            )
        with clock.frozen(D(PAST_YEAR - 1, 10, 18)):
            target = services.target_confirm(
                target=target,
                by=office,
                approval_reference=f"{PAST_YEAR - 1}年市政府第28次常务会议",
            )
        targets.append(target)
    PlanYear.objects.filter(pk=year.pk).update(status=PlanYear.Status.EXECUTING)
    year.refresh_from_db()
    with clock.frozen(D(PAST_YEAR, 1, 6)):
        targets = [
            services.target_start_execution(target=t, by=office, comment="下达年度目标任务书。")
            for t in targets
        ]

    # Every quarter's report, filed by the lead department and verified by the office (Art. 14),
    # with the quarter's node target achieved.
    for quarter, filed_on in FILED.items():
        for i, target in enumerate(targets):
            lead = target.lead_department.code
            unfinished = lead == UNFINISHED
            percent = Decimal(25 * quarter - (6 * quarter if unfinished else 0))
            with clock.frozen(filed_on + datetime.timedelta(days=i % 2)):
                report = progress.progress_report_create(
                    target=target,
                    by=_user(f"{lead}_staff"),
                    period_start=year.quarter_bounds(quarter)[0],
                    data=progress.ReportInput(
                        actual_value=_value(target, percent),
                        percent_complete=percent,
                        narrative=(
                            "受项目审批影响，进度略慢于序时。"
                            if unfinished and quarter > 1
                            else "各项工作按计划推进，本季度节点任务已完成。"
                        ),
                    ),
                )
                report = progress.progress_report_submit(report=report, by=_user(f"{lead}_head"))
            with clock.frozen(filed_on + datetime.timedelta(days=4)):
                progress.progress_report_verify(
                    report=report,
                    by=office,
                    comment="进展属实。",
                    milestone_status=(
                        Milestone.Status.MISSED
                        if unfinished and quarter == 4
                        else Milestone.Status.ACHIEVED
                    ),
                )

    # The lagging target was supervised (Art. 18–22): order, reply, closed.
    lagging = next(t for t in targets if t.lead_department.code == UNFINISHED)
    supervisor = _user("supervisor")
    with clock.frozen(D(PAST_YEAR, 7, 21)):
        order = supervision_services.order_issue(
            by=supervisor,
            plan_year=year,
            kind="special",
            title=f"关于“{lagging.title}”的督办",
            requirement="二季度进度滞后于序时，请说明原因并报送整改措施。",
            departments=[lagging.lead_department],
            targets=[lagging],
            days=10,
        )
    with clock.frozen(D(PAST_YEAR, 7, 28)):
        supervision_services.order_reply(
            order=order,
            by=_user(f"{UNFINISHED}_head"),
            body="已成立专班，倒排工期，每周向分管领导报告进度。",
        )
    with clock.frozen(D(PAST_YEAR, 8, 1)):
        supervision_services.order_close(order=order, by=supervisor, comment="整改措施可行。")

    # 办结 in January (Art. 14): the finished targets are reported done and accepted.
    for target in targets:
        if target.lead_department.code == UNFINISHED:
            continue
        lead = target.lead_department.code
        with clock.frozen(D(PAST_YEAR + 1, 1, 12)):
            report = completion.completion_report_file(
                target=target,
                by=_user(f"{lead}_head"),
                summary="年度目标任务已全部完成，相关成果已通过验收。",
                evidence=_evidence(),
                actual_value=_value(target, Decimal(100)),
            )
        with clock.frozen(D(PAST_YEAR + 1, 1, 16)):
            completion.completion_report_accept(
                report=report, by=office, comment="材料齐全，同意办结。"
            )
    return year


def _evidence():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .execution_progress import DEMO_PDF

    return SimpleUploadedFile("办结佐证材料.pdf", DEMO_PDF, content_type="application/pdf")
