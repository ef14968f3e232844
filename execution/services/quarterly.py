"""Quarterly reports (季度报告) and the general office's quarterly summary (季度汇总) — Shanghai
Art. 17: each quarter the departments report to their vice-mayor through the general office.

Drafting (``quarterly_draft``, run by beat after the quarter's due date and on demand) fills
the drafted columns from the quarter's verified progress; re-drafting rewrites only those, and
only while the report is a draft — never a narrative a person wrote. Every transition and
instruction is audited in the same transaction; every state change goes through
``workflow.transitions.transition_apply``; notifications go through
``notifications.services.notify``.
"""

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import access_for
from accounts.models import LeaderPortfolio, Membership, User
from audit.models import AuditEvent
from audit.services import audit_record
from notifications.services import notify
from targets.models import Milestone, PlanYear, Target
from workflow.errors import Conflict, NotFoundForUser, NotPermitted, ValidationFailed
from workflow.transitions import lock, require_transition_permission, transition_apply

from .. import clock, periods
from ..models import (
    AdjustmentRequest,
    CoordinationItem,
    ProgressReport,
    QuarterlyInstruction,
    QuarterlyReport,
    QuarterlyReportItem,
    QuarterlySummary,
    WarningSnapshot,
)
from ..permissions import quarterly as perms
from ..selectors.completion_rate import report_completion

TEXT_MAX_LENGTH = 4000
# Targets a quarterly report covers: those in execution (and those finished this year).
REPORTED_STATES = (Target.State.EXECUTING, Target.State.COMPLETED)
KIND_QUARTERLY = "quarterly_report"
KIND_INSTRUCTION = "quarterly_instruction"


def _error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [message]})


def _text(value, field, *, required_message=None) -> str:
    value = (value or "").strip()
    if required_message and not value:
        raise _error(field, required_message)
    if len(value) > TEXT_MAX_LENGTH:
        raise _error(field, _("内容不能超过%(n)s字。") % {"n": TEXT_MAX_LENGTH})
    return value


def check_quarter(quarter) -> int:
    try:
        quarter = int(quarter)
    except (TypeError, ValueError):
        quarter = 0
    if quarter not in (1, 2, 3, 4):
        raise _error("quarter", _("季度须为1至4。"))
    return quarter


def quarter_end_period(plan_year: PlanYear, quarter: int) -> periods.Period:
    """The reporting period that closes ``quarter`` (the quarter itself, or its third month)."""
    end = plan_year.quarter_bounds(quarter)[1]
    return next(p for p in periods.periods_of(plan_year) if p.end == end)


# --- drafting ---------------------------------------------------------------------------------


def _drafted_lines(plan_year: PlanYear, quarter: int, department_ids=None) -> dict[int, list]:
    """For each department, the drafted line of each target it leads: the quarter's node target,
    the latest verified main report of the quarter, the warning at the quarter's end. A fixed
    number of queries whatever the number of targets."""
    q_start, q_end = plan_year.quarter_bounds(quarter)
    targets = Target.objects.filter(plan_year=plan_year, state__in=REPORTED_STATES)
    if department_ids is not None:
        targets = targets.filter(lead_department_id__in=department_ids)
    rows = list(targets.order_by("code").values_list("pk", "lead_department_id"))
    ids = [pk for pk, _dept in rows]
    milestones: dict[int, list[str]] = {}
    for target_id, description in Milestone.objects.filter(
        target_id__in=ids, quarter=quarter
    ).values_list("target_id", "description"):
        milestones.setdefault(target_id, []).append(description)
    reports = {}
    for report in ProgressReport.objects.filter(
        target_id__in=ids,
        kind=ProgressReport.Kind.MAIN,
        state=ProgressReport.State.VERIFIED,
        period_start__gte=q_start,
        period_end__lte=q_end,
    ).order_by("period_start"):
        reports[report.target_id] = report  # the latest of the quarter wins
    snapshots = {}
    for snap in WarningSnapshot.objects.filter(
        target_id__in=ids, period_start__gte=q_start, period_end__lte=q_end
    ).order_by("period_start"):
        snapshots[snap.target_id] = snap
    lines: dict[int, list] = {}
    for target_id, dept_id in rows:
        report = reports.get(target_id)
        snap = snapshots.get(target_id)
        problems = report.problems if report else ""
        if snap is not None and snap.level == WarningSnapshot.Level.RED and snap.reason:
            problems = "\n".join(p for p in (snap.reason, problems) if p)
        lines.setdefault(dept_id, []).append(
            {
                "target_id": target_id,
                "milestone": "\n".join(milestones.get(target_id, [])),
                "reported_value": report.actual_value if report else None,
                "verified_value": report.verified_value if report else None,
                "verified_percent": report.verified_percent if report else None,
                "level": snap.level if snap else "",
                "problems": problems,
            }
        )
    return lines


