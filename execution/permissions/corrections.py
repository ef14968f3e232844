"""Who may ask for and decide a late correction of a verified progress report (更正申请,
Shanghai Art. 14, 15) — the one place these rules live. Reads only the cached access and the
objects' own columns (no query). The models import this module, so it imports no model."""

from accounts.access import Role, access_for
from workflow.transitions import available_transitions

from .progress import is_verifier

CORRECTION_DECISIONS = ("approve", "reject")


def may_request(report, user) -> bool:
    """The head (第一责任人, Art. 15) of the department that filed the report asks, as the head
    signed the report off; whatever the report's state (the service says when)."""
    return report.department_id in access_for(user).departments_with(Role.HEAD)


def may_decide(correction, user) -> bool:
    """批准 / 不予批准 (the transitions' permission): those who verify progress — the general
    office and the supervision office (Art. 14, 18)."""
    return is_verifier(user)


def correction_decisions(correction, user) -> list[str]:
    """The decisions ``user`` may take on ``correction`` now (none once it is decided)."""
    return available_transitions(correction, user, names=CORRECTION_DECISIONS)
