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


def may_approve_report(user) -> bool:
    """A department's annual self-evaluation report goes before the public for comment only
    when the general office approves it (002 七.3: 向社会公示…接受评议)."""
    return access_for(user).is_general_office


def may_moderate_comment(comment, user) -> bool:
    """The general office moderates the public's comments (publishes or withholds them)."""
    return access_for(user).is_general_office


def may_answer_comment(user, department_id: int) -> bool:
    """The department whose report it is answers in public — its own staff and head only: the
    answer is the department's word, not the office's."""
    return department_id in access_for(user).member_departments