DRAFTED_FIELDS = [
    "milestone",
    "reported_value",
    "verified_value",
    "verified_percent",
    "level",
    "problems",
]


@transaction.atomic
def quarterly_draft(*, plan_year: PlanYear, quarter: int, by: User | None = None) -> int:
    """起草: create or refresh each department's quarterly report of ``quarter`` and the general
    office's summary. Reports already submitted and published summaries are left alone; in a
    draft, only the drafted columns change (the department's narrative is kept). ``by`` is None
    when beat runs it. Returns the number of reports created or refreshed."""
    if by is not None and not perms.may_draft(by):
        raise NotPermitted(_("只有目标办可以起草季度报告。"))
    quarter = check_quarter(quarter)
    # Two drafting runs of one year (beat and the office's button) wait for each other rather
    # than both inserting the same department's report.
    PlanYear.objects.select_for_update().filter(pk=plan_year.pk).first()
    now = clock.now()
    lines = _drafted_lines(plan_year, quarter)
    existing = {
        r.department_id: r
        for r in QuarterlyReport.objects.select_for_update().filter(
            plan_year=plan_year, quarter=quarter
        )
    }
    new = [
        QuarterlyReport(
            plan_year=plan_year,
            quarter=quarter,
            department_id=dept_id,
            drafted_at=now,
            updated_at=now,
        )
        for dept_id in lines
        if dept_id not in existing
    ]
    QuarterlyReport.objects.bulk_create(new)
    for report in new:
        audit_record(actor=by, obj=report, action=AuditEvent.Action.CREATE)
    drafts = [r for r in existing.values() if r.state == QuarterlyReport.State.DRAFT] + new
    draft_ids = [r.pk for r in drafts]
    items = {
        (i.report_id, i.target_id): i
        for i in QuarterlyReportItem.objects.filter(report_id__in=draft_ids)
    }
    to_create, to_update = [], []
    for report in drafts:
        for line in lines.get(report.department_id, []):
            item = items.get((report.pk, line["target_id"]))
            values = {k: line[k] for k in DRAFTED_FIELDS}
            if item is None:
                to_create.append(
                    QuarterlyReportItem(report=report, target_id=line["target_id"], **values)
                )
            else:
                for key, value in values.items():
                    setattr(item, key, value)
                to_update.append(item)
    QuarterlyReportItem.objects.bulk_create(to_create)
    QuarterlyReportItem.objects.bulk_update(to_update, DRAFTED_FIELDS, batch_size=500)
    QuarterlyReport.objects.filter(pk__in=draft_ids).update(drafted_at=now)
    _draft_summary(plan_year, quarter, now, by)
    return len(drafts)


def quarterly_draft_request(*, by: User, plan_year_id, quarter) -> tuple[PlanYear, int]:
    """The general office asks for a quarter to be drafted now: who may (403) first, then which
    year (404) and which quarter (400). Returns what to draft; the page queues the task."""
    if not perms.may_draft(by):
        raise NotPermitted(_("只有目标办可以起草季度报告。"))
    plan_year = (
        PlanYear.objects.filter(pk=plan_year_id).first() if str(plan_year_id).isdigit() else None
    )
    if plan_year is None:
        raise NotFoundForUser(_("年度不存在。"))
    return plan_year, check_quarter(quarter)


