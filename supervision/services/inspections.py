"""检查 services (Shanghai Art. 18: 日常跟踪、专项检查、重点抽查、年终考核; Zhongshan: monthly
self-check, quarterly spot check, half-year check, year-end evaluation)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from targets.models import PlanYear
from workflow.transitions import require_transition_permission, transition_apply

from ..models import Inspection
from .common import (
    Errors,
    audit_in_scope,
    clean_choice,
    clean_departments,
    clean_targets,
    clean_text,
    require_supervising,
)


def _not_supervising() -> str:
    return _("只有市政府办公厅（目标办）和督查室可以组织检查。")


def require_may_open(user: User) -> None:
    """403 unless ``user`` may open inspections; pages and the API ask before reading input."""
    require_supervising(user, _not_supervising())


def _check_dates(errors, started_on, ended_on):
    if started_on is None:
        errors.add("started_on", _("请填写开始日期。"))
    elif ended_on is not None and ended_on < started_on:
        errors.add("ended_on", _("结束日期不能早于开始日期。"))


@transaction.atomic
def inspection_open(
    *,
    by: User,
    plan_year: PlanYear,
    kind: str,
    title: str,
    departments,
    started_on: datetime.date | None,
    inspectors: str,
    targets=(),
    ended_on: datetime.date | None = None,
) -> Inspection:
    """开展检查: kind, scope (departments and targets), dates and inspectors."""
    require_may_open(by)
    errors = Errors()
    clean_choice(errors, "kind", kind, Inspection.Kind, label=_("检查类别"))
    title = clean_text(errors, "title", title, label=_("检查名称"), max_length=200)
    inspectors = clean_text(errors, "inspectors", inspectors, label=_("检查人员"), max_length=300)
    departments = clean_departments(errors, "departments", departments, label=_("被检查部门"))
    targets = clean_targets(errors, "targets", targets, plan_year=plan_year)
    _check_dates(errors, started_on, ended_on)
    errors.raise_if_any(_("检查未登记，请更正标出的问题。"))
    inspection = Inspection.objects.create(
        plan_year=plan_year,
        kind=kind,
        title=title,
        started_on=started_on,
        ended_on=ended_on,
        inspectors=inspectors,
        created_by=by,
    )
    inspection.departments.set(departments)
    inspection.targets.set(targets)
    audit_in_scope(
        actor=by,
        obj=inspection,
        action=AuditEvent.Action.CREATE,
        changes={
            "kind": [None, kind],
            "title": [None, title],
            "departments": [None, [str(d) for d in departments]],
            "inspectors": [None, inspectors],
        },
    )
    return inspection


@transaction.atomic
def inspection_report(
    *, inspection: Inspection, by: User, report: str, ended_on: datetime.date | None = None
) -> Inspection:
    """检查报告: the inspection's written report, 已登记 → 已报告 (may be revised; each version
    is a step of its own in the audit trail)."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require_transition_permission(inspection, "file_report", by, message=_not_supervising())
    errors = Errors()
    report = clean_text(errors, "report", report, label=_("检查报告"), max_length=20000)
    ended_on = ended_on or inspection.ended_on or timezone.localdate()
    _check_dates(errors, inspection.started_on, ended_on)
    errors.raise_if_any(_("检查报告未保存，请更正标出的问题。"))
    return transition_apply(
        inspection,
        "file_report",
        by=by,
        values={"report": report, "ended_on": ended_on},
        stamps={"reported_at": timezone.now()},
        locked=True,
        forbidden=_not_supervising(),
    )
