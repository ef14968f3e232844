"""The supervision section of the target page (orders, findings and external inputs about the
target), registered in ``SupervisionConfig.ready``."""

from . import permissions as perms
from . import selectors


def target_section(request, target) -> dict | None:
    user = request.user
    found = selectors.target_supervision(user, target)
    may_issue = perms.may_issue(user)
    if not may_issue and not any(found.values()):
        return None
    return {"target": target, "may_issue": may_issue, **found}