def summary_figures(plan_year: PlanYear, quarter: int) -> dict:
    """The figures of the quarterly summary (Art. 17): targets by state and by warning level,
    levels per aspect and per portfolio, the red list with reasons, reports not filed for the
    quarter per department, open coordination items, adjustments approved in the quarter."""
    q_start, q_end = plan_year.quarter_bounds(quarter)
    period = quarter_end_period(plan_year, quarter)
    targets = Target.objects.filter(plan_year=plan_year)
    by_state = dict(targets.values_list("state").annotate(n=Count("pk")).order_by())
    snaps = WarningSnapshot.objects.filter(target__plan_year=plan_year, period_start=period.start)
    by_level = dict(snaps.values_list("level").annotate(n=Count("pk")).order_by())
    per_aspect: dict[str, dict] = {}
    for name, level, n in (
        snaps.values_list("target__aspect__name", "level").annotate(n=Count("pk")).order_by()
    ):
        per_aspect.setdefault(name or "", {})[level] = n
    leaders = {}
    for leader_name, dept_id in LeaderPortfolio.objects.values_list(
        "leader__display_name", "department_id"
    ):
        leaders.setdefault(dept_id, leader_name)
    per_portfolio: dict[str, dict] = {}
    for dept_id, level, n in (
        snaps.values_list("target__lead_department_id", "level").annotate(n=Count("pk")).order_by()
    ):
        row = per_portfolio.setdefault(leaders.get(dept_id, ""), {})
        row[level] = row.get(level, 0) + n
    red = [
        {
            "code": s.target.code,
            "title": s.target.title,
            "department": s.target.lead_department.name,
            "reason": s.reason,
        }
        for s in snaps.filter(level=WarningSnapshot.Level.RED)
        .select_related("target__lead_department")
        .order_by("target__code")
    ]
    completion = report_completion(plan_year=plan_year, period=period)
    overdue = [
        {"department": row.department_name, "missing": row.missing, "late": row.late}
        for row in completion.rows
        if row.missing or row.late
    ]
    open_coordination = CoordinationItem.objects.filter(
        target__plan_year=plan_year,
        state__in=[CoordinationItem.State.OPEN, CoordinationItem.State.ESCALATED],
    ).count()
    approved = AdjustmentRequest.objects.filter(
        target__plan_year=plan_year,
        state=AdjustmentRequest.State.APPROVED,
        decided_at__date__gte=q_start,
        decided_at__date__lte=q_end,
    ).count()
    return {
        "by_state": by_state,
        "by_level": by_level,
        "per_aspect": per_aspect,
        "per_portfolio": per_portfolio,
        "red": red,
        "overdue_reports": overdue,
        "open_coordination": open_coordination,
        "approved_adjustments": approved,
    }


def _draft_summary(plan_year, quarter, now, by):
    summary = (
        QuarterlySummary.objects.select_for_update()
        .filter(plan_year=plan_year, quarter=quarter)
        .first()
    )
    if summary is not None and summary.state != QuarterlySummary.State.DRAFT:
        return summary
    figures = summary_figures(plan_year, quarter)
    if summary is None:
        summary = QuarterlySummary.objects.create(
            plan_year=plan_year, quarter=quarter, figures=figures, drafted_at=now, updated_at=now
        )
        audit_record(actor=by, obj=summary, action=AuditEvent.Action.CREATE)
    else:
        summary.figures = figures
        summary.drafted_at = now
        summary.save(update_fields=["figures", "drafted_at"])
    return summary


def quarters_due(plan_year: PlanYear, today) -> list[int]:
    """The quarters whose report due date has passed (the beat task drafts these)."""
    return [
        q
        for q in range(1, 5)
        if periods.report_due_date(plan_year, quarter_end_period(plan_year, q)) < today
    ]


