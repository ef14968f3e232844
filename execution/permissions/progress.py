"""Who may do what with progress reports, node targets and red-warning explanations — the one
place these rules live (Shanghai Art. 14–16). Reading is decided in
``execution.selectors.progress``; functions here read only the cached access and the objects'
own columns, so a page asking them for many rows runs no extra query.

The transition rules (``may_submit``, ``may_verify``) are declared on
``execution.models.ProgressReport``'s transitions (``permission=``) and say *who* may, whatever
the state; the state is the transition's own ``source`` (issue 15). This module does not import
the models, which import it.
"""

from django_fsm import has_transition_perm

from accounts.access import Role, access_for

# ProgressReport.EDITABLE_STATES, as plain values (the models import this module).
EDITABLE_STATES = ("draft", "returned")
MAIN, COOPERATING = "main", "cooperating"


def is_verifier(user) -> bool:
    """The general office verifies progress (Art. 14); the supervision office may as well
    (Art. 18: it tracks execution daily)."""
    access = access_for(user)
    return access.is_general_office or access.has_role(Role.SUPERVISION)


def report_kind_for(target, department_id: int, cooperating_ids) -> str | None:
    """The kind of report ``department_id`` files on ``target``: the main report for the lead
    department, a task report for a cooperating one, none otherwise (Art. 7, 16)."""
    if department_id == target.lead_department_id:
        return MAIN
    if department_id in cooperating_ids:
        return COOPERATING
    return None


def may_file(user, *, department_id: int) -> bool:
    """Staff and head of the department draft and edit its reports."""
    return department_id in access_for(user).member_departments


def may_edit(report, user) -> bool:
    return report.state in EDITABLE_STATES and may_file(user, department_id=report.department_id)


def may_submit(report, user) -> bool:
    """报送 (transition permission): only the head (第一责任人) of the reporting department signs
    a report off (Art. 15)."""
    return report.department_id in access_for(user).departments_with(Role.HEAD)


def may_verify(report, user) -> bool:
    """审核 and 退回 (transition permission): the general office or the supervision office."""
    return is_verifier(user)


may_return = may_verify


def may_set_milestone_status(user) -> bool:
    return is_verifier(user)


def may_explain(target, user) -> bool:
    """The lead department explains a red warning (staff draft it, the head may too)."""
    return target.lead_department_id in access_for(user).member_departments


# The actions pages and the API name, and the transition method behind each one.
TRANSITION_ACTIONS = {
    "submit": "submit",
    "verify": "verify",
    "return": "return_to_department",
}


def report_actions(report, user) -> list[str]:
    """What ``user`` may do to ``report`` now: edit while it is theirs to edit, and the
    transitions its state and the transitions' permissions allow."""
    actions = ["edit"] if may_edit(report, user) else []
    actions += [
        action
        for action, method in TRANSITION_ACTIONS.items()
        if has_transition_perm(getattr(report, method), user)
    ]
    return actions
