"""Every write of the self-evaluation reports published for comment (002 七.3: 向社会公示年度自我
综合效能评价报告，接受评议; issue 21 item 4).

- ``report_approve``: the general office puts a department's submitted self-evaluation before
  the public, with a comment period; the public record is a snapshot of the sheet then.
- ``comment_submit``: a citizen comments during the period; nothing is public yet.
- ``comment_publish`` / ``comment_withhold``: the office moderates, each a transition through
  ``workflow.transitions.transition_apply``; a comment's text is never edited (no service
  changes it). A published comment becomes an external input of the evaluation through
  ``supervision.services.external_input_record`` — the hotline's path.
- ``comment_answer``: the department answers a published comment in public, once.

Each public change moves the public cache's version on after commit (``portal.cache``).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from evaluation.models import ScoreSheet
from execution import clock
from supervision.models import ExternalInput
from supervision.services import external_input_record
from workflow.errors import Conflict, NotPermitted, ValidationFailed
from workflow.transitions import require_transition_permission, transition_apply

from . import cache, permissions, selectors
from .fields import report_record
from .models import PublicComment, PublicReport

TEXT_MAX = 1000
NAME_MAX = 40
ANSWER_MAX = 2000
# A comment period shorter than a week gives the public no real chance to comment; longer than
# three months keeps the evaluation waiting.
PERIOD_MIN_DAYS = 7
PERIOD_MAX_DAYS = 92


def _field_error(message: str, field: str, detail: str):
    return ValidationFailed(message, field_errors={field: [detail]})


@transaction.atomic
def report_approve(
    *,
    sheet: ScoreSheet,
    by: User,
    opens: datetime.date | None,
    closes: datetime.date | None,
    comment: str = "",
) -> PublicReport:
    """批准公示: the department's self-evaluation ``sheet`` (submitted or locked, with its summary
    report) becomes a public report open for comment from ``opens`` to ``closes`` (both
    included). Side effects: the public record is copied from the sheet, one audit event
    (create), the public cache moves on after commit."""
    if not permissions.may_approve_report(by):
        raise NotPermitted(_("只有目标办可以批准公示部门自评报告。"))
    sheet = ScoreSheet.objects.select_related("scheme__plan_year", "department").get(pk=sheet.pk)
    if not sheet.is_self:
        raise Conflict(_("只有部门自评表可以作为自评报告公示。"))
    if sheet.state not in selectors.PUBLISHABLE_SHEET_STATES:
        raise Conflict(
            _("该部门的自评尚未提交（当前为“%(s)s”），不能公示。")
            % {"s": sheet.get_state_display()}
        )
    if not sheet.summary.strip():
        raise Conflict(_("该部门的自评没有总结报告，不能公示。"))
    errors = {}
    if opens is None:
        errors["opens"] = [_("请填写评议开始日期。")]
    if closes is None:
        errors["closes"] = [_("请填写评议截止日期。")]
    if opens and closes:
        days = (closes - opens).days + 1
        if days < PERIOD_MIN_DAYS or days > PERIOD_MAX_DAYS:
            errors["closes"] = [
                _("评议期须为%(min)s至%(max)s天（现为%(n)s天）。")
                % {"min": PERIOD_MIN_DAYS, "max": PERIOD_MAX_DAYS, "n": days}
            ]
        if closes < clock.today():
            errors["closes"] = [_("评议截止日期不能早于今天。")]
    if errors:
        raise ValidationFailed(_("未公示，请更正标出的问题。"), field_errors=errors)
    year = sheet.scheme.plan_year.year
    if PublicReport.objects.filter(department=sheet.department, year=year).exists():
        raise Conflict(
            _("%(dept)s%(year)s年度的自评报告已经公示。") % {"dept": sheet.department, "year": year}
        )
    report = PublicReport.objects.create(
        sheet=sheet,
        department=sheet.department,
        year=year,
        data=report_record(sheet),
        comment_opens=opens,
        comment_closes=closes,
        approved_by=by,
        approved_at=clock.now(),
    )
    audit_record(
        actor=by,
        obj=report,
        action=AuditEvent.Action.CREATE,
        comment=comment,
        changes={
            "comment_opens": [None, opens.isoformat()],
            "comment_closes": [None, closes.isoformat()],
        },
    )
    cache.bump_after_commit()
    return report


@transaction.atomic
def comment_submit(*, report: PublicReport, text: str, name: str = "") -> PublicComment:
    """A citizen's comment, held for the office's moderation (nothing public changes). Only
    during the report's comment period; the text is required, the name optional."""
    today = clock.today()
    if not report.open_on(today):
        when = {"opens": report.comment_opens, "closes": report.comment_closes}
        if today < report.comment_opens:
            message = _("评议期自%(opens)s开始，届时再提交评议。") % when
        else:
            message = _("评议期已于%(closes)s结束，不再接受评议。") % when
        raise Conflict(message)
    text, name = (text or "").strip(), (name or "").strip()
    errors = {}
    if not text:
        errors["text"] = [_("请填写评议内容。")]
    elif len(text) > TEXT_MAX:
        errors["text"] = [_("评议内容不能超过%(n)s字。") % {"n": TEXT_MAX}]
    if len(name) > NAME_MAX:
        errors["name"] = [_("署名不能超过%(n)s字。") % {"n": NAME_MAX}]
    if errors:
        raise ValidationFailed(_("未提交，请更正标出的问题。"), field_errors=errors)
    comment = PublicComment.objects.create(
        report=report, text=text, name=name, submitted_at=clock.now()
    )
    # The citizen is not a user: the event has no actor (the record says who moderated later).
    audit_record(actor=None, obj=comment, action=AuditEvent.Action.CREATE, scope=report)
    return comment