def quarterly_draft_due() -> int:
    """Beat: draft every executing year's quarters whose due date has passed."""
    today = clock.today()
    total = 0
    for plan_year in PlanYear.objects.filter(status=PlanYear.Status.EXECUTING):
        for quarter in quarters_due(plan_year, today):
            total += quarterly_draft(plan_year=plan_year, quarter=quarter)
    return total


# --- the department's edits and the chain of transitions ----------------------------------------


def _lock(report: QuarterlyReport) -> QuarterlyReport:
    # Only the report's row (not its year's, which drafting locks first).
    return (
        QuarterlyReport.objects.select_for_update(of=("self",))
        .select_related("plan_year", "department")
        .get(pk=report.pk)
    )


@transaction.atomic
def quarterly_report_update(
    *,
    report: QuarterlyReport,
    by: User,
    summary: str,
    next_steps: str = "",
    narratives: dict | None = None,
) -> QuarterlyReport:
    """The department writes the narrative parts (总体情况, 下一季度安排, each target's 情况说明)."""
    report = _lock(report)
    if not perms.may_edit(report, by):
        if report.department_id in access_for(by).member_departments:
            raise Conflict(_("季度报告已报送，不能再修改。"))
        raise NotPermitted(_("只有本部门可以修改季度报告。"))
    summary = _text(summary, "summary")
    next_steps = _text(next_steps, "next_steps")
    items = {i.target_id: i for i in report.items.all()}
    changed_items, before = [], {}
    for target_id, text in (narratives or {}).items():
        item = items.get(int(target_id)) if str(target_id).isdigit() else None
        if item is None:
            raise _error("narratives", _("报告中没有该目标。"))
        text = _text(text, f"narrative_{target_id}")
        if text != item.narrative:
            before[item.target_id] = item.narrative
            item.narrative = text
            changed_items.append(item)
    changes = {}
    if summary != report.summary:
        changes["summary"] = [report.summary, summary]
    if next_steps != report.next_steps:
        changes["next_steps"] = [report.next_steps, next_steps]
    if changed_items:
        # ``items``: each changed target's 情况说明, by target code (QuarterlyReport.audit_display).
        codes = dict(
            Target.objects.filter(pk__in=[i.target_id for i in changed_items]).values_list(
                "pk", "code"
            )
        )
        changes["items"] = [
            {codes[i.target_id]: before[i.target_id] for i in changed_items},
            {codes[i.target_id]: i.narrative for i in changed_items},
        ]
    report.summary, report.next_steps = summary, next_steps
    report.updated_at = clock.now()
    report.save(update_fields=["summary", "next_steps", "updated_at"])
    QuarterlyReportItem.objects.bulk_update(changed_items, ["narrative"])
    if changes:
        audit_record(actor=by, obj=report, action=AuditEvent.Action.UPDATE, changes=changes)
    return report


def _transition(obj, by, name: str, *, forbidden: str, **fields):
    """A report's or summary's step through the one transition path (``transition_apply``), with
    this stage's words for a refused or raced step. ``obj`` is the locked row."""
    kind = obj._meta.verbose_name
    return transition_apply(
        obj,
        name,
        by=by,
        locked=True,
        forbidden=forbidden,
        refused=_("%(kind)s当前为“%(state)s”状态，不能执行此操作（可能已被他人处理，请刷新）。")
        % {"kind": kind, "state": obj.get_state_display()},
        raced=_("该%(kind)s已被他人处理，请刷新后查看。") % {"kind": kind},
        **fields,
    )


def _report_url(report) -> str:
    return reverse("execution:quarterly_detail", args=[report.pk])


