"""Public reads: only the portal's own tables, only what is published."""

from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import access_for
from accounts.models import Department
from evaluation.models import EvaluationScheme, ScoreSheet
from execution import clock

from .models import (
    PublicComment,
    PublicReport,
    PublicSummary,
    PublicTarget,
    PublicYear,
    Subscription,
)


def public_years() -> QuerySet[PublicYear]:
    return PublicYear.objects.order_by("-year")


def public_targets(year: int | None = None) -> QuerySet[PublicTarget]:
    qs = PublicTarget.objects.filter(state=PublicTarget.State.PUBLISHED).select_related(
        "lead_department"
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("aspect_number", "code")


def public_target(target_id: int) -> PublicTarget:
    """The published record of target ``target_id``; a draft, an unpublished or withdrawn target
    answers 404 — the same as a number that does not exist."""
    row = public_targets().filter(target_id=target_id).first()
    if row is None:
        raise Http404
    return row


def subscription_for_token(token: str) -> Subscription | None:
    """The subscription whose e-mailed link carries ``token`` (its reader is whoever holds the
    link), or None for an unknown or deleted one. Reads only: opening a link changes nothing."""
    return Subscription.objects.filter(token=token).first()


def filter_targets(qs, *, q: str = "", aspect: str = "", department: str = "", status: str = ""):
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__icontains=q) | Q(aspect_name__icontains=q))
    if aspect.isdigit():
        qs = qs.filter(aspect_number=int(aspect))
    if department.isdigit():
        qs = qs.filter(departments__id=int(department)).distinct()
    if status:
        qs = qs.filter(status=status)
    return qs


def aspects_of(year: int) -> list[tuple[int, str]]:
    return list(
        public_targets(year)
        .order_by("aspect_number")
        .values_list("aspect_number", "aspect_name")
        .distinct()
    )


def public_departments(year: int | None = None) -> QuerySet[Department]:
    """Departments that take part in at least one published target (of ``year``)."""
    published = Q(public_targets__state=PublicTarget.State.PUBLISHED)
    if year is not None:
        published &= Q(public_targets__year=year)
    return (
        Department.objects.filter(published)
        .annotate(public_count=Count("public_targets", filter=published))
        .order_by("sort_order", "id")
    )


def public_department(department_id: int) -> Department:
    department = public_departments().filter(pk=department_id).first()
    if department is None:
        raise Http404
    return department


def approved_summaries(department: Department) -> QuerySet[PublicSummary]:
    return PublicSummary.objects.filter(
        department=department, state=PublicSummary.State.APPROVED
    ).order_by("-year", "-quarter")


def _round(value) -> str | None:
    return None if value is None else format(Decimal(value).quantize(Decimal("0.1")), "f")


def year_overview(year: int) -> dict:
    """The year's completion overview: counts by status and warning level, average completion
    by aspect and by lead department (from the public records only)."""
    qs = public_targets(year)
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    by_warning = dict(
        qs.exclude(warning_level="").order_by().values_list("warning_level").annotate(n=Count("id"))
    )
    aspects = [
        {
            "number": row["aspect_number"],
            "name": row["aspect_name"],
            "targets": row["n"],
            "average_percent": _round(row["avg"]),
        }
        for row in qs.order_by("aspect_number")
        .values("aspect_number", "aspect_name")
        .annotate(n=Count("id"), avg=Avg("completion_percent"))
    ]
    departments = [
        {
            "id": row["lead_department"],
            "name": row["lead_department__name"],
            "targets": row["n"],
            "average_percent": _round(row["avg"]),
        }
        for row in qs.order_by("lead_department__sort_order", "lead_department")
        .values("lead_department", "lead_department__name")
        .annotate(n=Count("id"), avg=Avg("completion_percent"))
    ]
    total = sum(by_status.values())
    return {
        "year": year,
        "targets": total,
        "by_status": by_status,
        "by_warning_level": by_warning,
        "average_percent": _round(qs.aggregate(avg=Avg("completion_percent"))["avg"]),
        "aspects": aspects,
        "departments": departments,
    }


