"""Who may do what with progress reports, node targets and red-warning explanations — the one
place these rules live (Shanghai Art. 14–16). Reading is decided in
``execution.progress_selectors``; functions here read only the cached access and the objects'
own columns, so a page asking them for many rows runs no extra query.
"""

from accounts.access import Role, access_for
from targets.models import Target

from ..models import ProgressReport


def is_verifier(user) -> bool:
    """The general office verifies progress (Art. 14); the supervision office may as well
    (Art. 18: it tracks execution daily)."""
    access = access_for(user)
    return access.is_general_office or access.has_role(Role.SUPERVISION)


def report_kind_for(target: Target, department_id: int, cooperating_ids) -> str | None:
    """The kind of report ``department_id`` files on ``target``: the main report for the lead
    department, a task report for a cooperating one, none otherwise (Art. 7, 16)."""
    if department_id == target.lead_department_id:
        return ProgressReport.Kind.MAIN
    if department_id in cooperating_ids:
        return ProgressReport.Kind.COOPERATING
    return None


def may_file(user, *, department_id: int) -> bool:
    """Staff and head of the department draft and edit its reports."""
    return department_id in access_for(user).member_departments


def may_edit(report: ProgressReport, user) -> bool:
    return report.state in ProgressReport.EDITABLE_STATES and may_file(
        user, department_id=report.department_id
    )


def may_submit(report: ProgressReport, user) -> bool:
    """Only the head (第一责任人) of the reporting department signs a report off (Art. 15)."""
    return report.state in ProgressReport.EDITABLE_STATES and report.department_id in access_for(
        user
    ).departments_with(Role.HEAD)


def may_verify(report: ProgressReport, user) -> bool:
    return report.state == ProgressReport.State.SUBMITTED and is_verifier(user)


may_return = may_verify


def may_set_milestone_status(user) -> bool:
    return is_verifier(user)


def may_explain(target: Target, user) -> bool:
    """The lead department explains a red warning (staff draft it, the head may too)."""
    return target.lead_department_id in access_for(user).member_departments


def report_actions(report: ProgressReport, user) -> list[str]:
    actions = []
    if may_edit(report, user):
        actions.append("edit")
    if may_submit(report, user):
        actions.append("submit")
    if may_verify(report, user):
        actions += ["verify", "return"]
    return actions
