"""Who may do what with quarterly reports (季度报告) and the general office's quarterly summary
(季度汇总) — Shanghai Art. 17. Reading is decided in ``execution.selectors.quarterly``; these
functions read only the cached access and the objects' own columns.
"""

from accounts.access import Role, access_for

from ..models import QuarterlyReport, QuarterlySummary


def is_city_wide_leader(user) -> bool:
    """The mayor and the executive vice-mayor follow the whole city (Art. 17). accounts has no
    flag for them: they are recognised by their 职务 (User.title, set in /admin/) being in
    settings.CITY_WIDE_LEADER_TITLES (``accounts.access.Access.city_wide``)."""
    return access_for(user).city_wide


def may_edit(report: QuarterlyReport, user) -> bool:
    """The department's staff and head edit the narrative while it is a draft."""
    return (
        report.state == QuarterlyReport.State.DRAFT
        and report.department_id in access_for(user).member_departments
    )


def may_submit(report: QuarterlyReport, user) -> bool:
    """Only the head (第一责任人) signs the report off (Art. 15, 17)."""
    return report.state == QuarterlyReport.State.DRAFT and report.department_id in access_for(
        user
    ).departments_with(Role.HEAD)


def may_forward(report: QuarterlyReport, user) -> bool:
    return report.state == QuarterlyReport.State.SUBMITTED and access_for(user).is_general_office


def may_read_as_leader(report: QuarterlyReport, user) -> bool:
    """The vice-mayor it was forwarded to (or the mayor / executive vice-mayor) marks it read and
    writes instructions (批示)."""
    if report.state not in (QuarterlyReport.State.FORWARDED, QuarterlyReport.State.READ):
        return False
    access = access_for(user)
    if not access.is_leader:
        return False
    return (
        report.leader_id == access.user_id
        or report.department_id in access.portfolio
        or is_city_wide_leader(user)
    )


def may_mark_read(report: QuarterlyReport, user) -> bool:
    return report.state == QuarterlyReport.State.FORWARDED and may_read_as_leader(report, user)


def may_instruct(report: QuarterlyReport, user) -> bool:
    return may_read_as_leader(report, user)


def may_answer(report: QuarterlyReport, user) -> bool:
    """The department answers its leader's instructions."""
    return report.department_id in access_for(user).member_departments


def may_draft(user) -> bool:
    """The general office starts drafting on demand (the beat task does it after each quarter)."""
    return access_for(user).is_general_office


def may_edit_summary(summary: QuarterlySummary, user) -> bool:
    return summary.state == QuarterlySummary.State.DRAFT and access_for(user).is_general_office


may_publish_summary = may_edit_summary


def report_actions(report: QuarterlyReport, user) -> list[str]:
    actions = []
    if may_edit(report, user):
        actions.append("edit")
    if may_submit(report, user):
        actions.append("submit")
    if may_forward(report, user):
        actions.append("forward")
    if may_mark_read(report, user):
        actions.append("mark_read")
    if may_instruct(report, user):
        actions.append("instruct")
    if may_answer(report, user):
        actions.append("answer")
    return actions