# The self-evaluation reports published for comment (002 七.3): only published comments.


def public_reports(year: int | None = None) -> QuerySet[PublicReport]:
    qs = PublicReport.objects.select_related("department").annotate(
        published_comments=Count("comments", filter=Q(comments__state="published"))
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "department__sort_order", "id")


def department_reports(department: Department) -> QuerySet[PublicReport]:
    """The department's reports published for comment, latest year first (its public page). A
    report exists only once the office approved it for publication: each row is public."""
    return PublicReport.objects.filter(department=department).order_by("-year", "id")


def report_years() -> list[int]:
    return list(PublicReport.objects.order_by("-year").values_list("year", flat=True).distinct())


def public_report(report_id: int) -> PublicReport:
    report = PublicReport.objects.select_related("department").filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


def published_comments(report: PublicReport) -> QuerySet[PublicComment]:
    return report.comments.filter(state=PublicComment.State.PUBLISHED).order_by(
        "submitted_at", "id"
    )


def comment_record(comment: PublicComment) -> dict:
    """A published comment as the public sees it: exactly ``fields.COMMENT_FIELDS``."""
    return {
        "id": comment.pk,
        "name": comment.name,
        "text": comment.text,
        "submitted_on": timezone.localdate(comment.submitted_at).isoformat(),
        "answer": comment.answer,
        "answered_on": (
            timezone.localdate(comment.answered_at).isoformat() if comment.answered_at else None
        ),
    }


def report_public(report: PublicReport) -> dict:
    """The report as JSON: ``fields.REPORT_API_FIELDS`` plus its record's ``REPORT_FIELDS``."""
    return {
        "id": report.pk,
        "comment_opens": report.comment_opens.isoformat(),
        "comment_closes": report.comment_closes.isoformat(),
        "open_for_comment": report.open_on(clock.today()),
        "comments": [comment_record(c) for c in published_comments(report)],
        **report.data,
    }


# The signed-in side: what the office may approve and moderate, what a department answers.

# A self-evaluation may be published once the department has submitted it (or it is locked):
# the one definition for the list of candidates and for ``reports.report_approve``'s check.
PUBLISHABLE_SHEET_STATES = (ScoreSheet.State.SUBMITTED, ScoreSheet.State.LOCKED)


def sheets_ready_to_publish() -> QuerySet[ScoreSheet]:
    """Departments' self-evaluations with a summary report, submitted or locked, of a scheme in
    force, not yet published."""
    return (
        ScoreSheet.objects.filter(is_self=True, state__in=PUBLISHABLE_SHEET_STATES)
        .exclude(scheme__state=EvaluationScheme.State.SUPERSEDED)
        .exclude(summary="")
        .exclude(pk__in=PublicReport.objects.values("sheet_id"))
        .select_related("scheme__plan_year", "department")
        .order_by("-scheme__plan_year__year", "department__sort_order")
    )


def reports_managed_by(user, *, is_office: bool) -> QuerySet[PublicReport]:
    """Every published report for the office; a department's own otherwise."""
    qs = PublicReport.objects.select_related("department").order_by(
        "-year", "department__sort_order"
    )
    if not is_office:
        qs = qs.filter(department_id__in=access_for(user).member_departments)
    return qs[:200]


def comments_to_answer(department_ids) -> QuerySet[PublicComment]:
    """Published comments on the reports of ``department_ids``, unanswered first."""
    return (
        PublicComment.objects.filter(
            state=PublicComment.State.PUBLISHED, report__department_id__in=department_ids
        )
        .select_related("report__department")
        .order_by("answered_at", "submitted_at")[:100]
    )


def comments_in_moderation(state: str) -> QuerySet[PublicComment]:
    return (
        PublicComment.objects.filter(state=state)
        .select_related("report__department", "moderated_by")
        .order_by("submitted_at", "id")
    )
