"""The demo city's public side (after ``seed_demo``): the general office publishes the execution
year's confirmed list and the last year's, approves one department's public summary, and puts
two departments' 2025 self-evaluation reports before the public for comment (one period past,
with moderated comments and an answer; one open now), all through the portal's services. Safe to
run again (it publishes only what is not public yet)."""

import datetime

from django.db import transaction

from accounts.models import Department, User
from audit.context import replayed_clock
from evaluation.models import ScoreSheet
from execution import clock
from targets.models import PlanYear
from workflow.errors import ValidationFailed

from . import reports, services
from .models import PublicReport, PublicSummary

DEMO_SUMMARY = (
    "一季度，市发展改革委牵头的重大项目建设按计划推进，经目标办审核的各项指标均达到序时进度。"
    "下一阶段将继续加快项目开工，扩大有效投资。"
)


@transaction.atomic
def seed_public_demo() -> list[services.YearPublished]:
    office = User.objects.get(username="office")
    results = []
    for plan_year in PlanYear.objects.filter(
        status__in=[PlanYear.Status.EXECUTING, PlanYear.Status.CLOSED]
    ).order_by("year"):
        try:
            results.append(
                services.year_publish(
                    plan_year=plan_year, by=office, comment="演示：公开年度目标清单"
                )
            )
        except ValidationFailed:
            continue
    department = Department.objects.filter(code="fgw").first()
    executing = PlanYear.objects.filter(status=PlanYear.Status.EXECUTING).order_by("-year").first()
    if (
        department
        and executing
        and not PublicSummary.objects.filter(department=department).exists()
    ):
        summary = services.public_summary_propose(
            department=department, year=executing.year, quarter=1, text=DEMO_SUMMARY, by=office
        )
        services.public_summary_approve(summary=summary, by=office)
    with replayed_clock(clock.now):
        seed_report_demo(office)
    return results


D = datetime.date
REPORT_YEAR = 2025
# The first report's comments, in March 2026 after the 2025 results: (name, text, withheld
# reason or "", the department's answer or "").
PAST_COMMENTS = [
    (
        "市民王先生",
        "报告提到重大项目按节点推进，建议公开主要项目的开工和投资完成情况，便于群众了解。",
        "",
        "感谢您的建议。重大项目的开工和投资完成情况已在本委门户网站按季度公开，"
        "下一步将在年度报告中列出主要项目清单。",
    ),
    ("", "希望进一步压缩企业投资项目审批时间，提高网上办理比例。", "", ""),
    ("", "此处为广告内容，联系电话见内。", "含广告信息，与评议对象无关", ""),
]
OPEN_COMMENTS = [
    ("", "自评报告对存在的问题写得比较笼统，建议列明整改措施和完成时限。", True),
    ("李女士", "企业技术改造补贴的申请流程能否再简化一些？", False),
]


def _self_sheet(code: str):
    return (
        ScoreSheet.objects.filter(
            is_self=True,
            department__code=code,
            scheme__plan_year__year=REPORT_YEAR,
            state__in=[ScoreSheet.State.SUBMITTED, ScoreSheet.State.LOCKED],
        )
        .exclude(summary="")
        .order_by("-scheme__version")
        .first()
    )


def seed_report_demo(office: User) -> list[PublicReport]:
    """The 2025 self-evaluation reports of 发改委 (commented in March 2026, moderated, one
    comment answered) and 经信委 (open for comment from a few days ago for a month), when the
    demo has the 2025 evaluation (``demo.seed.seed_evaluation``)."""
    made = []
    sheet = _self_sheet("fgw")
    if sheet and not PublicReport.objects.filter(sheet=sheet).exists():
        with clock.frozen(D(2026, 3, 12)):
            report = reports.report_approve(
                sheet=sheet, by=office, opens=D(2026, 3, 12), closes=D(2026, 4, 10)
            )
        head = User.objects.filter(username=f"{sheet.department.code}_head").first()
        for day, (name, text, reason, answer) in enumerate(PAST_COMMENTS, start=15):
            with clock.frozen(D(2026, 3, day)):
                comment = reports.comment_submit(report=report, text=text, name=name)
            with clock.frozen(D(2026, 3, 25)):
                if reason:
                    reports.comment_withhold(comment=comment, by=office, reason=reason)
                else:
                    reports.comment_publish(comment=comment, by=office)
            if answer and head:
                with clock.frozen(D(2026, 4, 2)):
                    reports.comment_answer(comment=comment, by=head, answer=answer)
        made.append(report)
    sheet = _self_sheet("jxw")
    if sheet and not PublicReport.objects.filter(sheet=sheet).exists():
        today = clock.today()
        report = reports.report_approve(
            sheet=sheet,
            by=office,
            opens=today - datetime.timedelta(days=3),
            closes=today + datetime.timedelta(days=30),
        )
        for name, text, publish in OPEN_COMMENTS:
            comment = reports.comment_submit(report=report, text=text, name=name)
            if publish:
                reports.comment_publish(comment=comment, by=office)
        made.append(report)
    return made
