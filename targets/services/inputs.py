"""A target's content as a user writes it (page form, API, Excel import, an adjustment request)
and every rule on it, in one function, ``target_input_errors``, so each way in is judged alike.

The rules cite the regulation: a quantitative target must be measurable (Art. 6); a department
target decomposes a city target of the same year (Art. 9, 锁链式目标体系); one role per
department, and each cooperating department is told its own task (Art. 7, 16); one node target
per quarter (the quarterly node-target table, Huangpu; 002 三.3). Decimals are judged and rounded
as the column stores them, so the revision and the audit trail equal what was saved (Art. 14).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from accounts.access import Role, access_for
from accounts.models import Department, User

from ..models import Aspect, Milestone, PlanYear, Target, TargetDepartment

CODE_MAX_LENGTH = Target._meta.get_field("code").max_length
# Codes as people write them in lists: letters, digits and - . _ / (e.g. 2027-0012, HP-3.14).
CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]*$")


@dataclass
class MilestoneInput:
    quarter: int
    description: str
    due_date: datetime.date | None = None
    expected_value: Decimal | None = None


@dataclass
class DepartmentInput:
    department: Department
    role: str
    task: str = ""
    acceptance: str = ""


@dataclass
class TargetInput:
    """The content of a target as a user writes it (page form or API)."""

    kind: str
    title: str
    content: str
    aspect: Aspect
    lead_department: Department
    level: str = Target.Level.DEPARTMENT
    measures: str = ""
    parent: Target | None = None
    is_key_work: bool = False
    indicator: str = ""
    unit: str = ""
    baseline: Decimal | None = None
    target_value: Decimal | None = None
    direction: str = ""
    weight: Decimal = Decimal(1)
    is_public: bool = False
    lead_leader: User | None = None
    cooperating_leaders: list[User] = field(default_factory=list)
    assisting_secretary: User | None = None
    dept_head_name: str = ""
    dept_leader_in_charge: str = ""
    dept_responsible_person: str = ""
    milestones: list[MilestoneInput] = field(default_factory=list)
    departments: list[DepartmentInput] = field(default_factory=list)
    # The number a spreadsheet gives the target (Huangpu's lists number their targets); empty:
    # the next number of the year is generated. Only creating takes it; it never changes.
    code: str = ""


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_value(value, model_field) -> Decimal | None:
    """``value`` as the decimal column stores it, rounded half up (四舍五入) to its places.

    Rounding here rather than in the database keeps the revision and the audit trail equal to
    what was stored (Art. 14). Raises ArithmeticError for what is not a finite number.
    """
    if value is None:
        return None
    value = Decimal(str(value))
    if not value.is_finite():
        raise ArithmeticError(value)
    return value.quantize(Decimal(1).scaleb(-model_field.decimal_places), rounding=ROUND_HALF_UP)


def decimal_error(value, model_field) -> str:
    """Why ``value`` does not fit the decimal column (``max_digits``/``decimal_places``), or "".
    Too many whole digits would otherwise fail in the database as a server error."""
    try:
        value = column_value(value, model_field)
    except ArithmeticError:
        return _("请填写有效的数值。")
    whole_digits = model_field.max_digits - model_field.decimal_places
    if value is not None and abs(value) >= Decimal(10) ** whole_digits:
        return _("数值过大：整数部分最多%(n)s位。") % {"n": whole_digits}
    return ""


def target_value_direction_error(baseline, target_value, direction) -> str:
    """Why a quantitative target's value does not move from its baseline in its direction, or "".

    % complete is the share of the way from baseline to target value (issue 16 item 4): a target
    value at the baseline, or on its wrong side, makes that way empty or backwards, and a
    reported figure would show a completion nobody could check (Art. 6: measurable). Judged as
    the columns store the values. Without a baseline there is nothing to judge."""
    if baseline is None or target_value is None or direction not in Target.Direction.values:
        return ""
    base = column_value(baseline, Target._meta.get_field("baseline"))
    goal = column_value(target_value, Target._meta.get_field("target_value"))
    figures = {"baseline": _plain(base), "value": _plain(goal)}
    if direction == Target.Direction.HIGHER and goal <= base:
        return (
            _(
                "指标越高越好，目标值须高于基期值%(baseline)s（现为%(value)s），否则无法计算完成进度。"
            )
            % figures
        )
    if direction == Target.Direction.LOWER and goal >= base:
        return (
            _(
                "指标越低越好，目标值须低于基期值%(baseline)s（现为%(value)s），否则无法计算完成进度。"
            )
            % figures
        )
    return ""


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def target_input_errors(
    *,
    data: TargetInput,
    plan_year: PlanYear,
    target: Target | None = None,
    taken_codes: set[str] | None = None,
):
    """Every rule on a target's content, as ``{field: [message, ...]}``; empty when valid.

    Field names match the API's; nested rows are ``milestones.N.field`` / ``departments.N.field``.
    ``taken_codes``: the year's codes already in use, when the caller has read them once for
    many targets (an imported list); otherwise the database is asked about this one code.
    """
    errors: dict[str, list[str]] = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    if data.level not in Target.Level.values:
        add("level", _("请选择有效的目标层级。"))
    if data.kind not in Target.Kind.values:
        add("kind", _("请选择定性目标或定量目标。"))
    if _blank(data.title):
        add("title", _("请填写目标名称。"))
    elif len(data.title.strip()) > 200:
        add("title", _("目标名称不能超过200字。"))
    if _blank(data.content):
        add("content", _("请填写目标内容。"))
    if target is None and data.code:
        code = data.code.strip()
        if len(code) > CODE_MAX_LENGTH or not CODE_PATTERN.match(code):
            add(
                "code",
                _("编号须为%(n)s位以内的字母、数字或 - . _ /。") % {"n": CODE_MAX_LENGTH},
            )
        elif (
            code in taken_codes
            if taken_codes is not None
            else Target.objects.filter(plan_year=plan_year, code=code).exists()
        ):
            add("code", _("编号“%(code)s”在本年度已被使用。") % {"code": code})
    if data.aspect is None or data.aspect.plan_year_id != plan_year.pk:
        add("aspect", _("请选择本年度的目标方面。"))
    # Art. 6: a quantitative target must be measurable.
    if data.kind == Target.Kind.QUANTITATIVE:
        if _blank(data.indicator):
            add("indicator", _("定量目标须填写指标名称。"))
        if _blank(data.unit):
            add("unit", _("定量目标须填写计量单位。"))
        if data.target_value is None:
            add("target_value", _("定量目标须填写目标值。"))
        if data.direction not in Target.Direction.values:
            add("direction", _("定量目标须选择指标方向（越高越好或越低越好）。"))
        # A value the column cannot hold would otherwise fail in the database as a server error.
        for name in ("baseline", "target_value"):
            message = decimal_error(getattr(data, name), Target._meta.get_field(name))
            if message:
                add(name, message)
        if "baseline" not in errors and "target_value" not in errors:
            message = target_value_direction_error(data.baseline, data.target_value, data.direction)
            if message:
                add("target_value", message)
    try:
        weight = column_value(data.weight, Target._meta.get_field("weight"))
    except ArithmeticError:
        weight = None
    # Judged as stored: 0.001 would be saved as 0.00.
    if weight is None or weight <= 0:
        add("weight", _("权重必须大于0。"))
    elif weight >= Decimal(10000):
        add("weight", _("权重不能超过9999。"))

    # Art. 9: department targets decompose a city target of the same year (锁链式目标体系).
    if data.parent is not None:
        if data.level == Target.Level.CITY:
            add("parent", _("市政府总体目标不能再设上级目标。"))
        elif data.parent.level != Target.Level.CITY or data.parent.plan_year_id != plan_year.pk:
            add("parent", _("上级目标必须是本年度的市政府总体目标。"))
        elif target is not None and data.parent.pk == target.pk:
            add("parent", _("目标不能以自身为上级目标。"))

    if data.lead_department is None:
        add("lead_department", _("每个目标必须有且只有一个牵头部门。"))
    elif not data.lead_department.is_active:
        add("lead_department", _("牵头部门已停用。"))

    for key, leader in [
        ("lead_leader", data.lead_leader),
        ("assisting_secretary", data.assisting_secretary),
    ]:
        if leader is not None and Role.LEADER not in access_for(leader).roles:
            add(key, _("%(name)s不是市领导。") % {"name": leader})
    for leader in data.cooperating_leaders:
        if Role.LEADER not in access_for(leader).roles:
            add("cooperating_leaders", _("%(name)s不是市领导。") % {"name": leader})

    # Art. 7, 16: one role per department, the lead is not also responsible or cooperating, and
    # each cooperating department is told its own task.
    seen = set()
    for i, row in enumerate(data.departments):
        if row.role not in TargetDepartment.Role.values:
            add(f"departments.{i}.role", _("请选择责任部门或配合部门。"))
        if row.department is None:
            add(f"departments.{i}.department", _("请选择部门。"))
            continue
        if data.lead_department is not None and row.department.pk == data.lead_department.pk:
            add(f"departments.{i}.department", _("牵头部门不必再列为责任或配合部门。"))
        elif row.department.pk in seen:
            add(f"departments.{i}.department", _("同一部门只能列一次。"))
        seen.add(row.department.pk)
        if row.role == TargetDepartment.Role.COOPERATING and _blank(row.task):
            add(f"departments.{i}.task", _("请写明该配合部门承担的任务。"))

    quarters_seen = set()
    for i, row in enumerate(data.milestones):
        if row.quarter not in (1, 2, 3, 4):
            add(f"milestones.{i}.quarter", _("季度必须是1至4。"))
            continue
        # One node target per quarter: the quarterly node-target table (Huangpu; 002 三.3).
        if row.quarter in quarters_seen:
            add(f"milestones.{i}.quarter", _("每个季度只能设一个节点目标。"))
        quarters_seen.add(row.quarter)
        if _blank(row.description):
            add(f"milestones.{i}.description", _("请填写节点目标。"))
        if data.kind == Target.Kind.QUANTITATIVE:
            message = decimal_error(row.expected_value, Milestone._meta.get_field("expected_value"))
            if message:
                add(f"milestones.{i}.expected_value", message)
        start, end = plan_year.quarter_bounds(row.quarter)
        if row.due_date is not None and not (start <= row.due_date <= end):
            add(
                f"milestones.{i}.due_date",
                _("完成时限须在%(year)s年第%(q)s季度内（%(start)s至%(end)s）。")
                % {"year": plan_year.year, "q": row.quarter, "start": start, "end": end},
            )
    return errors
