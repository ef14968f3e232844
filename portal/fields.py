"""The fixed list of what a public target shows (issue 21 item 1), and the builder of its record.

Only the keys below are ever copied out of the workflow into ``PublicTarget.data``; every public
page, JSON answer, download and feed renders from that record. The README lists the same fields
with the reason each one is public. What is never copied: content drafts and revisions, the
negotiation thread, reported (unverified) values, narratives, problems and next steps of
progress reports, evidence files, verification comments, supervision orders and findings,
evaluation scores, people's names.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from audit.models import AuditEvent
from execution.models import ProgressReport, WarningSnapshot
from targets.models import Target, TargetDepartment

TARGET_FIELDS = (
    "id",
    "year",
    "code",
    "title",
    "kind",
    "indicator",
    "unit",
    "target_value",
    "aspect",
    "lead_department",
    "departments",
    "milestones",
    "periods",
    "warning_level",
    "status",
    "completion_percent",
    "completed_on",
)
ASPECT_FIELDS = ("number", "name")
DEPARTMENT_FIELDS = ("id", "name", "role")
LEAD_FIELDS = ("id", "name")
MILESTONE_FIELDS = ("quarter", "due_date", "description", "expected_value", "status")
PERIOD_FIELDS = ("period_start", "period_end", "verified_value", "verified_percent", "verified_on")
# The extra keys of a target in a list, a feed or the JSON API (where it lives on the portal).
LIST_FIELDS = ("id", "year", "code", "title", "aspect", "lead_department", "status")

# A target is public only in these states: a confirmed list and what became of it (Art. 12–14).
PUBLIC_STATES = (
    Target.State.CONFIRMED,
    Target.State.EXECUTING,
    Target.State.COMPLETED,
    Target.State.EVALUATED,
)


def number(value) -> str | None:
    if value is None:
        return None
    return format(Decimal(value).normalize(), "f")


def show_warning_level() -> bool:
    """Whether the public sees the early-warning colour (a setting: a city may keep it internal)."""
    return getattr(settings, "PORTAL_SHOW_WARNING_LEVEL", True)


def _percent(target: Target, report: ProgressReport | None) -> Decimal | None:
    if target.state in (Target.State.COMPLETED, Target.State.EVALUATED):
        return Decimal(100)
    if report is None:
        return None
    if report.verified_percent is not None:
        return report.verified_percent
    value, base, goal = report.verified_value, target.baseline, target.target_value
    if value is None or base is None or goal is None or goal == base:
        return None
    share = (Decimal(value) - base) / (goal - base) * 100
    return max(Decimal(0), min(Decimal(100), share)).quantize(Decimal("0.01"))


def target_record(target: Target) -> dict:
    """The public record of ``target``: exactly ``TARGET_FIELDS`` (the nested ones exactly their
    lists). Reads the target, its departments and node targets, its verified main progress
    reports and its latest warning; nothing else."""
    lead = target.lead_department
    departments = [{"id": lead.pk, "name": lead.name, "role": "lead"}]
    for row in TargetDepartment.objects.filter(target=target).select_related("department"):
        departments.append({"id": row.department_id, "name": row.department.name, "role": row.role})
    milestones = [
        {
            "quarter": m.quarter,
            "due_date": m.due_date.isoformat(),
            "description": m.description,
            "expected_value": number(m.expected_value),
            "status": m.status,
        }
        for m in target.milestones.all().order_by("quarter", "due_date", "id")
    ]
    # Only what the general office verified (审核值); the reported values stay internal.
    reports = list(
        ProgressReport.objects.filter(
            target=target, kind=ProgressReport.Kind.MAIN, state=ProgressReport.State.VERIFIED
        ).order_by("period_start")
    )
    periods = [
        {
            "period_start": r.period_start.isoformat(),
            "period_end": r.period_end.isoformat(),
            "verified_value": number(r.verified_value),
            "verified_percent": number(r.verified_percent),
            "verified_on": r.verified_at.date().isoformat() if r.verified_at else None,
        }
        for r in reports
    ]
    warning = ""
    if show_warning_level() and target.state == Target.State.EXECUTING:
        latest = WarningSnapshot.objects.filter(target=target).order_by("-period_start").first()
        warning = latest.level if latest else ""
    completed = (
        AuditEvent.objects.for_object(target)
        .with_action(Target, "complete")
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    percent = _percent(target, reports[-1] if reports else None)
    return {
        "id": target.pk,
        "year": target.plan_year.year,
        "code": target.code,
        "title": target.title,
        "kind": target.kind,
        "indicator": target.indicator,
        "unit": target.unit,
        "target_value": number(target.target_value),
        "aspect": {"number": target.aspect.number, "name": target.aspect.name},
        "lead_department": {"id": lead.pk, "name": lead.name},
        "departments": departments,
        "milestones": milestones,
        "periods": periods,
        "warning_level": warning,
        "status": target.state,
        "completion_percent": number(percent),
        "completed_on": completed.date().isoformat() if completed else None,
    }


# The annual self-evaluation report published for comment (002 七.3: 向社会公示年度自我综合效能
# 评价报告，接受评议; issue 21 item 4). Copied from the department's submitted self-evaluation
# sheet when the general office approves it; never refreshed (what was put up for comment stays
# what the public commented on). Never copied: raters' comments on the entries, other bodies'
# sheets and scores, results and ranks, who filled the sheet.
REPORT_FIELDS = (
    "year",
    "department",
    "scheme",
    "summary",
    "total_points",
    "max_points",
    "indicators",
    "submitted_on",
)
REPORT_INDICATOR_FIELDS = ("name", "max_points", "points", "passed")
# A report as the JSON API and the page show it: the record plus its comment period and its
# published comments (each exactly ``COMMENT_FIELDS``; ``name`` only if the citizen gave one).
REPORT_API_FIELDS = ("id", "comment_opens", "comment_closes", "open_for_comment", "comments")
COMMENT_FIELDS = ("id", "name", "text", "submitted_on", "answer", "answered_on")


def report_record(sheet) -> dict:
    """The public record of a self-evaluation ``sheet``: exactly ``REPORT_FIELDS``. Reads the
    sheet's summary report and its entries' points (not their comments)."""
    from evaluation.services import sheet_leaves

    entries = {e.indicator_id: e for e in sheet.entries.all()}
    indicators, total, maximum = [], Decimal(0), Decimal(0)
    for leaf in sheet_leaves(sheet):
        entry = entries.get(leaf.pk)
        points = entry.points if entry else None
        maximum += leaf.max_points
        total += points or 0
        indicators.append(
            {
                "name": leaf.name,
                "max_points": number(leaf.max_points),
                "points": number(points),
                "passed": entry.passed if entry else None,
            }
        )
    department = sheet.department
    return {
        "year": sheet.scheme.plan_year.year,
        "department": {"id": department.pk, "name": department.name},
        "scheme": sheet.scheme.name,
        "summary": sheet.summary,
        "total_points": number(total),
        "max_points": number(maximum),
        "indicators": indicators,
        "submitted_on": (
            timezone.localdate(sheet.submitted_at).isoformat() if sheet.submitted_at else None
        ),
    }
