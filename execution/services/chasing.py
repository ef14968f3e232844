"""催报 (issue 19 item 3): the general office or the supervision office chases late progress
reports — one, or every late report of a period or a department — after a page that showed how
many (Shanghai Art. 14; Art. 18: the supervision office chases what lags; efficiency opinions
五.6 到期提醒). The round runs in the background (``notifications.runs``) with a progress bar;
each report is chased at most once per working day (``ReportChase``'s unique constraint), and
each chase tells the owing department's staff and head once, through notifications' one path."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from audit.models import AuditEvent
from audit.services import audit_record
from notifications.runs import reminder_run_start
from notifications.services import Message, notify_each
from targets.models import PlanYear, Target
from workflow.errors import Conflict, NotPermitted, ValidationFailed

from .. import clock, reminders
from ..models import ProgressReport, ReportChase
from ..permissions import progress as perms
from ..selectors.chasing import chase_workday, late_reports

SOURCE = "execution.chase"
STEP = 20  # items per transaction: the progress bar moves, a failure loses little


def require_may_chase(user) -> None:
    if not perms.is_verifier(user):
        raise NotPermitted(_("只有目标办或督查室可以催报。"))


def chase_start(
    *,
    by: User,
    plan_year: PlanYear,
    period_start: datetime.date | None = None,
    department_id: int | None = None,
    target_id: int | None = None,
    expected: int | None = None,
    back_url: str = "",
):
    """Queue the chase of the late reports the confirmation page counted (``expected``): if the
    set changed meanwhile, nothing is queued and the page shows the new count. Reports already
    chased on this working day are left out."""
    require_may_chase(by)
    rows = [
        r
        for r in late_reports(
            plan_year, period_start=period_start, department_id=department_id, target_id=target_id
        )
        if not r.chased_today
    ]
    if not rows:
        raise ValidationFailed(_("没有需要催报的逾期未报进展报告（今日已催报的不再重复催报）。"))
    if expected is not None and expected != len(rows):
        raise Conflict(
            _("逾期未报的报告已有变化（现为%(n)s份），请核对后重新确认。") % {"n": len(rows)}
        )
    with translation.override(settings.LANGUAGE_CODE):
        title = _("催报逾期未报进展报告 %(year)s年 %(n)s份") % {
            "year": plan_year.year,
            "n": len(rows),
        }
    items = [[r.target_id, r.department_id, r.period_start.isoformat()] for r in rows]
    return reminder_run_start(
        source=SOURCE,
        title=title,
        params={"plan_year": plan_year.pk, "items": items},
        total=len(items),
        by=by,
        back_url=back_url,
    )


def _action_url(target_id, period_start, open_report) -> str:
    """Where the notice leads: the report already started, else the form for that period."""
    if open_report:
        return reverse("execution:report_detail", args=[open_report])
    return (
        reverse("execution:report_create", args=[target_id]) + f"?period={period_start.isoformat()}"
    )


def chase_items(run, advance) -> None:
    """The background part (registered with ``notifications.runs``): chase each item once per
    working day, ``STEP`` items per transaction."""
    by = run.requested_by
    workday = chase_workday(clock.today())
    items = [(t, d, datetime.date.fromisoformat(p)) for t, d, p in run.params["items"]]
    targets = Target.objects.in_bulk([t for t, _d, _p in items])
    members: dict[int, list[int]] = {}
    for dept_id, user_id in Membership.objects.filter(
        department_id__in={d for _t, d, _p in items}, role__in=reminders.REPORT_OWNERS
    ).values_list("department_id", "user_id"):
        members.setdefault(dept_id, []).append(user_id)
    started = {
        (t, d, p): pk
        for pk, t, d, p in ProgressReport.objects.filter(
            target_id__in=list(targets), state__in=ProgressReport.EDITABLE_STATES
        ).values_list("pk", "target_id", "department_id", "period_start")
    }
    for i in range(0, len(items), STEP):
        sent = skipped = 0
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            messages = []
            for target_id, dept_id, period_start in items[i : i + STEP]:
                target = targets.get(target_id)
                if target is None:
                    skipped += 1
                    continue
                try:
                    with transaction.atomic():
                        chase = ReportChase.objects.create(
                            target=target,
                            department_id=dept_id,
                            period_start=period_start,
                            workday=workday,
                            run=run,
                            chased_by=by,
                            created_at=clock.now(),
                        )
                except IntegrityError:
                    skipped += 1  # chased already on this working day
                    continue
                audit_record(
                    actor=by,
                    obj=chase,
                    action=AuditEvent.Action.CREATE,
                    changes={"period_start": [None, period_start.isoformat()]},
                    scope=target,
                )
                url = _action_url(
                    target_id, period_start, started.get((target_id, dept_id, period_start))
                )
                for user_id in members.get(dept_id, []):
                    messages.append(
                        Message(
                            recipient_id=user_id,
                            title=_("【催报】%(code)s %(title)s")
                            % {
                                "code": target.code,
                                "title": target.title,
                            },
                            body=_(
                                "目标“%(code)s”%(period)s的进展报告已逾期未报，请尽快填报并由部门主要负责人报送。"
                            )
                            % {"code": target.code, "period": period_start.isoformat()},
                            url=url,
                            obj=target,
                            key=f"report_chase:{chase.pk}",
                        )
                    )
                sent += 1
            notify_each(kind=reminders.REPORT_CHASED, messages=messages)
        advance(done=min(STEP, len(items) - i), sent=sent, skipped=skipped)
