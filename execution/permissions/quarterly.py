"""Who may do what with quarterly reports (季度报告) and the general office's quarterly summary
(季度汇总) — Shanghai Art. 17. Reading is decided in ``execution.selectors.quarterly``; these
functions read only the cached access and the objects' own columns.

The transition rules (``may_submit``, ``may_forward``, ``may_read_as_leader``,
``may_publish_summary``) are declared on the models' transitions (``permission=``); the state a
step starts from is the transition's own ``source`` (issue 15). This module does not import the
models, which import it.
"""

from django_fsm import has_transition_perm

from accounts.access import Role, access_for

# QuarterlyReport.State / QuarterlySummary.State values (the models import this module).
DRAFT, SUBMITTED, FORWARDED, READ = "draft", "submitted", "forwarded", "read"


def is_city_wide_leader(user) -> bool:
    """The mayor and the executive vice-mayor follow the whole city (Art. 17)
    (``accounts.access.Access.city_wide``)."""
    return access_for(user).city_wide


def may_edit(report, user) -> bool:
    """The department's staff and head edit the narrative while it is a draft."""
    return report.state == DRAFT and report.department_id in access_for(user).member_departments


def may_submit(report, user) -> bool:
    """报送 (transition permission): only the head (第一责任人) signs the report off
    (Art. 15, 17)."""
    return report.department_id in access_for(user).departments_with(Role.HEAD)


def may_forward(report, user) -> bool:
    """转呈 (transition permission): the general office."""
    return access_for(user).is_general_office


def may_read_as_leader(report, user) -> bool:
    """The vice-mayor it was forwarded to (or the mayor / executive vice-mayor) marks it read and
    writes instructions (批示) — once it has been forwarded (transition permission of 已阅)."""
    if report.state not in (FORWARDED, READ):
        return False
    access = access_for(user)
    if not access.is_leader:
        return False
    return (
        report.leader_id == access.user_id
        or report.department_id in access.portfolio
        or is_city_wide_leader(user)
    )


def may_instruct(report, user) -> bool:
    return may_read_as_leader(report, user)


def may_answer(report, user) -> bool:
    """The department answers its leader's instructions."""
    return report.department_id in access_for(user).member_departments


def may_draft(user) -> bool:
    """The general office starts drafting on demand (the beat task does it after each quarter)."""
    return access_for(user).is_general_office


def may_publish_summary(summary, user) -> bool:
    """印发 (transition permission): the general office."""
    return access_for(user).is_general_office


def may_edit_summary(summary, user) -> bool:
    return summary.state == DRAFT and access_for(user).is_general_office


TRANSITIONS = ("submit", "forward", "mark_read")


def report_actions(report, user) -> list[str]:
    """What ``user`` may do to ``report`` now: edit the draft, the transitions its state and
    their permissions allow, instruct (leaders) and answer (the department)."""
    actions = ["edit"] if may_edit(report, user) else []
    actions += [name for name in TRANSITIONS if has_transition_perm(getattr(report, name), user)]
    if may_instruct(report, user):
        actions.append("instruct")
    if may_answer(report, user):
        actions.append("answer")
    return actions


def summary_actions(summary, user) -> list[str]:
    actions = ["edit"] if may_edit_summary(summary, user) else []
    if has_transition_perm(summary.publish, user):
        actions.append("publish")
    return actions
