"""Edits of a scheme while it is being drafted (编制中): settings, indicators, scoring bodies,
deduction rules, grade bands and the departments evaluated. Each refuses a frozen scheme
(scoring opened: a new version is needed) and writes an audit row in the same transaction."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import Department
from audit.models import AuditEvent
from audit.services import audit_diff, audit_record
from workflow.errors import ValidationFailed

from ..metrics import get_metric
from ..models import DeductionRule, EvaluationScheme, GradeBand, Indicator, Participant, ScoringBody
from .schemes import SETTINGS_FIELDS, _settings_of, lock_scheme, require_editable, require_office


def _decimal(value, label) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            _("%(label)s须为数字。") % {"label": label}, field_errors={"value": [str(label)]}
        ) from exc
    if not number.is_finite():
        raise ValidationFailed(_("%(label)s须为数字。") % {"label": label})
    return number


@transaction.atomic
def scheme_update(*, scheme: EvaluationScheme, by, **changes) -> EvaluationScheme:
    """Change the scheme's settings while it is being drafted."""
    require_office(by)
    scheme = lock_scheme(scheme)
    require_editable(scheme)
    before = _settings_of(scheme)
    errors = {}
    for name, value in changes.items():
        if name not in SETTINGS_FIELDS:
            raise ValidationFailed(_("不能修改该项。"))
        field = EvaluationScheme._meta.get_field(name)
        if name in ("name",):
            value = (value or "").strip()
            if not value:
                errors.setdefault(name, []).append(_("请填写方案名称。"))
        elif name == "mode":
            if value not in EvaluationScheme.Mode.values:
                errors.setdefault(name, []).append(_("请选择计分方式。"))
        elif name in ("self_evaluation", "joint_liability"):
            value = bool(value)
        elif name == "empty_objective":
            if value not in EvaluationScheme.EmptyObjective.values:
                errors.setdefault(name, []).append(_("请选择客观指标无可计数对象时的计分方式。"))
        elif name in ("bonus_min_grade", "extra_bonus_grade"):
            # Art. 23's outcomes name a grade of the scheme's bands (blank: no outcome).
            value = (value or "").strip()
            grades = set(scheme.grade_bands.values_list("name", flat=True))
            if scheme.is_pass_fail:
                grades = {"达标"}
            if value and value not in grades:
                errors.setdefault(name, []).append(
                    _("“%(grade)s”不是本方案的等次。") % {"grade": value}
                )
        else:
            value = _decimal(value, field.verbose_name)
            if value is None and not field.null:
                errors.setdefault(name, []).append(_("请填写数值。"))
            elif value is not None and (value < 0 or (name != "deduction_cap" and value > 100)):
                errors.setdefault(name, []).append(_("须在0至100之间。"))
        setattr(scheme, name, value)
    if errors:
        raise ValidationFailed(_("方案未保存，请更正标出的问题。"), field_errors=errors)
    scheme.save(update_fields=list(changes))
    diff = audit_diff(before, _settings_of(scheme))
    if diff:
        audit_record(actor=by, obj=scheme, action=AuditEvent.Action.UPDATE, changes=diff)
    return scheme


def _indicator_values(ind: Indicator) -> dict:
    return {
        "parent": str(ind.parent) if ind.parent_id else None,
        "name": ind.name,
        "max_points": format(ind.max_points.normalize(), "f")
        if ind.max_points is not None
        else None,
        "content": ind.content,
        "body": str(ind.body) if ind.body_id else None,
        "co_bodies": sorted(str(b) for b in ind.co_bodies.all()) if ind.pk else [],
        "body_text": ind.body_text,
        "responsible_text": ind.responsible_text,
        "metric": ind.metric,
        "order": ind.order,
    }


