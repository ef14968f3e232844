"""Who may do what to a target — the one place these rules live.

Functions take ``(target, user)`` so django-fsm-2 can use them as transition permissions; pages,
API and services all ask here. Reading is decided in ``targets.selectors.visible_targets``.
"""

from accounts.access import Role, access_for
from workflow.transitions import available_transitions

EDITABLE_STATES = ("draft", "returned")
FORMULATION_STATES = ("draft", "submitted", "returned", "negotiated")


def may_submit(target, user) -> bool:
    """Only the head (第一责任人) of the lead department signs off and submits a department
    target (Shanghai Art. 10, 15); the general office submits the city's own targets."""
    access = access_for(user)
    if target.level == "city":
        return access.is_general_office
    return target.lead_department_id in access.departments_with(Role.HEAD)


def may_review(target, user) -> bool:
    """Negotiating, returning, confirming and starting execution belong to the general office
    (Art. 10–11: the office gathers and negotiates; the city government confirms)."""
    return access_for(user).is_general_office


def may_use_review_queue(user) -> bool:
    """The review queue (submitted and negotiated targets, the year-wide steps) is the general
    office's working list (Art. 10–11)."""
    return may_review(None, user)


def may_move_year(user) -> bool:
    """Confirming a year's whole negotiated set, or issuing the task book for all its confirmed
    targets at once (Art. 10–11), is the general office's, like each target's review steps."""
    return may_review(None, user)


def may_close(target, user) -> bool:
    """Ending a target early — accepting its completion report (Art. 14 办结审核) or approving its
    cancellation (Art. 12) — belongs to the general office."""
    return access_for(user).is_general_office


# Once confirmed, a target's content changes only through an approved adjustment (Art. 12).
ADJUSTABLE_STATES = ("confirmed", "executing")


def may_create(
    user, *, level: str, lead_department_id: int | None, importing: bool = False
) -> bool:
    """Department targets are drafted by the lead department's staff and head (Art. 7, 8); city
    targets by the general office (Art. 11). With no lead department chosen yet, any department
    member may go on, so that the missing field is reported as bad input (issue 2), not as a
    permission problem.

    ``importing``: loading the year's list from a spreadsheet, which the general office may do
    for every department (Art. 10: the office gathers the departments' targets; Huangpu keeps
    the list in one table). The drafts still belong to their lead department."""
    access = access_for(user)
    if level == "city" or (importing and access.is_general_office):
        return access.is_general_office
    if lead_department_id is None:
        return bool(access.member_departments)
    return lead_department_id in access.member_departments


def may_edit_content(target, user) -> bool:
    """Staff and head of the lead department edit their drafts; nobody edits a submitted or
    confirmed target's content (Art. 12: changes after confirmation only by adjustment)."""
    if target.state not in EDITABLE_STATES:
        return False
    return may_create(user, level=target.level, lead_department_id=target.lead_department_id)


def may_comment(target, user) -> bool:
    """The negotiation thread is between the lead department and the general office."""
    if target.state not in FORMULATION_STATES:
        return False
    access = access_for(user)
    if access.is_general_office:
        return True
    return target.level == "department" and target.lead_department_id in access.member_departments


def may_evaluate(target, user) -> bool:
    """Marking a target evaluated (已评估) comes with publishing the year's results, which the
    general office (目标办, the performance office) does (Art. 23–25; Zhongshan Art. 22). It is
    not among ``TRANSITION_METHODS``: no page or targets API offers it on its own."""
    return access_for(user).is_general_office


# The transitions as pages and API name them, and the model method that declares each one's
# source states and permission (targets.models.Target).
TRANSITION_METHODS = {
    "submit": "submit",
    "return": "return_to_department",
    "negotiate": "negotiate",
    "confirm": "confirm",
    "start_execution": "start_execution",
}
ACTIONS = ("edit", "comment", *TRANSITION_METHODS)


def allowed_transitions(target, user, names=None) -> list[str]:
    """The transitions (by the names pages and API use) ``user`` may perform on ``target`` now:
    the permission and source states declared on each ``@transition`` of ``Target``."""
    by_method = {TRANSITION_METHODS[n]: n for n in (names or TRANSITION_METHODS)}
    return [by_method[m] for m in available_transitions(target, user, names=list(by_method))]


def allowed_actions(target, user) -> list[str]:
    """What the user may do to the target right now, in ``ACTIONS`` order (reads the cached
    access and the target's plan year: no query per target once those are loaded)."""
    allowed = []
    if target.plan_year.is_open_for_drafting and may_edit_content(target, user):
        allowed.append("edit")
    if may_comment(target, user):
        allowed.append("comment")
    return allowed + allowed_transitions(target, user)