@transaction.atomic
def quarterly_report_submit(*, report: QuarterlyReport, by: User) -> QuarterlyReport:
    """报送: the head sends it to the general office. Every red target needs its 情况说明
    (Art. 16–17: the leader must read why, not just that it is red)."""
    report = _lock(report)
    forbidden = _("只有本部门主要负责人可以报送季度报告。")
    require_transition_permission(report, "submit", by, message=forbidden)
    if report.state == QuarterlyReport.State.DRAFT:
        missing = list(
            report.items.filter(level=WarningSnapshot.Level.RED, narrative="")
            .order_by("target__code")
            .values_list("target__code", flat=True)
        )
        if missing:
            raise _error(
                "narratives",
                _("红色预警目标须填写情况说明后才能报送：%(codes)s。")
                % {"codes": "、".join(missing)},
            )
    now = clock.now()
    report = _transition(
        report,
        by,
        "submit",
        forbidden=forbidden,
        stamps={"submitted_by": by, "submitted_at": now, "updated_at": now},
    )
    office = Membership.objects.filter(role=Membership.Role.GENERAL_OFFICE).values_list(
        "user_id", flat=True
    )
    notify(
        recipients=list(office),
        kind=KIND_QUARTERLY,
        title=_("%(dept)s报送了%(year)s年第%(q)s季度报告")
        % {"dept": report.department.name, "year": report.plan_year.year, "q": report.quarter},
        url=_report_url(report),
        obj=report,
        key=f"quarterly:{report.pk}:submitted",
    )
    return report


def leader_of(report: QuarterlyReport) -> User | None:
    """The vice-mayor whose portfolio (分管) holds the department (Art. 17)."""
    row = (
        LeaderPortfolio.objects.filter(department_id=report.department_id)
        .select_related("leader")
        .order_by("id")
        .first()
    )
    return row.leader if row else None


@transaction.atomic
def quarterly_report_forward(*, report: QuarterlyReport, by: User) -> QuarterlyReport:
    """转呈: the general office forwards it to the department's vice-mayor (Art. 17)."""
    report = _lock(report)
    forbidden = _("只有目标办可以转呈季度报告。")
    require_transition_permission(report, "forward", by, message=forbidden)
    leader = leader_of(report)
    if leader is None and report.state == QuarterlyReport.State.SUBMITTED:
        raise Conflict(_("该部门没有分管市领导，请先在分管关系中设置。"))
    now = clock.now()
    report = _transition(
        report,
        by,
        "forward",
        forbidden=forbidden,
        values={"leader": leader},
        stamps={"forwarded_by": by, "forwarded_at": now, "updated_at": now},
    )
    notify(
        recipients=[leader],
        kind=KIND_QUARTERLY,
        title=_("请阅：%(dept)s%(year)s年第%(q)s季度报告")
        % {"dept": report.department.name, "year": report.plan_year.year, "q": report.quarter},
        url=_report_url(report),
        obj=report,
        key=f"quarterly:{report.pk}:forwarded",
    )
    return report


@transaction.atomic
def quarterly_report_mark_read(*, report: QuarterlyReport, by: User) -> QuarterlyReport:
    return _mark_read(_lock(report), by)


def _mark_read(report: QuarterlyReport, by: User) -> QuarterlyReport:
    now = clock.now()
    return _transition(
        report,
        by,
        "mark_read",
        forbidden=_("只有分管市领导可以阅示季度报告。"),
        stamps={"read_at": now, "updated_at": now},
    )


