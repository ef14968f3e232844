"""Who may do what to a target — the one place these rules live.

Functions take ``(target, user)`` so django-fsm-2 can use them as transition permissions; pages,
API and services all ask here. Reading is decided in ``targets.selectors.visible_targets``.
"""

from accounts.access import Role, access_for

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


def may_create(user, *, level: str, lead_department_id: int | None) -> bool:
    """Department targets are drafted by the lead department's staff and head (Art. 7, 8); city
    targets by the general office (Art. 11). With no lead department chosen yet, any department
    member may go on, so that the missing field is reported as bad input (issue 2), not as a
    permission problem."""
    access = access_for(user)
    if level == "city":
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
