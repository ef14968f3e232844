"""Writes on schemes (考评方案): build from a template or last year's, edit while drafting,
open scoring (which freezes the scheme and creates the sheets), new versions.

Every function: keyword-only arguments, ``by=user``, one transaction, permission check, state
check on the locked row, the audit row in the same transaction. A state changes only through
``workflow.transitions.transition_apply`` (the transitions of ``evaluation.models``).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Role, access_for
from accounts.models import Department
from audit.models import AuditEvent
from audit.services import audit_record
from targets.models import PlanYear
from workflow.errors import Conflict, NotPermitted, ValidationFailed
from workflow.transitions import (
    available_transitions,
    require_transition_permission,
    transition_apply,
)

from .. import builtin, permissions
from ..metrics import get_metric
from ..models import (
    DeductionRule,
    EvaluationScheme,
    GradeBand,
    Indicator,
    Participant,
    ScoreEntry,
    ScoreSheet,
    ScoringBody,
)

HUNDRED = Decimal(100)


def office_only() -> str:
    return _("只有绩效管理办公室（目标办）可以管理考评方案。")


def require_office(by) -> None:
    """For what is no transition (building, editing, reminding, new versions)."""
    if not permissions.may_manage(by):
        raise NotPermitted(office_only())


def require_step(obj, name: str, by, message: str) -> None:
    """``Conflict`` (409) when ``obj``'s state does not allow transition ``name`` now — asked
    before any input is read or anything is computed, so who acts on a moved record hears
    409 first; ``transition_apply`` asks again when it applies the step."""
    if not available_transitions(obj, by, names=[name]):
        raise Conflict(message)


def lock_scheme(scheme: EvaluationScheme) -> EvaluationScheme:
    return (
        EvaluationScheme.objects.select_for_update().select_related("plan_year").get(pk=scheme.pk)
    )


def require_editable(scheme: EvaluationScheme) -> None:
    if not scheme.is_editable:
        raise Conflict(
            _(
                "考评方案“%(name)s”已%(state)s，不能再修改；如需调整，请建立新版本（已有结果保留原版本）。"
            )
            % {"name": scheme.name, "state": scheme.get_state_display()}
        )


def _office_department(by) -> Department | None:
    ids = access_for(by).departments_with(Role.GENERAL_OFFICE)
    return Department.objects.filter(pk__in=ids).order_by("pk").first()


def _match_department(names) -> Department | None:
    for name in names:
        dept = Department.objects.filter(is_active=True, name=name).first()
        if dept is None:
            dept = Department.objects.filter(is_active=True, short_name=name).first()
        if dept is not None:
            return dept
    return None


def _default_participants(scheme: EvaluationScheme) -> None:
    # Zhongshan Art. 21: the municipal departments, each in its ranking category.
    Participant.objects.bulk_create(
        Participant(scheme=scheme, department=d, category=d.category)
        for d in Department.objects.filter(is_active=True, kind=Department.Kind.BUREAU).exclude(
            category=""
        )
    )


def _build_from_template(scheme: EvaluationScheme, key: str, by) -> None:
    spec = builtin.TEMPLATES[key]
    office = _office_department(by)
    government = Department.objects.filter(kind=Department.Kind.GOVERNMENT, is_active=True).first()
    bodies = {}
    for order, (bkey, name, kind, weight, names) in enumerate(spec["bodies"], start=1):
        rater = None
        if kind == ScoringBody.Kind.LEADERS:
            rater = government
        elif kind != ScoringBody.Kind.OBJECTIVE:
            rater = _match_department(names) or office
        bodies[bkey] = ScoringBody.objects.create(
            scheme=scheme, name=name, kind=kind, weight=weight, rater_department=rater, order=order
        )
    counter = [0]

    def add(node, parent):
        counter[0] += 1
        if isinstance(node, dict):
            leaf = Indicator.objects.create(
                scheme=scheme,
                parent=parent,
                order=counter[0],
                name=node["name"],
                max_points=node["points"],
                content=node.get("content", ""),
                body=bodies[node["body"]],
                body_text=node.get("body_text", ""),
                responsible_text=node.get("responsible", ""),
                metric=node.get("metric", ""),
            )
            if node.get("co_bodies"):
                leaf.co_bodies.set([bodies[k] for k in node["co_bodies"]])
            return
        name, points, kids = node
        inner = Indicator.objects.create(
            scheme=scheme, parent=parent, order=counter[0], name=name, max_points=points
        )
        for kid in kids:
            add(kid, inner)

    for node in spec["tree"]:
        add(node, None)
    for order, (category, label, content, body_text, resp) in enumerate(
        spec["deductions"], start=1
    ):
        DeductionRule.objects.create(
            scheme=scheme,
            category=category,
            label=label,
            content=content,
            points_each=spec["points_each"],
            body_text=body_text,
            responsible_text=resp,
            order=order,
        )
    for order, (name, minimum, share) in enumerate(spec["bands"], start=1):
        GradeBand.objects.create(
            scheme=scheme,
            name=name,
            order=order,
            min_score=minimum,
            max_percent=share,
            is_default=True,
        )
    _default_participants(scheme)


def _clone_rows(source: EvaluationScheme, scheme: EvaluationScheme) -> None:
    bodies = {}
    for body in source.bodies.prefetch_related("raters"):
        copy = ScoringBody.objects.create(
            scheme=scheme,
            name=body.name,
            kind=body.kind,
            rater_department_id=body.rater_department_id,
            weight=body.weight,
            order=body.order,
        )
        copy.raters.set(body.raters.all())
        bodies[body.pk] = copy
    copies = {}
    # Parents before children: order by depth through repeated passes over the tree.
    pending = list(source.indicators.prefetch_related("co_bodies"))
    while pending:
        rest = []
        for ind in pending:
            if ind.parent_id is not None and ind.parent_id not in copies:
                rest.append(ind)
                continue
            copies[ind.pk] = Indicator.objects.create(
                scheme=scheme,
                parent=copies.get(ind.parent_id),
                order=ind.order,
                name=ind.name,
                max_points=ind.max_points,
                content=ind.content,
                body=bodies.get(ind.body_id),
                body_text=ind.body_text,
                responsible_text=ind.responsible_text,
                metric=ind.metric,
            )
            co = [bodies[b.pk] for b in ind.co_bodies.all() if b.pk in bodies]
            if co:
                copies[ind.pk].co_bodies.set(co)
        pending = rest
    for rule in source.deduction_rules.all():
        rule.pk = None
        rule.scheme = scheme
        rule.save()
    for band in source.grade_bands.all():
        band.pk = None
        band.scheme = scheme
        band.save()
    Participant.objects.bulk_create(
        Participant(scheme=scheme, department_id=p.department_id, category=p.category)
        for p in source.participants.all()
    )


SETTINGS_FIELDS = (
    "name",
    "mode",
    "comment_below_percent",
    "deduction_cap",
    "joint_lead_percent",
    "joint_responsible_percent",
    "joint_cooperating_percent",
    "joint_liability",
    "empty_objective",
    "bonus_min_grade",
    "extra_bonus_grade",
    "extra_bonus_percent",
    "bonus_cut_percent",
    "self_evaluation",
)


def _settings_of(scheme) -> dict:
    out = {}
    for name in SETTINGS_FIELDS:
        value = getattr(scheme, name)
        out[name] = format(value.normalize(), "f") if isinstance(value, Decimal) else value
    return out


@transaction.atomic
def scheme_create(
    *, plan_year: PlanYear, by, template_key: str = "", source: EvaluationScheme | None = None
) -> EvaluationScheme:
    """A new scheme for ``plan_year``, built from a built-in template or cloned from another
    year's scheme (Fujian 二: the scheme is set before the year's work is assessed).

    Side effects: an audit row."""
    require_office(by)
    plan_year = PlanYear.objects.select_for_update().get(pk=plan_year.pk)
    if bool(template_key) == (source is not None):
        raise ValidationFailed(_("请选择一个内置模板，或选择要复制的往年方案。"))
    if template_key and template_key not in builtin.TEMPLATES:
        raise ValidationFailed(_("没有该内置模板。"))
    if plan_year.schemes.exclude(state=EvaluationScheme.State.SUPERSEDED).exists():
        raise ValidationFailed(
            _("%(year)s年度已有考评方案；如需修改请在原方案上建立新版本。")
            % {"year": plan_year.year}
        )
    version = (plan_year.schemes.aggregate(m=Max("version"))["m"] or 0) + 1
    if template_key:
        spec = builtin.TEMPLATES[template_key]
        scheme = EvaluationScheme.objects.create(
            plan_year=plan_year,
            version=version,
            name=spec["name"],
            mode=spec["mode"],
            template_key=template_key,
            deduction_cap=spec["deduction_cap"],
            joint_lead_percent=spec["joint"][0],
            joint_responsible_percent=spec["joint"][1],
            joint_cooperating_percent=spec["joint"][2],
            joint_liability=spec["joint_liability"],
            created_by=by,
        )
        if spec.get("outcomes"):
            (
                scheme.bonus_min_grade,
                scheme.extra_bonus_grade,
                scheme.extra_bonus_percent,
                scheme.bonus_cut_percent,
            ) = spec["outcomes"]
            scheme.save()
        _build_from_template(scheme, template_key, by)
    else:
        scheme = EvaluationScheme.objects.create(
            plan_year=plan_year,
            version=version,
            based_on=source,
            template_key=source.template_key,
            created_by=by,
            **{k: getattr(source, k) for k in SETTINGS_FIELDS},
        )
        _clone_rows(source, scheme)
    audit_record(
        actor=by,
        obj=scheme,
        action=AuditEvent.Action.CREATE,
        changes={k: [None, v] for k, v in _settings_of(scheme).items()},
        comment=(
            _("由内置模板“%(t)s”建立") % {"t": builtin.TEMPLATES[template_key]["label"]}
            if template_key
            else _("复制自%(s)s") % {"s": source}
        ),
    )
    return scheme


@transaction.atomic
def scheme_new_version(*, scheme: EvaluationScheme, by) -> EvaluationScheme:
    """A changed scheme after scoring opened: a new version in drafting, copied from this one.
    The old version and its sheets stay as they are until the new one opens scoring."""
    require_office(by)
    scheme = lock_scheme(scheme)
    if scheme.state not in (EvaluationScheme.State.SCORING, EvaluationScheme.State.LOCKED):
        raise Conflict(_("只有已开始评分且结果未发布的方案才能建立新版本。"))
    if scheme.plan_year.schemes.filter(state=EvaluationScheme.State.DRAFT).exists():
        raise Conflict(_("该年度已有编制中的新版本。"))
    version = scheme.plan_year.schemes.aggregate(m=Max("version"))["m"] + 1
    copy = EvaluationScheme.objects.create(
        plan_year=scheme.plan_year,
        version=version,
        based_on=scheme,
        template_key=scheme.template_key,
        created_by=by,
        **{k: getattr(scheme, k) for k in SETTINGS_FIELDS},
    )
    _clone_rows(scheme, copy)
    audit_record(
        actor=by,
        obj=copy,
        action=AuditEvent.Action.CREATE,
        comment=_("第%(v)s版的新版本") % {"v": scheme.version},
    )
    return copy


def scheme_errors(scheme: EvaluationScheme) -> list[str]:
    """Everything that must hold before scoring can open, as Chinese sentences (empty if
    none): the tree adds up (each level sums to its parent; points mode totals 100), every leaf
    has a body, weights add up to 100 (weighted mode), there are departments to evaluate."""
    errors = []
    indicators = list(scheme.indicators.all())
    bodies = list(scheme.bodies.all())
    children = {}
    for ind in indicators:
        children.setdefault(ind.parent_id, []).append(ind)
    if not indicators:
        errors.append(_("方案还没有考评指标。"))
    for ind in indicators:
        kids = children.get(ind.pk)
        if kids:
            total = sum((k.max_points for k in kids), Decimal(0))
            if total != ind.max_points and not scheme.is_pass_fail:
                errors.append(
                    _("指标“%(name)s”的分值%(points)s与其下级指标分值之和%(total)s不一致。")
                    % {
                        "name": ind.name,
                        "points": format(ind.max_points.normalize(), "f"),
                        "total": format(total.normalize(), "f"),
                    }
                )
        elif ind.body_id is None:
            errors.append(_("指标“%(name)s”没有指定考评主体。") % {"name": ind.name})
        elif ind.metric and get_metric(ind.metric) is None:
            errors.append(_("指标“%(name)s”的客观数据指标不存在。") % {"name": ind.name})
        elif not ind.metric and ind.body.is_objective:
            errors.append(
                _("指标“%(name)s”由客观数据考评，须选择客观数据指标。") % {"name": ind.name}
            )
    if scheme.mode == EvaluationScheme.Mode.POINTS and indicators:
        total = sum((i.max_points for i in children.get(None, [])), Decimal(0))
        if total != HUNDRED:
            errors.append(
                _("百分制方案的一级指标分值合计须为100分，现为%(total)s分。")
                % {"total": format(total.normalize(), "f")}
            )
    if scheme.mode == EvaluationScheme.Mode.WEIGHTED:
        used = {i.body_id for i in indicators if i.body_id}
        total = sum((b.weight or Decimal(0) for b in bodies if b.pk in used), Decimal(0))
        if total != HUNDRED:
            errors.append(
                _("各考评主体的权重合计须为100，现为%(total)s。")
                % {"total": format(total.normalize(), "f")}
            )
    for body in bodies:
        if body.is_objective:
            continue
        if body.rater_department_id is None and not body.raters.exists():
            errors.append(_("考评主体“%(name)s”没有指定评分部门或评分人。") % {"name": body.name})
    shares = (
        scheme.joint_lead_percent,
        scheme.joint_responsible_percent,
        scheme.joint_cooperating_percent,
    )
    if any(s < 0 or s > 100 for s in shares):
        errors.append(_("连坐承担比例须在0至100之间。"))
    if not scheme.participants.exists():
        errors.append(_("方案还没有考评对象（部门）。"))
    return errors


def _objective_entries(sheet: ScoreSheet, leaves) -> None:
    """(Re)compute an objective sheet from our own records, keeping the inputs."""
    ScoreEntry.objects.filter(sheet=sheet).delete()
    rows = []
    for leaf in leaves:
        metric = get_metric(leaf.metric)
        value = metric.compute(plan_year=sheet.scheme.plan_year, department=sheet.department)
        share = (
            Decimal(value.numerator) / Decimal(value.denominator)
            if value.denominator
            else Decimal(1)
        )
        rows.append(
            ScoreEntry(
                sheet=sheet,
                indicator=leaf,
                points=(leaf.max_points * share).quantize(Decimal("0.0001")),
                passed=value.numerator == value.denominator,
                inputs={
                    "metric": leaf.metric,
                    "numerator": value.numerator,
                    "denominator": value.denominator,
                    "lines": value.lines,
                    "computed_at": timezone.now().isoformat(),
                },
            )
        )
    ScoreEntry.objects.bulk_create(rows)


def compute_objective_sheets(scheme: EvaluationScheme) -> int:
    """Recompute every objective sheet of the scheme (at opening and again at locking, when
    the year's records are final). Returns the number of sheets."""
    leaves_by_body = {}
    for ind in scheme.indicators.filter(body__kind=ScoringBody.Kind.OBJECTIVE, children=None):
        leaves_by_body.setdefault(ind.body_id, []).append(ind)
    sheets = scheme.sheets.filter(body__kind=ScoringBody.Kind.OBJECTIVE).select_related(
        "department", "scheme__plan_year"
    )
    for sheet in sheets:
        _objective_entries(sheet, leaves_by_body.get(sheet.body_id, []))
    return len(sheets)


def _new_sheet(scheme, body, department, *, is_self=False) -> ScoreSheet:
    return ScoreSheet(
        scheme=scheme,
        body=body,
        department=department,
        is_self=is_self,
        state=(
            ScoreSheet.State.SUBMITTED
            if body is not None and body.is_objective
            else ScoreSheet.State.ASSIGNED
        ),
        submitted_at=timezone.now() if body is not None and body.is_objective else None,
    )


@transaction.atomic
def scheme_open_scoring(*, scheme: EvaluationScheme, by) -> EvaluationScheme:
    """开始评分: freeze the scheme and create one sheet per (scoring body, department) for the
    body's indicators, and each department's self-evaluation sheet (Shanghai Art. 25; Fujian).
    A previous version still scoring is superseded (its sheets stay, unused).

    Side effects: sheets, computed objective entries, audit rows."""
    require_transition_permission(scheme, "open_scoring", by, message=office_only())
    scheme = lock_scheme(scheme)
    refused = _("该方案已开始评分（可能已被他人处理，请刷新）。")
    require_step(scheme, "open_scoring", by, refused)
    errors = scheme_errors(scheme)
    if errors:
        raise ValidationFailed(
            _("方案尚不完整，不能开始评分：%(errors)s") % {"errors": "；".join(errors)},
            field_errors={"scheme": errors},
        )
    superseded = list(
        scheme.plan_year.schemes.select_for_update()
        .exclude(pk=scheme.pk)
        .filter(state__in=[EvaluationScheme.State.SCORING, EvaluationScheme.State.LOCKED])
    )
    for old in superseded:
        transition_apply(
            old,
            "supersede",
            by=by,
            locked=True,
            comment=_("由第%(v)s版取代") % {"v": scheme.version},
            forbidden=office_only(),
        )
    departments = [p.department for p in scheme.participants.select_related("department")]
    used_bodies = (
        ScoringBody.objects.filter(scheme=scheme)
        .filter(Q(indicators__isnull=False) | Q(co_indicators__isnull=False))
        .distinct()
    )
    sheets = [_new_sheet(scheme, body, d) for body in used_bodies for d in departments]
    if scheme.self_evaluation:
        sheets += [_new_sheet(scheme, None, d, is_self=True) for d in departments]
    ScoreSheet.objects.bulk_create(sheets)
    scheme = transition_apply(
        scheme,
        "open_scoring",
        by=by,
        locked=True,
        stamps={"opened_at": timezone.now()},
        comment=_("生成评分表%(n)s张") % {"n": len(sheets)},
        forbidden=office_only(),
        refused=refused,
    )
    compute_objective_sheets(scheme)
    return scheme


@transaction.atomic
def sheet_add(*, scheme: EvaluationScheme, body: ScoringBody, department: Department, by):
    """Add a sheet the opening did not create (for instance after a sheet's body gained a
    department). The department must be one the scheme evaluates."""
    require_office(by)
    scheme = lock_scheme(scheme)
    if scheme.state != EvaluationScheme.State.SCORING:
        raise Conflict(_("只有评分中的方案可以增加评分表。"))
    if body.scheme_id != scheme.pk:
        raise ValidationFailed(_("考评主体不属于该方案。"))
    if not scheme.participants.filter(department=department).exists():
        raise ValidationFailed(
            _("“%(dept)s”不是该方案的考评对象，不能为其建立评分表。") % {"dept": department}
        )
    if scheme.sheets.filter(body=body, department=department, is_self=False).exists():
        raise ValidationFailed(_("该考评主体对该部门的评分表已存在。"))
    sheet = _new_sheet(scheme, body, department)
    sheet.save()
    if body.is_objective:
        leaves = list(scheme.indicators.filter(body=body, children=None))
        _objective_entries(sheet, leaves)
    audit_record(actor=by, obj=sheet, action=AuditEvent.Action.CREATE, scope=scheme)
    return sheet
