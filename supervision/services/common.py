"""Helpers shared by the supervision services: input checks with Chinese messages, evidence
files, numbering, and the audit rows of steps that are no transition, on each target's timeline
(transitions go through ``workflow.transitions.transition_apply``)."""

import datetime

from django.db.models import Model
from django.utils.translation import gettext as _

from accounts.access import access_for
from accounts.models import Department
from audit.models import AuditEvent
from audit.services import audit_record
from execution.files import check_evidence_file
from targets.models import PlanYear
from workflow.errors import NotPermitted, ValidationFailed

from .. import permissions as perms
from ..deadlines import deadline_after, today

TEXT_MAX = 5000


class Errors:
    """Collects ``{field: [message]}`` and raises them together, so a form shows every problem."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self, message: str | None = None) -> None:
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            raise ValidationFailed(message or first, field_errors=self.errors)


def clean_text(errors: Errors, field: str, value, *, label: str, required=True, max_length=None):
    value = (value or "").strip()
    if required and not value:
        errors.add(field, _("请填写%(label)s。") % {"label": label})
    limit = max_length or TEXT_MAX
    if len(value) > limit:
        errors.add(field, _("%(label)s不能超过%(n)s字。") % {"label": label, "n": limit})
    return value


def clean_choice(errors: Errors, field: str, value, choices, *, label: str):
    if value not in choices.values:
        errors.add(field, _("请选择有效的%(label)s。") % {"label": label})
    return value


def resolve_deadline(
    errors: Errors,
    *,
    field: str = "deadline",
    deadline: datetime.date | None = None,
    days: int | None = None,
    start: datetime.date | None = None,
) -> datetime.date | None:
    """The deadline as given, or ``days`` after ``start`` (default today) through the one
    deadline function; a deadline in the past is refused (002 三.4 限时办结)."""
    if deadline is None and days is not None:
        if days < 1:
            errors.add(field, _("办理时限工作日数必须大于0。"))
            return None
        deadline = deadline_after(start or today(), days)
    if deadline is None:
        errors.add(field, _("请填写办理时限。"))
        return None
    if deadline < today():
        errors.add(field, _("时限%(date)s已经过去，请填写今天或以后的日期。") % {"date": deadline})
    return deadline


def clean_departments(errors: Errors, field: str, departments, *, label: str):
    departments = list(dict.fromkeys(d for d in departments or [] if d is not None))
    if not departments:
        errors.add(field, _("请至少选择一个%(label)s。") % {"label": label})
    for dept in departments:
        if not dept.is_active:
            errors.add(field, _("部门“%(name)s”已停用。") % {"name": dept})
    return departments


def clean_targets(errors: Errors, field: str, targets, *, plan_year: PlanYear):
    targets = list(dict.fromkeys(t for t in targets or [] if t is not None))
    for target in targets:
        if target.plan_year_id != plan_year.pk:
            errors.add(
                field,
                _("目标“%(code)s”不属于%(year)s年度。")
                % {"code": target.code, "year": plan_year.year},
            )
    return targets


def clean_coordination_items(errors: Errors, field: str, items, *, plan_year: PlanYear):
    """Coordination items of the order's year that are still open or escalated: a resolved one
    needs no chasing (Art. 16–17)."""
    items = list(dict.fromkeys(i for i in items or [] if i is not None))
    for item in items:
        if item.target.plan_year_id != plan_year.pk:
            errors.add(
                field,
                _("协调事项“%(subject)s”不属于%(year)s年度。")
                % {"subject": item.subject, "year": plan_year.year},
            )
        elif item.state == item.State.RESOLVED:
            errors.add(
                field, _("协调事项“%(subject)s”已解决，无需督办。") % {"subject": item.subject}
            )
    return items


def check_evidence(errors: Errors, field: str, upload):
    if upload is None:
        return None
    try:
        return check_evidence_file(upload)
    except ValidationFailed as exc:
        errors.add(field, exc.message)
        return None


def require_supervising(user, message: str) -> None:
    if not perms.is_supervising(user):
        raise NotPermitted(message)


def supervising_department(user) -> Department | None:
    """The office (general office or supervision office) the user acts for."""
    access = access_for(user)
    ids = access.departments_with(*perms.SUPERVISING_ROLES)
    return Department.objects.filter(pk__in=ids).order_by("sort_order", "id").first()


def next_number(model, plan_year: PlanYear) -> int:
    """The next number of the year. Called with the plan year row locked, so two records made
    at the same moment cannot take the same number."""
    return model.objects.filter(plan_year=plan_year).count() + 1


def lock_plan_year(plan_year: PlanYear) -> PlanYear:
    return PlanYear.objects.select_for_update().get(pk=plan_year.pk)


def audit_in_scope(*, actor, obj: Model, action: str, **kwargs) -> AuditEvent:
    """A step that is no transition (a record created, a deadline extended, a reply that leaves
    others to answer): one audit row per object in ``obj.audit_scope`` (each target the record
    is about, so the step shows on that target's timeline, Art. 14; one unscoped row when it is
    about none), as ``transition_apply`` writes a transition's. Returns the first row: it names
    the step (the notifications' idempotency keys use it)."""
    events = [
        audit_record(actor=actor, obj=obj, action=action, scope=one, **kwargs)
        for one in obj.audit_scope
    ]
    return events[0]


def step_event(obj: Model) -> AuditEvent:
    """The audit row ``transition_apply`` just wrote for ``obj`` (the notifications' idempotency
    keys name it)."""
    return AuditEvent.objects.for_object(obj).order_by("-id").first()