def _department_members(department_id) -> list[int]:
    return list(
        Membership.objects.filter(
            department_id=department_id, role__in=[Membership.Role.STAFF, Membership.Role.HEAD]
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def quarterly_instruction_create(
    *, report: QuarterlyReport, by: User, body: str
) -> QuarterlyInstruction:
    """批示: the vice-mayor's instruction; the department is told and answers it."""
    report = _lock(report)
    if not perms.may_instruct(report, by):
        raise NotPermitted(_("只有分管市领导可以对季度报告作出批示。"))
    body = _text(body, "body", required_message=_("请填写批示内容。"))
    instruction = QuarterlyInstruction.objects.create(
        report=report, author=by, body=body, created_at=clock.now()
    )
    audit_record(
        actor=by,
        obj=report,
        action=AuditEvent.Action.COMMENT,
        comment=body,
        changes={"instructions": [None, body]},
    )
    if report.state == QuarterlyReport.State.FORWARDED:
        _mark_read(report, by)
    notify(
        recipients=_department_members(report.department_id),
        kind=KIND_INSTRUCTION,
        title=_("%(leader)s对%(year)s年第%(q)s季度报告作出批示")
        % {
            "leader": by.display_name or by.username,
            "year": report.plan_year.year,
            "q": report.quarter,
        },
        body=body,
        url=_report_url(report),
        obj=report,
        key=f"quarterly-instruction:{instruction.pk}",
    )
    return instruction


@transaction.atomic
def quarterly_instruction_answer(
    *, instruction: QuarterlyInstruction, by: User, answer: str
) -> QuarterlyInstruction:
    """The department reports how it carries the instruction out (落实情况)."""
    instruction = (
        QuarterlyInstruction.objects.select_for_update(of=("self",))
        .select_related("report")
        .get(pk=instruction.pk)
    )
    if not perms.may_answer(instruction.report, by):
        raise NotPermitted(_("只有本部门可以答复批示。"))
    answer = _text(answer, "answer", required_message=_("请填写落实情况。"))
    old = instruction.answer
    instruction.answer, instruction.answered_by, instruction.answered_at = (
        answer,
        by,
        clock.now(),
    )
    instruction.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(
        actor=by,
        obj=instruction.report,
        action=AuditEvent.Action.COMMENT,
        comment=answer,
        changes={"instruction_answer": [old or None, answer]},
    )
    if instruction.report.leader_id:
        notify(
            recipients=[instruction.report.leader_id],
            kind=KIND_INSTRUCTION,
            title=_("批示落实情况已答复"),
            body=answer,
            url=_report_url(instruction.report),
            obj=instruction.report,
            key=f"quarterly-answer:{instruction.pk}:{instruction.answered_at.isoformat()}",
        )
    return instruction


# --- the general office's summary ---------------------------------------------------------------


@transaction.atomic
def quarterly_summary_update(*, summary: QuarterlySummary, by: User, text: str):
    summary = QuarterlySummary.objects.select_for_update().get(pk=summary.pk)
    if not access_for(by).is_general_office:
        raise NotPermitted(_("只有目标办可以编辑季度汇总。"))
    if summary.state != QuarterlySummary.State.DRAFT:
        raise Conflict(_("季度汇总已印发，不能再修改。"))
    text = _text(text, "text")
    old = summary.text
    summary.text = text
    summary.updated_at = clock.now()
    summary.save(update_fields=["text", "updated_at"])
    if old != text:
        audit_record(
            actor=by, obj=summary, action=AuditEvent.Action.UPDATE, changes={"text": [old, text]}
        )
    return summary


@transaction.atomic
def quarterly_summary_publish(*, summary: QuarterlySummary, by: User) -> QuarterlySummary:
    """印发: the office publishes the summary to the mayor and the vice-mayors."""
    summary = lock(summary)
    forbidden = _("只有目标办可以印发季度汇总。")
    require_transition_permission(summary, "publish", by, message=forbidden)
    if summary.state != QuarterlySummary.State.DRAFT:
        raise Conflict(_("季度汇总已印发。"))
    if not summary.text.strip():
        raise _error("text", _("请先填写汇总说明再印发。"))
    now = clock.now()
    summary = _transition(
        summary,
        by,
        "publish",
        forbidden=forbidden,
        stamps={"published_by": by, "published_at": now, "updated_at": now},
    )
    leaders = Membership.objects.filter(role=Membership.Role.LEADER).values_list(
        "user_id", flat=True
    )
    notify(
        recipients=list(leaders),
        kind=KIND_QUARTERLY,
        title=_("%(year)s年第%(q)s季度目标执行情况汇总已印发")
        % {"year": summary.plan_year.year, "q": summary.quarter},
        url=reverse("execution:quarterly_summary", args=[summary.pk]),
        obj=summary,
        key=f"quarterly-summary:{summary.pk}",
    )
    return summary