@transaction.atomic
def indicator_save(
    *,
    scheme: EvaluationScheme,
    by,
    indicator: Indicator | None = None,
    name: str,
    max_points,
    parent: Indicator | None = None,
    content: str = "",
    body: ScoringBody | None = None,
    body_text: str = "",
    responsible_text: str = "",
    metric: str = "",
    order: int | None = None,
    co_bodies: list[ScoringBody] | None = None,
) -> Indicator:
    """Add or change an indicator of a scheme being drafted. Whether the tree adds up is checked
    when scoring opens (a tree is edited a row at a time)."""
    require_office(by)
    scheme = lock_scheme(scheme)
    require_editable(scheme)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写指标名称。")]
    points = _decimal(max_points, _("分值"))
    if points is None or points < 0:
        errors["max_points"] = [_("分值须为不小于0的数字。")]
    elif points.normalize().as_tuple().exponent < -2:
        errors["max_points"] = [_("分值最多两位小数。")]
    if parent is not None and parent.scheme_id != scheme.pk:
        errors["parent"] = [_("上级指标须属于本方案。")]
    if body is not None and body.scheme_id != scheme.pk:
        errors["body"] = [_("考评主体须属于本方案。")]
    for co in co_bodies or []:
        if co.scheme_id != scheme.pk or co.is_objective or (body is not None and co.pk == body.pk):
            errors["co_bodies"] = [_("共同考评主体须是本方案中另一个非客观数据的考评主体。")]
    if metric and get_metric(metric) is None:
        errors["metric"] = [_("没有该客观数据指标。")]
    if indicator is not None and parent is not None:
        node = parent
        while node is not None:
            if node.pk == indicator.pk:
                errors["parent"] = [_("指标不能成为自己的下级。")]
                break
            node = node.parent
    if errors:
        raise ValidationFailed(_("指标未保存，请更正标出的问题。"), field_errors=errors)
    created = indicator is None
    if created:
        indicator = Indicator(scheme=scheme)
        if order is None:
            order = (scheme.indicators.aggregate(m=Max("order"))["m"] or 0) + 1
    before = {} if created else _indicator_values(indicator)
    indicator.parent = parent
    indicator.name = name
    indicator.max_points = points
    indicator.content = (content or "").strip()
    indicator.body = body
    indicator.body_text = (body_text or "").strip()
    indicator.responsible_text = (responsible_text or "").strip()
    indicator.metric = metric or ""
    if order is not None:
        indicator.order = order
    indicator.save()
    if co_bodies is not None:
        indicator.co_bodies.set(co_bodies)
    audit_record(
        actor=by,
        obj=indicator,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        changes=audit_diff(before, _indicator_values(indicator)),
        scope=scheme,
    )
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by) -> None:
    require_office(by)
    scheme = lock_scheme(indicator.scheme)
    require_editable(scheme)
    audit_record(
        actor=by,
        obj=indicator,
        action=AuditEvent.Action.DELETE,
        changes={k: [v, None] for k, v in _indicator_values(indicator).items()},
        scope=scheme,
    )
    indicator.delete()


@transaction.atomic
def body_update(
    *, body: ScoringBody, by, weight=None, rater_department: Department | None = None
) -> ScoringBody:
    """Set a scoring body's weight (weighted mode) and who fills its sheets."""
    require_office(by)
    scheme = lock_scheme(body.scheme)
    require_editable(scheme)
    before = {"weight": str(body.weight), "rater_department": str(body.rater_department)}
    value = _decimal(weight, _("权重"))
    if value is not None and not (0 <= value <= 100):
        raise ValidationFailed(
            _("权重须在0至100之间。"), field_errors={"weight": [_("权重须在0至100之间。")]}
        )
    body.weight = value
    body.rater_department = rater_department
    body.save(update_fields=["weight", "rater_department"])
    audit_record(
        actor=by,
        obj=body,
        action=AuditEvent.Action.UPDATE,
        changes=audit_diff(
            before, {"weight": str(body.weight), "rater_department": str(body.rater_department)}
        ),
        scope=scheme,
    )
    return body


