"""What supervision offers above the targets list (``targets.extensions``, issue 9 item 1: "the
office can issue an order straight from a red target or a red list — bulk: one order per lead
department"; Shanghai Art. 18)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from targets.models import Target

from . import permissions as perms

RED = "red"  # execution's registered filter ``?warning=red``


def red_list_orders(request, qs) -> dict | None:
    """On the targets list filtered to red warnings, the general office and the supervision office
    get a link to the bulk-issue page with those targets ticked. One query (their ids), and only
    for them, only on that filter."""
    if request.GET.get("warning") != RED or not perms.may_issue(request.user):
        return None
    ids = list(
        qs.filter(state__in=[Target.State.CONFIRMED, Target.State.EXECUTING])
        .order_by()
        .values_list("pk", flat=True)
    )
    if not ids:
        return None
    return {
        "key": "supervision_red_list",
        "label": _("对这%(n)s项红色预警目标下发督办单") % {"n": len(ids)},
        "url": reverse("supervision:order_bulk") + "?" + urlencode([("ids", i) for i in ids]),
        "primary": True,
    }
