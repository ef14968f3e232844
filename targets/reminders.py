"""What targets contributes to notifications: the reminder source for node targets (节点目标,
002 三.3 quarterly indicators, 五.6 到期提醒), the read check that keeps anyone from being told
about a target they cannot read, and the kinds of notification targets sends."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.access import Role
from notifications.reminders import DueItem

from .models import Milestone, Target
from .selectors import visible_targets

TARGET_RETURNED = "target_returned"


def target_readers(target: Target, users: list) -> list:
    """The users among ``users`` who may read ``target``, by the one selector that decides it
    (one query per candidate; notifications go to a handful of people)."""
    return [u for u in users if visible_targets(u).filter(pk=target.pk).exists()]


def _target_url_pattern() -> str:
    # reverse() once, not for each of 100,000 rows.
    marker = 987654321
    return reverse("targets:target_detail", args=[marker]).replace(str(marker), "{}")


def open_milestones(due_dates) -> list[DueItem]:
    """Node targets still pending, of targets in execution, due on one of ``due_dates`` — owed
    by the lead department (Art. 7, 16). One query."""
    pattern = _target_url_pattern()
    rows = (
        Milestone.objects.filter(
            status=Milestone.Status.PENDING,
            target__state=Target.State.EXECUTING,
            due_date__in=list(due_dates),
        )
        .order_by()
        .values_list(
            "pk",
            "due_date",
            "quarter",
            "target_id",
            "target__code",
            "target__title",
            "target__lead_department_id",
            "target__lead_department__name",
        )
    )
    quarter = str(_("第%(q)s季度节点目标"))
    return [
        DueItem(
            object_id=pk,
            due_date=due,
            department_id=dept_id,
            department_name=dept_name,
            title=f"{code} {title}（{quarter % {'q': q}}）",
            url=pattern.format(target_id) + "#milestones",
        )
        for pk, due, q, target_id, code, title, dept_id, dept_name in rows
    ]


MILESTONE_OWNERS = (Role.STAFF, Role.HEAD)
