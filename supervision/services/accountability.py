"""问责 services (Zhongshan Art. 20: five kinds of case, each a deduction of 2 points in the
year's evaluation, at most 10; Shanghai Art. 19: 行政问责和责任追究机制).

The evaluation reads ``AccountabilityRecord`` by plan year, department and category; a record is
corrected, never deleted, and every correction keeps its before/after in the audit trail."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department, User
from audit.models import AuditEvent
from audit.services import audit_diff, audit_record
from targets.models import PlanYear

from ..deadlines import today
from ..models import AccountabilityRecord
from .common import Errors, clean_choice, clean_text, require_supervising

FIELDS = ("plan_year", "department", "category", "occurred_on", "reference", "description")


def require_may_record(user: User) -> None:
    """403 unless ``user`` may enter or correct accountability records; pages and the API ask
    before reading any input."""
    require_supervising(user, _("只有督查室和市政府办公厅（目标办）可以录入问责记录。"))


def _snapshot(record) -> dict:
    return {
        "plan_year": str(record.plan_year.year) if record.plan_year_id else None,
        "department": str(record.department) if record.department_id else None,
        "category": record.get_category_display() if record.category else None,
        "occurred_on": record.occurred_on.isoformat() if record.occurred_on else None,
        "reference": record.reference,
        "description": record.description,
    }


def _clean(errors, *, plan_year, department, category, occurred_on, reference, description):
    if plan_year is None:
        errors.add("plan_year", _("请选择考评年度。"))
    if department is None:
        errors.add("department", _("请选择被问责部门。"))
    clean_choice(errors, "category", category, AccountabilityRecord.Category, label=_("问责类别"))
    if occurred_on is None:
        errors.add("occurred_on", _("请填写问责日期。"))
    elif occurred_on > today():
        errors.add("occurred_on", _("问责日期不能晚于今天。"))
    reference = clean_text(errors, "reference", reference, label=_("文号"), max_length=200)
    description = clean_text(errors, "description", description, label=_("情况说明"))
    return reference, description


@transaction.atomic
def accountability_record(
    *,
    by: User,
    plan_year: PlanYear | None,
    department: Department | None,
    category: str,
    occurred_on: datetime.date | None,
    reference: str,
    description: str,
) -> AccountabilityRecord:
    """录入问责记录 (entered by the supervision office or the general office only)."""
    require_may_record(by)
    errors = Errors()
    reference, description = _clean(
        errors,
        plan_year=plan_year,
        department=department,
        category=category,
        occurred_on=occurred_on,
        reference=reference,
        description=description,
    )
    errors.raise_if_any(_("问责记录未保存，请更正标出的问题。"))
    record = AccountabilityRecord.objects.create(
        plan_year=plan_year,
        department=department,
        category=category,
        occurred_on=occurred_on,
        reference=reference,
        description=description,
        created_by=by,
    )
    audit_record(
        actor=by,
        obj=record,
        action=AuditEvent.Action.CREATE,
        changes={k: [None, v] for k, v in _snapshot(record).items() if v},
    )
    return record


@transaction.atomic
def accountability_correct(
    *, record: AccountabilityRecord, by: User, reason: str, **values
) -> AccountabilityRecord:
    """更正问责记录: changed fields are given as keywords; the reason is required and kept with
    the before/after in the audit trail (the evaluation's deductions follow the record)."""
    require_may_record(by)
    record = AccountabilityRecord.objects.select_for_update().get(pk=record.pk)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {unknown}")
    merged = {name: values.get(name, getattr(record, name)) for name in FIELDS}
    errors = Errors()
    reason = clean_text(errors, "reason", reason, label=_("更正理由"), max_length=500)
    merged["reference"], merged["description"] = _clean(errors, **merged)
    errors.raise_if_any(_("问责记录未保存，请更正标出的问题。"))
    before = _snapshot(record)
    for name, value in merged.items():
        setattr(record, name, value)
    after = _snapshot(record)
    changes = audit_diff(before, after)
    if not changes:
        return record
    record.save(update_fields=list(FIELDS))
    audit_record(
        actor=by, obj=record, action=AuditEvent.Action.UPDATE, changes=changes, comment=reason
    )
    return record
