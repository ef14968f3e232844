"""The demo city's public side (after ``seed_demo``): the general office publishes the execution
year's confirmed list and the last year's, and approves one department's public summary, all
through the portal's services. Safe to run again (it publishes only what is not public yet)."""

from django.db import transaction

from accounts.models import Department, User
from targets.models import PlanYear
from workflow.errors import ValidationFailed

from . import services
from .models import PublicSummary

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
    return results
