"""What execution contributes to notifications (issue 7): the reminder sources for progress
reports owed (Shanghai Art. 14: the lead department's report; Art. 16: a cooperating department's
own report; efficiency opinions 五.6 到期提醒), the read checks that keep anyone from being told
about a record they cannot read, and the kinds of notification execution sends.

Registered from ``ExecutionConfig.ready()``.
"""

from django.conf import settings
from django.db.models import DateField as DateValue
from django.db.models import Exists, OuterRef, Value
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.access import Role
from notifications.reminders import DueItem
from targets.models import PlanYear, Target, TargetDepartment
from targets.reminders import target_readers

from . import periods
from .models import AdjustmentRequest, CompletionReport, CoordinationItem, ProgressReport
from .selectors.changes import (
    visible_adjustments,
    visible_completion_reports,
    visible_coordination_items,
)
from .selectors.progress import FILED_STATES, visible_reports

# Kinds of notification (users choose e-mail per kind on the notifications page).
REPORT_RETURNED = "progress_report_returned"
REPORT_VERIFIED_DIFFERENT = "progress_report_verified_different"
ADJUSTMENT_DECIDED = "adjustment_decided"
COMPLETION_DECIDED = "completion_decided"
COORDINATION_ESCALATED = "coordination_escalated"
COORDINATION_RESOLVED = "coordination_resolved"
REPORT_READY = "progress_report_ready"
REPORT_CHASED = "progress_report_chased"
CORRECTION_REQUESTED = "progress_correction_requested"
CORRECTION_DECIDED = "progress_correction_decided"

KINDS = (
    (REPORT_RETURNED, _("进展报告被退回"), 60),
    (REPORT_VERIFIED_DIFFERENT, _("进展报告审核值与报送值不同"), 61),
    (ADJUSTMENT_DECIDED, _("调整申请审批结果"), 62),
    (COMPLETION_DECIDED, _("办结审核结果"), 63),
    (COORDINATION_ESCALATED, _("需协调事项提请市领导协调"), 64),
    (COORDINATION_RESOLVED, _("需协调事项已解决"), 65),
    (REPORT_READY, _("进展报告已保存待报送"), 68),
    (REPORT_CHASED, _("进展报告催报"), 69),
    (CORRECTION_REQUESTED, _("进展报告更正申请待审批"), 66),
    (CORRECTION_DECIDED, _("进展报告更正申请审批结果"), 67),
)

# Who in the owing department is reminded of a report: staff file it, the head submits it.
REPORT_OWNERS = (Role.STAFF, Role.HEAD)


def _readers(selector):
    """A read check through the app's own selector: one query per candidate (a handful)."""

    def check(obj, users):
        return [u for u in users if selector(u).filter(pk=obj.pk).exists()]

    return check


READ_CHECKS = (
    (ProgressReport, _readers(visible_reports)),
    (AdjustmentRequest, _readers(visible_adjustments)),
    (CompletionReport, _readers(visible_completion_reports)),
    (CoordinationItem, _readers(visible_coordination_items)),
)


def cooperation_readers(cooperation: TargetDepartment, users):
    return target_readers(cooperation.target, users)


# --- the reminder sources -------------------------------------------------------------------


def _due_periods(due_dates) -> list[tuple[PlanYear, periods.Period, object]]:
    """(plan year, period, due date) of every executing plan year whose report for a period falls
    due on one of ``due_dates``. One query: the plan years with targets in execution (a few)."""
    wanted = set(due_dates)
    found = []
    for plan_year in PlanYear.objects.filter(targets__state=Target.State.EXECUTING).distinct():
        for period in periods.periods_of(plan_year):
            due = periods.report_due_date(plan_year, period)
            if due in wanted:
                found.append((plan_year, period, due))
    return found


def _url_pattern() -> str:
    marker = 987654321
    return reverse("targets:target_detail", args=[marker]).replace(str(marker), "{}")


def _filed(period_start, *, target: str, department: str):
    return ProgressReport.objects.filter(
        target=OuterRef(target),
        department=OuterRef(department),
        period_start=period_start,
        state__in=FILED_STATES,
    )


def _title(code, title, period_label, kind_label):
    return f"{code} {title}（{period_label}{kind_label}）"


def main_reports_owed(due_dates) -> list[DueItem]:
    """The lead department's progress report (Art. 14) of each executing target, for each period
    whose report falls due on one of ``due_dates``, while not yet submitted (owed until filed:
    a returned or drafted report is still owed). Two queries whatever the number of targets:
    the plan years, then one UNION over their due periods."""
    due = _due_periods(due_dates)
    if not due:
        return []
    parts = [
        Target.objects.filter(plan_year=plan_year, state=Target.State.EXECUTING)
        .filter(~Exists(_filed(period.start, target="pk", department="lead_department")))
        .order_by()
        .annotate(_due=Value(due_date, output_field=DateValue()), _n=Value(index))
        .values_list(
            "pk", "_due", "_n", "code", "title", "lead_department_id", "lead_department__name"
        )
        for index, (plan_year, period, due_date) in enumerate(due)
    ]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    pattern = _url_pattern()
    with translation.override(settings.LANGUAGE_CODE):  # the site language, as the sweep's
        labels = [str(period.label) for _py, period, _d in due]
        kind = str(_("进展报告"))
    return [
        DueItem(
            object_id=pk,
            due_date=due_date,
            department_id=dept_id,
            department_name=dept_name,
            title=_title(code, title, labels[n], kind),
            url=pattern.format(pk) + "#progress",
        )
        for pk, due_date, n, code, title, dept_id, dept_name in rows
    ]


def cooperating_reports_owed(due_dates) -> list[DueItem]:
    """Each cooperating department's own report on its task (Art. 16), same rule as the main
    report. The item is the cooperation (target, department), so each department's reminder is
    its own. Two queries whatever the number of targets."""
    due = _due_periods(due_dates)
    if not due:
        return []
    parts = [
        TargetDepartment.objects.filter(
            role=TargetDepartment.Role.COOPERATING,
            target__plan_year=plan_year,
            target__state=Target.State.EXECUTING,
        )
        .filter(~Exists(_filed(period.start, target="target_id", department="department_id")))
        .order_by()
        .annotate(_due=Value(due_date, output_field=DateValue()), _n=Value(index))
        .values_list(
            "pk",
            "_due",
            "_n",
            "target_id",
            "target__code",
            "target__title",
            "department_id",
            "department__name",
        )
        for index, (plan_year, period, due_date) in enumerate(due)
    ]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    pattern = _url_pattern()
    with translation.override(settings.LANGUAGE_CODE):  # the site language, as the sweep's
        labels = [str(period.label) for _py, period, _d in due]
        kind = str(_("配合部门任务报告"))
    return [
        DueItem(
            object_id=pk,
            due_date=due_date,
            department_id=dept_id,
            department_name=dept_name,
            title=_title(code, title, labels[n], kind),
            url=pattern.format(target_id) + "#progress",
        )
        for pk, due_date, n, target_id, code, title, dept_id, dept_name in rows
    ]
