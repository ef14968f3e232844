"""Who may act on adjustments (Art. 12), coordination items (Art. 16–17) and completion reports
(Art. 14) — the one place these rules live. Reading follows ``execution.selectors.changes``.

The ``may_<step>`` functions are the ``permission=`` of the models' transitions: who may take
the step at all, whatever the record's state (the transition itself says from which states).
What a page or the API offers on a record is asked of the transitions
(``workflow.transitions.available_transitions``): permission and state together.

Functions take the object and the user and read only the user's cached access and the object's
own columns (and its already loaded target), so list pages can ask per row without queries.
"""

from accounts.access import Role, access_for
from targets.permissions import ADJUSTABLE_STATES
from workflow.transitions import available_transitions


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

ADJUSTMENT_DECISIONS = ("approve", "reject")


def may_request_adjustment(target, user) -> bool:
    """Only the lead department's head (第一责任人) asks to change a confirmed target."""
    return target.state in ADJUSTABLE_STATES and speaks_for_lead(target, user, Role.HEAD)


def may_decide(adjustment, user) -> bool:
    """批准 / 不予批准: only the general office decides a request (the transitions' permission)."""
    return access_for(user).is_general_office


def adjustment_decisions(adjustment, user) -> list[str]:
    """The decisions ``user`` may take on ``adjustment`` now (none once it is decided)."""
    return available_transitions(adjustment, user, names=ADJUSTMENT_DECISIONS)


# --- completion review (办结审核, Art. 14) ---------------------------------------------------

COMPLETION_DECISIONS = ("accept", "return_report")


def may_file_completion(target, user) -> bool:
    """The lead department's head reports an executing target done."""
    return target.state == "executing" and speaks_for_lead(target, user, Role.HEAD)


def may_review(report, user) -> bool:
    """审核通过 / 退回: only the general office reviews a completion report."""
    return access_for(user).is_general_office


def completion_decisions(report, user) -> list[str]:
    return available_transitions(report, user, names=COMPLETION_DECISIONS)


# --- coordination (协调, Art. 16–17) ---------------------------------------------------------

COORDINATION_STEPS = ("escalate", "resolve")


def may_raise_coordination(target, user) -> bool:
    """The lead department (staff or head) raises what it cannot settle alone (Art. 16)."""
    return target.state == "executing" and speaks_for_lead(target, user, Role.STAFF, Role.HEAD)


def _lead_or_office(item, user) -> bool:
    access = access_for(user)
    return access.is_general_office or speaks_for_lead(item.target, user, Role.STAFF, Role.HEAD)


def _is_leader(item, user) -> bool:
    return item.leader_id is not None and item.leader_id == access_for(user).user_id


def may_escalate(item, user) -> bool:
    """提请市领导协调: before the deadline the lead department or the general office may ask the
    vice-mayor at once; after it the beat task does so by itself."""
    return _lead_or_office(item, user)


def may_resolve(item, user) -> bool:
    """确认已解决: the lead department, the general office or the vice-mayor it goes to records
    the result."""
    return _lead_or_office(item, user) or _is_leader(item, user)


def coordination_steps(item, user) -> list[str]:
    """The steps ``user`` may take on ``item`` now."""
    return available_transitions(item, user, names=COORDINATION_STEPS)


def may_assign_duties(item, user) -> bool:
    """The coordination sheet (工作协调单) assigns duties: the general office, the vice-mayor, or
    the lead department's head."""
    return (
        access_for(user).is_general_office
        or _is_leader(item, user)
        or speaks_for_lead(item.target, user, Role.HEAD)
    )


def may_write_sheet(item, user) -> bool:
    """``may_assign_duties``, while the item is unresolved."""
    return item.state != "resolved" and may_assign_duties(item, user)


def may_post_coordination_message(item, user, involved_department_ids) -> bool:
    """Everyone the item concerns talks in its thread; auditors and others only read it."""
    if item.state == "resolved":
        return False
    access = access_for(user)
    return (
        _lead_or_office(item, user)
        or _is_leader(item, user)
        or bool(access.member_departments & set(involved_department_ids))
    )
