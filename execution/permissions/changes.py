"""Who may act on adjustments (Art. 12), coordination items (Art. 16–17) and completion reports
(Art. 14) — the one place these rules live. Reading follows ``execution.selectors.changes``.

Functions take the object and the user and read only the user's cached access and the object's
own columns, so list pages can ask per row without queries.
"""

from accounts.access import Role, access_for
from targets.permissions import ADJUSTABLE_STATES


def speaks_for_lead(target, user, *roles) -> bool:
    """The lead department's head (or the given roles) — or, for an overall city target, the
    general office, which drafts and answers for those (Art. 11). Whatever the target's state:
    services ask this first, so a user who may never act is told so (403) before the state."""
    roles = roles or (Role.HEAD,)
    access = access_for(user)
    if target.level == "city":
        return access.is_general_office
    return target.lead_department_id in access.departments_with(*roles)


# --- adjustments (调整, Art. 12; Zhongshan Art. 17) -----------------------------------------


def may_request_adjustment(target, user) -> bool:
    """Only the lead department's head (第一责任人) asks to change a confirmed target."""
    return target.state in ADJUSTABLE_STATES and speaks_for_lead(target, user, Role.HEAD)


def may_decide_adjustment(adjustment, user) -> bool:
    """Only the general office approves or rejects, and only while the request is pending."""
    return adjustment.state == "pending" and access_for(user).is_general_office


# --- completion review (办结审核, Art. 14) ---------------------------------------------------


def may_file_completion(target, user) -> bool:
    """The lead department's head reports an executing target done."""
    return target.state == "executing" and speaks_for_lead(target, user, Role.HEAD)


def may_review_completion(report, user) -> bool:
    return report.state == "submitted" and access_for(user).is_general_office


# --- coordination (协调, Art. 16–17) ---------------------------------------------------------


def may_raise_coordination(target, user) -> bool:
    """The lead department (staff or head) raises what it cannot settle alone (Art. 16)."""
    return target.state == "executing" and speaks_for_lead(target, user, Role.STAFF, Role.HEAD)


def _lead_or_office(item, user) -> bool:
    access = access_for(user)
    return access.is_general_office or speaks_for_lead(item.target, user, Role.STAFF, Role.HEAD)


def may_escalate_coordination(item, user) -> bool:
    """Before the deadline the lead department or the general office may ask the vice-mayor at
    once; after it the beat task does so by itself."""
    return item.state == "open" and _lead_or_office(item, user)


def may_resolve_coordination(item, user) -> bool:
    """The lead department, the general office or the vice-mayor it went to records the result."""
    if item.state == "resolved":
        return False
    return _lead_or_office(item, user) or (
        item.leader_id is not None and item.leader_id == access_for(user).user_id
    )


def may_write_sheet(item, user) -> bool:
    """The coordination sheet (工作协调单) assigns duties: the general office, the vice-mayor, or
    the lead department's head."""
    if item.state == "resolved":
        return False
    access = access_for(user)
    return (
        access.is_general_office
        or (item.leader_id is not None and item.leader_id == access.user_id)
        or speaks_for_lead(item.target, user, Role.HEAD)
    )


def may_post_coordination_message(item, user, involved_department_ids) -> bool:
    """Everyone the item concerns talks in its thread; auditors and others only read it."""
    if item.state == "resolved":
        return False
    access = access_for(user)
    return (
        _lead_or_office(item, user)
        or (item.leader_id is not None and item.leader_id == access.user_id)
        or bool(access.member_departments & set(involved_department_ids))
    )
