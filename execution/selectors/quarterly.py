"""Reads for quarterly reports and summaries (Shanghai Art. 17), filtered to the reader. A report
the reader may not read does not exist for them (404).

- the department's staff and head: their department's reports, drafts included;
- the general office, supervision office, auditors, administrators: every report once submitted;
- vice-mayors: the forwarded reports of their portfolio's departments (and those forwarded to
  them); the mayor and the executive vice-mayor: every forwarded report.
Summaries: the general office all of them; leaders, supervision and auditors the published ones.
"""

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.access import access_for
from audit.models import AuditEvent

from ..models import QuarterlyInstruction, QuarterlyReport, QuarterlyReportItem, QuarterlySummary
from ..permissions.quarterly import is_city_wide_leader

States = QuarterlyReport.State
AFTER_SUBMISSION = (States.SUBMITTED, States.FORWARDED, States.READ)
FORWARDED = (States.FORWARDED, States.READ)


def visible_quarterly_reports(user) -> QuerySet[QuarterlyReport]:
    access = access_for(user)
    qs = QuarterlyReport.objects.all()
    if access.user_id is None:
        return qs.none()
    members = access.member_departments
    visible = Q(department_id__in=members) if members else Q(pk__in=[])
    if access.reads_everything:
        return qs.filter(visible | Q(state__in=AFTER_SUBMISSION))
    if access.is_leader:
        if is_city_wide_leader(user):
            visible |= Q(state__in=FORWARDED)
        else:
            visible |= Q(state__in=FORWARDED) & (
                Q(department_id__in=access.portfolio) | Q(leader_id=access.user_id)
            )
    return qs.filter(visible)


def quarterly_report_list(user, *, plan_year=None, quarter=None) -> QuerySet[QuarterlyReport]:
    qs = (
        visible_quarterly_reports(user)
        .select_related("plan_year", "department", "leader")
        .annotate(
            red_count=Count("items", filter=Q(items__level="red"), distinct=True),
            instruction_count=Count("instructions", distinct=True),
        )
    )
    if plan_year is not None:
        qs = qs.filter(plan_year=plan_year)
    if quarter:
        qs = qs.filter(quarter=quarter)
    return qs.order_by("-plan_year__year", "-quarter", "department__sort_order", "department_id")


def quarterly_report_detail_queryset(user) -> QuerySet[QuarterlyReport]:
    return (
        visible_quarterly_reports(user)
        .select_related("plan_year", "department", "leader", "submitted_by", "forwarded_by")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=QuarterlyReportItem.objects.select_related("target").order_by(
                    "target__code"
                ),
            ),
            Prefetch(
                "instructions",
                queryset=QuarterlyInstruction.objects.select_related(
                    "author", "answered_by"
                ).order_by("created_at", "id"),
            ),
        )
    )


def visible_instructions(user) -> QuerySet[QuarterlyInstruction]:
    return QuarterlyInstruction.objects.filter(
        report__in=visible_quarterly_reports(user).values("pk")
    )


def visible_summaries(user) -> QuerySet[QuarterlySummary]:
    access = access_for(user)
    qs = QuarterlySummary.objects.select_related("plan_year", "published_by")
    if access.user_id is None:
        return qs.none()
    if access.is_general_office or access.is_superuser:
        return qs
    if access.reads_everything or access.is_leader:
        return qs.filter(state=QuarterlySummary.State.PUBLISHED)
    return qs.none()


def history(obj) -> QuerySet[AuditEvent]:
    """A quarterly report's or summary's own audit trail, oldest first (Art. 14 全程记录)."""
    return AuditEvent.objects.for_object(obj)
