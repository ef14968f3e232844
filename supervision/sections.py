"""The supervision section of the target page (orders, findings and external inputs about the
target), registered in ``SupervisionConfig.ready``."""

from targets.extensions import may_have

from . import permissions as perms
from . import selectors

# The target page's probes (registered in apps.py): whether the target has any order, finding or
# external input at all, read with the target itself.
PROBES = {"orders": "supervision_orders", "findings": "findings", "inputs": "external_inputs"}


def target_section(request, target) -> dict | None:
    user = request.user
    absent = {kind for kind, probe in PROBES.items() if not may_have(target, probe)}
    found = selectors.target_supervision(user, target, absent=absent)
    may_issue = perms.may_issue(user)
    if not may_issue and not any(found.values()):
        return None
    return {"target": target, "may_issue": may_issue, **found}


def coordination_section(request, item) -> dict | None:
    """On a coordination item's page (``execution.extensions``): the orders about it that the
    reader may read, and for the offices a link to issue one (issue 9 item 1)."""
    user = request.user
    orders = list(selectors.order_list(user).filter(coordination_items=item))
    may_issue = perms.may_issue(user) and item.state != item.State.RESOLVED
    if not orders and not may_issue:
        return None
    return {"item": item, "orders": orders, "may_issue": may_issue}