@transaction.atomic
def comment_publish(*, comment: PublicComment, by: User) -> PublicComment:
    """公开评议: the comment appears on the report's page as written, and enters the evaluation
    as an external input (source 公众评议) about the department, recorded by the moderator
    through supervision's service — the same path as a hotline work order."""
    require_transition_permission(comment, "publish", by, message=_("只有目标办可以审核公众评议。"))
    comment = transition_apply(
        comment,
        "publish",
        by=by,
        stamps={"moderated_by": by, "moderated_at": clock.now()},
        forbidden=_("只有目标办可以审核公众评议。"),
        refused=_("该评议已审核（%(s)s），不能再次审核。") % {"s": comment.get_state_display()},
    )
    report = comment.report
    item = external_input_record(
        by=by,
        plan_year=report.sheet.scheme.plan_year,
        source=ExternalInput.Source.PUBLIC_COMMENT,
        reference=f"GKPY-{report.year}-{comment.pk}",
        received_on=timezone.localdate(comment.submitted_at),
        summary=comment.text,
        departments=[report.department],
    )
    comment.external_input = item
    comment.save(update_fields=["external_input"])
    cache.bump_after_commit()
    return comment


@transaction.atomic
def comment_withhold(*, comment: PublicComment, by: User, reason: str) -> PublicComment:
    """不予公开, with the reason (required; kept with the comment and in the audit trail). A
    withheld comment never appears publicly and does not enter the evaluation."""
    require_transition_permission(
        comment, "withhold", by, message=_("只有目标办可以审核公众评议。")
    )
    reason = (reason or "").strip()
    if not reason:
        raise _field_error(_("请写明不予公开的理由。"), "reason", _("请写明理由。"))
    return transition_apply(
        comment,
        "withhold",
        by=by,
        comment=reason,
        values={"reason": reason},
        stamps={"moderated_by": by, "moderated_at": clock.now()},
        forbidden=_("只有目标办可以审核公众评议。"),
        refused=_("该评议已审核（%(s)s），不能再次审核。") % {"s": comment.get_state_display()},
    )


@transaction.atomic
def comment_answer(*, comment: PublicComment, by: User, answer: str) -> PublicComment:
    """部门答复: the department whose report it is answers a published comment in public, once
    (an answer, like the comment, is not edited afterwards). Side effects: an audit event
    ``answer`` on the report's timeline, the public cache moves on after commit."""
    comment = (
        PublicComment.objects.select_for_update(of=("self",))
        .select_related("report__department")
        .get(pk=comment.pk)
    )
    if not permissions.may_answer_comment(by, comment.report.department_id):
        raise NotPermitted(
            _("只有%(dept)s可以答复对其自评报告的评议。") % {"dept": comment.report.department}
        )
    if comment.state != PublicComment.State.PUBLISHED:
        raise Conflict(_("只能答复已公开的评议。"))
    if comment.answered_at is not None:
        raise Conflict(_("该评议已经答复，答复公开后不能修改。"))
    answer = (answer or "").strip()
    if not answer:
        raise _field_error(_("请填写答复内容。"), "answer", _("请填写答复内容。"))
    if len(answer) > ANSWER_MAX:
        raise _field_error(
            _("答复不能超过%(n)s字。") % {"n": ANSWER_MAX},
            "answer",
            _("答复不能超过%(n)s字。") % {"n": ANSWER_MAX},
        )
    comment.answer = answer
    comment.answered_by = by
    comment.answered_at = clock.now()
    comment.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(
        actor=by,
        obj=comment,
        action="answer",
        changes={"answer": [None, answer]},
        scope=comment.report,
    )
    cache.bump_after_commit()
    return comment
