"""催办全部未提交 in the background (issue 19 item 3): the office confirms how many score sheets
will be reminded, the round runs through ``notifications.runs`` with a progress bar, and each
sheet's raters are told through the one reminder function (``send_sheet_reminder``, Shanghai 002
五.6 到期提醒) — the same rules as ``scheme_remind``, which stays for the API."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from notifications.runs import reminder_run_start
from workflow.errors import Conflict, ValidationFailed

from ..models import EvaluationScheme, ScoreSheet
from .schemes import require_office
from .sheets import send_sheet_reminder

SOURCE = "evaluation.sheet_reminders"
STEP = 20


def sheets_to_remind(scheme: EvaluationScheme, *, body_id=None, department_id=None):
    """The sheets a reminder round covers: every one not yet submitted (optionally of one body
    or about one department)."""
    sheets = scheme.sheets.filter(state__in=[ScoreSheet.State.ASSIGNED, ScoreSheet.State.DRAFT])
    if body_id:
        sheets = sheets.filter(body_id=body_id)
    if department_id:
        sheets = sheets.filter(department_id=department_id)
    return sheets.select_related("body", "department", "scheme__plan_year").order_by(
        "body__order", "department__sort_order", "pk"
    )


def require_may_remind(scheme: EvaluationScheme, by) -> None:
    require_office(by)
    if scheme.state != EvaluationScheme.State.SCORING:
        raise Conflict(_("只有评分中的方案可以催办。"))


@transaction.atomic
def scheme_remind_start(
    *, scheme: EvaluationScheme, by, body_id=None, department_id=None, expected=None
):
    """Queue the round the confirmation page counted (``expected``); a changed count queues
    nothing and the page shows the new one."""
    require_may_remind(scheme, by)
    ids = list(
        sheets_to_remind(scheme, body_id=body_id, department_id=department_id).values_list(
            "pk", flat=True
        )
    )
    if not ids:
        raise ValidationFailed(_("没有未提交的评分表需要催办。"))
    if expected is not None and expected != len(ids):
        raise Conflict(
            _("未提交的评分表已有变化（现为%(n)s张），请核对后重新确认。") % {"n": len(ids)}
        )
    return reminder_run_start(
        source=SOURCE,
        title=_("催办未提交的评分表 %(scheme)s %(n)s张") % {"scheme": scheme, "n": len(ids)},
        params={"scheme": scheme.pk, "sheets": ids},
        total=len(ids),
        by=by,
        back_url=reverse("evaluation:scheme_progress", args=[scheme.pk]),
    )


def remind_sheets(run, advance) -> None:
    """The background part: ``STEP`` sheets per transaction; a sheet submitted meanwhile is
    skipped. The scheme's trail records the round once, at the end."""
    scheme = EvaluationScheme.objects.get(pk=run.params["scheme"])
    ids = run.params["sheets"]
    reminded = 0
    for i in range(0, len(ids), STEP):
        chunk = ids[i : i + STEP]
        with transaction.atomic():
            sheets = list(
                sheets_to_remind(scheme).filter(pk__in=chunk).select_for_update(of=("self",))
            )
            now = timezone.now()
            # Not a step of the sheets: only the time of the reminder.
            ScoreSheet.objects.filter(pk__in=[s.pk for s in sheets]).update(reminded_at=now)
            for sheet in sheets:
                send_sheet_reminder(sheet, key=f"sheet-remind-{sheet.pk}-run-{run.pk}")
        reminded += len(sheets)
        advance(done=len(chunk), sent=len(sheets), skipped=len(chunk) - len(sheets))
    with transaction.atomic():
        audit_record(
            actor=run.requested_by,
            obj=scheme,
            action="remind",
            comment=_("催办未提交的评分表%(n)s张") % {"n": reminded},
        )