@transaction.atomic
def participants_set(*, scheme: EvaluationScheme, by, rows) -> list[Participant]:
    """考评对象: the departments the scheme evaluates, each with its ranking category (Zhongshan
    Art. 21). ``rows``: ``[(department, category or None for the department's own)]``."""
    require_office(by)
    scheme = lock_scheme(scheme)
    require_editable(scheme)
    seen = set()
    new = []
    for department, category in rows:
        if department.pk in seen:
            raise ValidationFailed(_("“%(dept)s”重复列出。") % {"dept": department})
        seen.add(department.pk)
        category = department.category if category is None else category
        if category and category not in Department.Category.values:
            raise ValidationFailed(_("请选择有效的考评类别。"))
        new.append(Participant(scheme=scheme, department=department, category=category))
    if not new:
        raise ValidationFailed(_("至少须有一个考评对象。"))
    before = sorted(str(p.department) for p in scheme.participants.select_related("department"))
    scheme.participants.all().delete()
    created = Participant.objects.bulk_create(new)
    audit_record(
        actor=by,
        obj=scheme,
        action=AuditEvent.Action.UPDATE,
        changes={"participants": [before, sorted(str(p.department) for p in created)]},
    )
    return created


def _band_or_rule_number(value, label, errors, key, *, required=False, maximum=None):
    if value in (None, ""):
        if required:
            errors[key] = [_("请填写%(label)s。") % {"label": label}]
        return None
    try:
        number = Decimal(str(value))
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[key] = [_("%(label)s须为数字。") % {"label": label}]
        return None
    if number < 0 or (maximum is not None and number > maximum):
        errors[key] = [_("%(label)s超出范围。") % {"label": label}]
    return number


@transaction.atomic
def deduction_rule_save(
    *, scheme: EvaluationScheme, by, category: str, label: str, points_each, cap=None
) -> DeductionRule:
    """Set the deduction per accountability record of a category (Zhongshan Art. 20); one
    rule per category, saved again to change it."""
    require_office(by)
    scheme = lock_scheme(scheme)
    require_editable(scheme)
    errors: dict[str, list[str]] = {}
    if category not in {c for c, _label in DeductionRule._meta.get_field("category").choices}:
        errors["category"] = [_("请选择问责类别。")]
    label = (label or "").strip()
    if not label:
        errors["label"] = [_("请填写名称。")]
    points = _band_or_rule_number(points_each, _("每项扣分"), errors, "points_each", required=True)
    cap_value = _band_or_rule_number(cap, _("本类扣分上限"), errors, "cap")
    if errors:
        raise ValidationFailed(_("扣分规则未保存，请更正标出的问题。"), field_errors=errors)
    rule, created = DeductionRule.objects.update_or_create(
        scheme=scheme,
        category=category,
        defaults={"label": label, "points_each": points, "cap": cap_value},
    )
    audit_record(
        actor=by,
        obj=rule,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        changes={
            "label": [None, label],
            "points_each": [None, format(points, "f")],
            "cap": [None, None if cap_value is None else format(cap_value, "f")],
        },
        scope=scheme,
    )
    return rule


@transaction.atomic
def grade_band_save(
    *,
    scheme: EvaluationScheme,
    by,
    band: GradeBand | None = None,
    name: str,
    order,
    category: str = "",
    min_score=None,
    max_percent=None,
) -> GradeBand:
    """Add or change a grade band (等次): a minimum score and/or a maximum share of the
    category (e.g. 优秀 at most 20%)."""
    require_office(by)
    scheme = lock_scheme(scheme)
    require_editable(scheme)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写等次名称。")]
    if category and category not in Department.Category.values:
        errors["category"] = [_("请选择有效的考评类别。")]
    order_value = _band_or_rule_number(order, _("排序"), errors, "order", required=True)
    minimum = _band_or_rule_number(min_score, _("最低分"), errors, "min_score")
    share = _band_or_rule_number(max_percent, _("比例"), errors, "max_percent", maximum=100)
    if band is not None and band.scheme_id != scheme.pk:
        raise ValidationFailed(_("等次不属于该方案。"))
    if errors:
        raise ValidationFailed(_("等次未保存，请更正标出的问题。"), field_errors=errors)
    created = band is None
    band = band or GradeBand(scheme=scheme)
    band.name = name
    band.order = int(order_value)
    band.category = category or ""
    band.min_score = minimum
    band.max_percent = share
    # Edited by the office: no longer the system's default (issue 16 item 8).
    band.is_default = False
    band.save()
    audit_record(
        actor=by,
        obj=band,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        changes={
            "name": [None, name],
            "min_score": [None, None if minimum is None else format(minimum, "f")],
            "max_percent": [None, None if share is None else format(share, "f")],
        },
        scope=scheme,
    )
    return band
