"""The department home's reads, narrow (issue 20): ``selectors.department_home`` calls these.

Building the home after a write cost ~39 ms, most of it compiling and reading wide queries:
every list joined whole rows (a target's 33 columns, a user's password hash) to show a code and
a title, and three queries read the department's targets again (its own, the to-do list's, the
returned ones). Here one query reads the targets once, and each list reads only the columns the
page and the API show (``dashboards.api.DepartmentHomeView``): the same objects, same order.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef, Q

from execution import clock
from execution.models import (
    CoordinationDuty,
    CoordinationItem,
    ProgressReport,
    QuarterlyInstruction,
    QuarterlyReport,
    WarningExplanation,
    WarningSnapshot,
)
from execution.selectors.progress import owed_rows
from supervision.selectors import findings_owed, orders_owed
from targets.models import Milestone, Target, TargetDepartment
from workflow.generations import partitioned

EXECUTING, RETURNED = Target.State.EXECUTING, Target.State.RETURNED
TARGET_FIELDS = ("code", "title", "state", "lead_department_id", "plan_year")
# Both reads of the reports filter on the reporting department: the cached home depends on its
# departments' partitions only, so another department's save leaves it cached (issue 20).
REPORTS = ProgressReport._meta.db_table


def targets_of(depts) -> list[Target]:
    """The targets the departments lead (executing or returned) or cooperate on (executing),
    by code, with the latest warning level and red streak, and ``coop_departments``: which of
    ``depts`` cooperate on it (the to-do list owes their task reports, Art. 16). One query."""
    latest = WarningSnapshot.objects.filter(target=OuterRef("pk")).order_by("-period_start")
    coop = TargetDepartment.objects.filter(
        department_id__in=depts, role=TargetDepartment.Role.COOPERATING
    )
    targets = (
        Target.objects.filter(
            Q(lead_department_id__in=depts, state__in=(EXECUTING, RETURNED))
            # ``IN (…)`` uncorrelated: read once (hashed), not a subquery per target of the city.
            | Q(pk__in=coop.values("target_id"), state=EXECUTING)
        )
        .annotate(
            warning_level=latest.values("level")[:1],
            warning_red_since=latest.values("red_since")[:1],
        )
        .select_related("plan_year")
        .only(*TARGET_FIELDS)
        .order_by("code")
    )
    if connection.vendor == "postgresql":
        return list(
            targets.annotate(
                coop_departments=ArraySubquery(
                    coop.filter(target=OuterRef("pk")).order_by("id").values("department_id")
                )
            )
        )
    # SQLite (``make run``) has no arrays: the cooperating departments in a second query.
    targets = list(targets)
    by_target: dict[int, list[int]] = {}
    for target_id, department_id in (
        coop.filter(target__in=[t.pk for t in targets])
        .order_by("id")
        .values_list("target_id", "department_id")
    ):
        by_target.setdefault(target_id, []).append(department_id)
    for t in targets:
        t.coop_departments = by_target.get(t.pk, [])
    return targets


def todo(targets: list[Target], depts) -> list:
    """``execution.selectors.progress.todo_rows`` for targets already read (its rule, its
    rows; without the departments' names, which the home does not show)."""
    executing = [t for t in targets if t.state == EXECUTING]
    if not executing:
        return []
    # One report per (target, department, period): no ordering needed, and none means no join.
    with partitioned(REPORTS, depts):
        reports = {
            (target_id, dept_id, start): (pk, state)
            for pk, target_id, dept_id, start, state in ProgressReport.objects.filter(
                target__in=[t.pk for t in executing], department_id__in=depts
            )
            .order_by()
            .values_list("pk", "target_id", "department_id", "period_start", "state")
        }
    coop_by_target = {t.pk: t.coop_departments for t in executing if t.coop_departments}
    return owed_rows(executing, coop_by_target, reports, members=depts, today=clock.today())


def unexplained_red(ours: list[Target]) -> list[Target]:
    """The red targets whose current red streak the department has not explained yet."""
    red = [t for t in ours if t.warning_level == "red"]
    if not red:
        return []
    explained = set(
        WarningExplanation.objects.filter(target__in=[t.pk for t in red])
        .order_by()
        .values_list("target_id", "red_since")
    )
    return [t for t in red if t.warning_red_since and (t.pk, t.warning_red_since) not in explained]


def overdue_milestones(ours: list[Target]) -> list[Milestone]:
    """``execution.selectors.progress.overdue_milestones`` for the executing targets already
    read: same rule (``Milestone.overdue_q``) and order (due date, target code, quarter),
    without joining the targets again."""
    if not ours:
        return []
    rank = {t.pk: (i, t) for i, t in enumerate(ours)}  # ``ours`` is by code
    rows = list(
        Milestone.objects.filter(Milestone.overdue_q(clock.today()), target_id__in=list(rank)).only(
            "target_id", "quarter", "due_date", "status"
        )
    )
    rows.sort(key=lambda m: (m.due_date, rank[m.target_id][0], m.quarter))
    for m in rows:
        m.target = rank[m.target_id][1]
    return rows


def returned_reports(depts) -> list[ProgressReport]:
    with partitioned(REPORTS, depts):
        return list(
            ProgressReport.objects.filter(
                department_id__in=depts, state=ProgressReport.State.RETURNED
            )
            .select_related("target")
            .only("due_date", "state", "target__code", "target__state")
            .order_by("due_date", "pk")
        )


def coordination(depts) -> list[CoordinationDuty]:
    return list(
        CoordinationDuty.objects.filter(department_id__in=depts)
        .exclude(item__state=CoordinationItem.State.RESOLVED)
        .select_related("item")
        .only("item_id", "duty", "due_date", "item__subject", "item__state")
        .order_by("due_date", "pk")
    )


def instructions(depts) -> list[QuarterlyInstruction]:
    return list(
        QuarterlyInstruction.objects.filter(report__department_id__in=depts, answer="")
        .select_related("report__plan_year", "author")
        .only(
            "report_id",
            "body",
            "report__quarter",
            "report__state",
            "report__plan_year__year",
            # ``str(author)``: display name, else full name, else username.
            "author__display_name",
            "author__first_name",
            "author__last_name",
            "author__username",
        )
        .order_by("created_at", "pk")
    )


def quarterly_drafts(depts) -> list[QuarterlyReport]:
    return list(
        QuarterlyReport.objects.filter(department_id__in=depts, state=QuarterlyReport.State.DRAFT)
        .select_related("plan_year")
        .only("quarter", "state", "plan_year__year")
        .order_by("plan_year__year", "quarter")
    )


def supervision(depts, limit: int) -> tuple[list, list]:
    """督办单待答复 and 待整改问题: the home shows their ``str`` (code and title) only."""
    fields = ("code", "title", "state")
    return (
        list(orders_owed(depts).only(*fields)[:limit]),
        list(findings_owed(depts).only(*fields)[:limit]),
    )
