"""Who may generate which document. Reading rules stay where they live (targets.selectors): a
document shows only targets its requester may read, and is refused (404) as a whole when it
would include anything else. Checked when the job is requested and again on download."""

from accounts.access import Role, access_for
from accounts.models import Department


def only_the_worker(job, user) -> bool:
    """A job's steps (start, finish, fail, expire) are the background worker's, run by the
    system (``transition_apply(..., by=None)``): no person, whatever their role, moves a job by
    hand — a document is what the worker generated from the records, nothing else."""
    return False


def may_generate_any_dossier(user) -> bool:
    """Auditors, the general office and the supervision office (and administrators) read every
    record, so they may have any dossier (Shanghai Art. 14, 18: supervision and audit read the
    full record)."""
    return access_for(user).reads_everything


def readable_department_ids(user) -> frozenset[int] | None:
    """The departments whose dossier the user may generate; ``None`` means every one.

    A department's own staff and head: their department; a vice-mayor: the departments in the
    portfolio (Art. 15, 17)."""
    access = access_for(user)
    if access.reads_everything:
        return None
    return frozenset(access.member_departments | access.portfolio)


def may_generate_department_dossier(user, department: Department) -> bool:
    allowed = readable_department_ids(user)
    return allowed is None or department.pk in allowed


def may_generate_ledger(user) -> bool:
    """The year's ledger (目标台账) of every target: those who read everything, and the city
    leaders, whose ledger holds the targets they may read (their portfolio, Art. 17)."""
    access = access_for(user)
    return access.reads_everything or access.is_leader


def may_import(user) -> bool:
    """The general office loads the year's list; a department its own drafts (Art. 8–10)."""
    access = access_for(user)
    return access.is_general_office or bool(access.departments_with(Role.STAFF, Role.HEAD))


def may_export_progress(user, department: Department | None) -> bool:
    """A period's progress reports (issue 8 item 3): one department's for whoever may have its
    dossier (its staff and head, the vice-mayor of its portfolio, the office side); every
    department's for those who may have the year's ledger. The rows are still only the reports
    the user may read (execution.selectors.progress.visible_reports)."""
    if department is None:
        return may_generate_ledger(user)
    return may_generate_department_dossier(user, department)
