"""Writes on score sheets (评分表): raters save drafts and submit; the office reminds and locks."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from audit.services import audit_record
from notifications.services import notify
from workflow.errors import Conflict, NotFoundForUser, NotPermitted, ValidationFailed
from workflow.transitions import require_transition_permission, transition_apply

from .. import permissions
from ..models import EvaluationScheme, ScoreEntry, ScoreSheet
from .schemes import (
    compute_objective_sheets,
    lock_scheme,
    office_only,
    require_office,
    require_step,
)

SUMMARY_MAX = 20000
COMMENT_MAX = 2000


@dataclass
class EntryInput:
    points: object = None  # as typed: str, Decimal or None
    passed: bool | None = None
    comment: str = ""


def sheet_leaves(sheet: ScoreSheet):
    """The indicators a sheet scores: its body's leaves, or every scored leaf for a
    self-evaluation (the department judges itself on the whole scheme)."""
    qs = sheet.scheme.indicators.filter(children=None).select_related("body")
    if sheet.is_self:
        return qs.exclude(body__kind="objective").order_by("order", "pk")
    # A body scores its own leaves and those it scores jointly with another (Zhongshan 附件1).
    return (
        qs.filter(Q(body_id=sheet.body_id) | Q(co_bodies=sheet.body_id))
        .distinct()
        .order_by("order", "pk")
    )


def _lock_sheet(sheet: ScoreSheet) -> ScoreSheet:
    return (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("scheme", "scheme__plan_year", "body", "department")
        .get(pk=sheet.pk)
    )


def _parse_points(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return "invalid"
    return number if number.is_finite() else "invalid"


def _plain(value):
    return None if value is None else format(value.normalize(), "f")


@transaction.atomic
def sheet_save(
    *,
    sheet: ScoreSheet,
    by,
    entries: dict[int, EntryInput],
    summary: str | None = None,
    submit: bool = False,
    expected_version: int | None = None,
) -> ScoreSheet:
    """Save a rater's points (a draft), or submit them (提交). Each point is checked
    0 ≤ points ≤ the indicator's maximum with at most two decimals; below the scheme's share a
    comment is required; a self-evaluation needs its summary report to be submitted (Fujian 六;
    Shanghai Art. 25); another body submits only after the department's self-evaluation is in.
    Anything wrong → nothing is saved.

    Side effects: one audit row (``save_draft`` or ``submit``) with before/after of the
    changed entries and summary."""
    step = "submit" if submit else "save_draft"
    if not permissions.may_fill_sheet(sheet, by):
        if permissions.reads_all(by):
            raise NotPermitted(_("您不是该评分表的评分人，不能填写。"))
        raise NotFoundForUser(_("评分表不存在或无权查看。"))
    sheet = _lock_sheet(sheet)
    scheme = sheet.scheme
    refused = _("该评分表当前为“%(state)s”，不能再修改（方案：%(scheme)s）。") % {
        "state": sheet.get_state_display(),
        "scheme": scheme.get_state_display(),
    }
    require_step(sheet, step, by, refused)
    if expected_version is not None and expected_version != sheet.version:
        raise Conflict(_("该评分表已被他人保存，请刷新后再填写。"))
    leaves = {leaf.pk: leaf for leaf in sheet_leaves(sheet)}
    existing = {e.indicator_id: e for e in sheet.entries.all()}
    errors: dict[str, list[str]] = {}
    unknown = set(entries) - set(leaves)
    if unknown:
        raise ValidationFailed(
            _("评分项不属于该评分表：%(ids)s") % {"ids": "、".join(str(i) for i in sorted(unknown))}
        )
    share = scheme.comment_below_percent / Decimal(100)
    parsed = {}
    for leaf_id, leaf in leaves.items():
        given = entries.get(leaf_id)
        old = existing.get(leaf_id)
        if given is None:
            parsed[leaf_id] = (old.points, old.passed, old.comment) if old else (None, None, "")
            continue
        comment = (given.comment or "").strip()
        key = f"entries.{leaf_id}"
        if len(comment) > COMMENT_MAX:
            errors.setdefault(f"{key}.comment", []).append(
                _("评分说明不能超过%(n)s字。") % {"n": COMMENT_MAX}
            )
        if scheme.is_pass_fail:
            parsed[leaf_id] = (None, given.passed, comment)
            continue
        points = _parse_points(given.points)
        if points == "invalid":
            errors.setdefault(f"{key}.points", []).append(
                _("“%(name)s”的得分须为数字。") % {"name": leaf.name}
            )
            continue
        if points is not None:
            if points < 0 or points > leaf.max_points:
                errors.setdefault(f"{key}.points", []).append(
                    _("“%(name)s”的得分须在0至%(max)s分之间。")
                    % {"name": leaf.name, "max": _plain(leaf.max_points)}
                )
                continue
            if points.normalize().as_tuple().exponent < -2:
                errors.setdefault(f"{key}.points", []).append(
                    _("“%(name)s”的得分最多两位小数。") % {"name": leaf.name}
                )
                continue
        parsed[leaf_id] = (points, None, comment)
    summary_value = sheet.summary if summary is None else (summary or "").strip()
    if len(summary_value) > SUMMARY_MAX:
        errors.setdefault("summary", []).append(
            _("自评总结报告不能超过%(n)s字。") % {"n": SUMMARY_MAX}
        )
    if submit and not errors:
        for leaf_id, leaf in leaves.items():
            points, passed, comment = parsed[leaf_id]
            key = f"entries.{leaf_id}"
            if scheme.is_pass_fail:
                if passed is None:
                    errors.setdefault(f"{key}.passed", []).append(
                        _("请评定“%(name)s”是否达标。") % {"name": leaf.name}
                    )
                elif passed is False and not comment:
                    errors.setdefault(f"{key}.comment", []).append(
                        _("“%(name)s”评为不达标，须填写说明。") % {"name": leaf.name}
                    )
                continue
            if points is None:
                errors.setdefault(f"{key}.points", []).append(
                    _("请为“%(name)s”打分。") % {"name": leaf.name}
                )
            elif points < leaf.max_points * share and not comment:
                errors.setdefault(f"{key}.comment", []).append(
                    _("“%(name)s”得分低于满分的%(p)s%%，须填写评分说明。")
                    % {"name": leaf.name, "p": _plain(scheme.comment_below_percent)}
                )
        if sheet.is_self and not summary_value:
            errors.setdefault("summary", []).append(_("提交自评前须填写自评总结报告。"))
        if not sheet.is_self and scheme.self_evaluation:
            self_sheet = ScoreSheet.objects.filter(
                scheme=scheme, department=sheet.department, is_self=True
            ).first()
            if self_sheet is not None and not self_sheet.is_done:
                errors.setdefault("sheet", []).append(
                    _(
                        "“%(dept)s”尚未提交自评，须先自评再评分（第二十五条：在部门自我评价基础上考评）。"
                    )
                    % {"dept": sheet.department}
                )
    if errors:
        raise ValidationFailed(_("评分表未保存，请更正标出的问题。"), field_errors=errors)
    before_entries, after_entries = {}, {}
    for leaf_id, (points, passed, comment) in parsed.items():
        old = existing.get(leaf_id)
        before = (old.points, old.passed, old.comment) if old else (None, None, "")
        if (points, passed, comment) == before:
            continue
        name = leaves[leaf_id].name
        before_entries[name] = {
            "points": _plain(before[0]),
            "passed": before[1],
            "comment": before[2],
        }
        after_entries[name] = {"points": _plain(points), "passed": passed, "comment": comment}
        if old:
            old.points, old.passed, old.comment = points, passed, comment
            old.save(update_fields=["points", "passed", "comment"])
        else:
            ScoreEntry.objects.create(
                sheet=sheet, indicator_id=leaf_id, points=points, passed=passed, comment=comment
            )
    now = timezone.now()
    stamps = {"version": sheet.version + 1, "saved_at": now}
    if submit:
        stamps.update(submitted_at=now, submitted_by=by)
    return transition_apply(
        sheet,
        step,
        by=by,
        locked=True,
        values={"summary": summary_value},
        stamps=stamps,
        changes={"entries": [before_entries, after_entries]} if after_entries else None,
        refused=refused,
    )


# The notification kind of a score-sheet reminder (评分催办, Shanghai 002 五.6 到期提醒).
SHEET_REMINDER = "score_sheet_reminder"


def sheet_recipients(sheet: ScoreSheet) -> list[User]:
    """Whom a reminder about ``sheet`` reaches: its raters (active users)."""
    if sheet.is_self:
        users = User.objects.filter(
            memberships__department_id=sheet.department_id,
            memberships__role__in=[Membership.Role.STAFF, Membership.Role.HEAD],
        )
    else:
        users = User.objects.filter(
            memberships__department_id=sheet.body.rater_department_id,
            memberships__role__in=permissions.FILLING_ROLES,
        ) | User.objects.filter(pk__in=sheet.body.raters.values("pk"))
    return list(users.filter(is_active=True).distinct().order_by("pk"))


def send_sheet_reminder(sheet: ScoreSheet, *, key: str | None = None) -> int:
    """The ONE place a score-sheet reminder is sent (Shanghai 002 五.6 到期提醒), through the one
    path for telling anyone anything (``notifications.services.notify``): in-app, and by
    e-mail after commit for raters who want this kind by e-mail. Called inside the reminding
    transaction (outbox). ``key`` makes one reminder round idempotent. Returns the number of
    raters told."""
    recipients = sheet_recipients(sheet)
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title = _("【评分催办】%(scheme)s：%(sheet)s") % {"scheme": sheet.scheme, "sheet": sheet}
        body = _("请尽快填写并提交评分表“%(sheet)s”。") % {"sheet": sheet}
    return len(
        notify(
            recipients=recipients,
            kind=SHEET_REMINDER,
            title=title,
            body=body,
            url=reverse("evaluation:sheet_detail", args=[sheet.pk]),
            obj=sheet,
            key=key,
        )
    )


@transaction.atomic
def scheme_remind(*, scheme: EvaluationScheme, by, body_id=None, department_id=None) -> int:
    """催办: remind the raters of every sheet not yet submitted (optionally of one body or about
    one department). Returns the number of sheets reminded. Mail goes after commit."""
    require_office(by)
    scheme = lock_scheme(scheme)
    if scheme.state != EvaluationScheme.State.SCORING:
        raise Conflict(_("只有评分中的方案可以催办。"))
    sheets = scheme.sheets.filter(
        state__in=[ScoreSheet.State.ASSIGNED, ScoreSheet.State.DRAFT]
    ).select_related("body", "department", "scheme__plan_year")
    if body_id:
        sheets = sheets.filter(body_id=body_id)
    if department_id:
        sheets = sheets.filter(department_id=department_id)
    sheets = list(sheets)
    now = timezone.now()
    # Not a step of the sheets: only the time of the reminder (a rater may be submitting now).
    ScoreSheet.objects.filter(pk__in=[s.pk for s in sheets]).update(reminded_at=now)
    for sheet in sheets:
        send_sheet_reminder(sheet, key=f"sheet-remind-{sheet.pk}-{now.isoformat()}")
    audit_record(
        actor=by,
        obj=scheme,
        action="remind",
        comment=_("催办未提交的评分表%(n)s张") % {"n": len(sheets)},
    )
    return len(sheets)


@transaction.atomic
def scheme_lock(*, scheme: EvaluationScheme, by) -> EvaluationScheme:
    """锁定: collection ends. Submitted sheets are locked; objective sheets are recomputed on the
    year's final records; unsubmitted sheets stay as they are (publishing then needs a reason).

    Side effects: each submitted sheet's ``lock`` and the scheme's, each audited."""
    require_transition_permission(scheme, "lock", by, message=office_only())
    scheme = lock_scheme(scheme)
    refused = _("只有评分中的方案可以锁定（可能已被他人处理，请刷新）。")
    require_step(scheme, "lock", by, refused)
    compute_objective_sheets(scheme)
    submitted = list(
        scheme.sheets.select_for_update(of=("self",))
        .filter(state=ScoreSheet.State.SUBMITTED)
        .select_related("scheme")
        .order_by("pk")
    )
    for sheet in submitted:
        transition_apply(sheet, "lock", by=by, locked=True, forbidden=office_only())
    return transition_apply(
        scheme,
        "lock",
        by=by,
        locked=True,
        stamps={"locked_at": timezone.now()},
        comment=_("锁定评分表%(n)s张") % {"n": len(submitted)},
        forbidden=office_only(),
        refused=refused,
    )
