"""Who may do what in the evaluation — the one place these rules live.

- The performance office (绩效办: the general office, 目标办, Zhongshan Art. 6) builds schemes,
  opens, reminds, locks, publishes and writes feedback.
- A rater sees and edits only their own sheets: the members of the body's rater department and
  the users named on the body; a department's self-evaluation (自评) belongs to its staff and
  head. Objective sheets are computed, never typed.
- A department sees its own results only after publication; vice-mayors their portfolio's;
  the office, the supervision office and auditors read everything; auditors change nothing.
"""

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


def may_edit_sheet(sheet, user) -> bool:
    from .models import EvaluationScheme, ScoreSheet

    return (
        sheet.scheme.state == EvaluationScheme.State.SCORING
        and sheet.state in (ScoreSheet.State.ASSIGNED, ScoreSheet.State.DRAFT)
        and is_rater_of(sheet, user)
    )


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
