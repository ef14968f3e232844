"""Who may do what in the evaluation — the one place these rules live.

- The performance office (绩效办: the general office, 目标办, Zhongshan Art. 6) builds schemes,
  opens, reminds, locks, publishes and writes feedback.
- A rater sees and edits only their own sheets: the members of the body's rater department and
  the users named on the body; a department's self-evaluation (自评) belongs to its staff and
  head. Objective sheets are computed, never typed.
- A department sees its own results only after publication; vice-mayors their portfolio's;
  the office, the supervision office and auditors read everything; auditors change nothing.

The transitions of ``evaluation.models`` name these as their ``permission=`` (called with the
record and the user); what a page or the API offers is read from the transitions.
"""

from django_fsm import has_transition_perm

from accounts.access import Role, access_for

FILLING_ROLES = (
    Role.STAFF,
    Role.HEAD,
    Role.EVALUATOR,
    Role.LEADER,
    Role.GENERAL_OFFICE,
    Role.SUPERVISION,
)


def may_manage(user) -> bool:
    return access_for(user).is_general_office


def reads_all(user) -> bool:
    return access_for(user).reads_everything


def is_rater_of(sheet, user) -> bool:
    """Whether ``user`` fills ``sheet`` (uses the prefetched body raters when present)."""
    access = access_for(user)
    if access.user_id is None:
        return False
    if sheet.is_self:
        return sheet.department_id in access.departments_with(Role.STAFF, Role.HEAD)
    body = sheet.body
    if body is None or body.is_objective:
        return False
    if body.rater_department_id in access.departments_with(*FILLING_ROLES):
        return True
    return any(u.pk == access.user_id for u in body.raters.all())


def may_run_scheme(scheme, user) -> bool:
    """Opening scoring, locking, publishing a scheme (and a newer version superseding it): the
    performance office."""
    return may_manage(user)


def may_fill_sheet(sheet, user) -> bool:
    """Saving and submitting a sheet: its raters (``ScoreSheet.save_draft`` / ``submit``)."""
    return is_rater_of(sheet, user)


def may_lock_sheet(sheet, user) -> bool:
    """A submitted sheet is locked when the office locks the scheme."""
    return may_manage(user)


def may_edit_sheet(sheet, user) -> bool:
    """Whether the sheet's form is offered to ``user``: the sheet may be saved now (its
    scheme scoring, the sheet not submitted) and ``user`` is its rater."""
    return has_transition_perm(sheet.save_draft, user)


def may_read_results(scheme, department_id, user) -> bool:
    """Before publication only the office side reads (a preview); after it, the department its
    own and the vice-mayor their portfolio's."""
    access = access_for(user)
    if access.reads_everything:
        return True
    if scheme.state != "published":
        return False
    return department_id in access.member_departments or department_id in access.portfolio


def may_answer_feedback(feedback, user) -> bool:
    """The department's head or staff acknowledges and files the improvement plan."""
    return feedback.department_id in access_for(user).departments_with(Role.STAFF, Role.HEAD)
