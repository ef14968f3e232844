"""Who may publish: the one place these rules live (``(obj, user)`` for django-fsm-2)."""

from accounts.access import access_for


def may_publish(obj, user) -> bool:
    """Publishing a target or withdrawing it is the general office's decision (002 七.3: the
    government decides what it shows the public; Shanghai Art. 10–11: the office runs the list)."""
    return access_for(user).is_general_office


def may_approve_summary(summary, user) -> bool:
    """A department's narrative becomes public only when the general office approves the public
    summary for that period (issue 21 item 1)."""
    return access_for(user).is_general_office


def may_propose_summary(user, department_id: int) -> bool:
    """The department's own staff and head write the summary they propose for publication;
    the general office may write one for any department."""
    access = access_for(user)
    return access.is_general_office or department_id in access.member_departments
