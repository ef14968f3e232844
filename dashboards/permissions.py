"""Who may see which home page (Shanghai Art. 17) — the one place these rules live. The
selectors ask here before they read anything; whoever may not see a board is told it is not
there (``NotFoundForUser``: 404 on the page and in the API), never what it would show."""

from django.utils.translation import gettext as _

from accounts.access import access_for
from workflow.errors import NotFoundForUser


def may_see_leader_dashboard(user) -> bool:
    """领导驾驶舱: the city leaders (their portfolio, or the whole city), and those who read
    every record (auditors, the general office, the supervision office)."""
    access = access_for(user)
    return access.is_leader or access.reads_everything


def may_see_office_overview(user) -> bool:
    """目标办总览 and the completion rate: those who read every record."""
    return access_for(user).reads_everything


def may_see_department_home(user) -> bool:
    """部门工作台: a member of a department."""
    return bool(access_for(user).member_departments)


def require(rule, user) -> None:
    """``NotFoundForUser`` unless ``rule(user)`` allows the board."""
    if not rule(user):
        raise NotFoundForUser(_("没有该页面。"))
