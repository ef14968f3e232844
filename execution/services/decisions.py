"""The office's decision on a request filed with evidence (``execution.models.decisions``):
调整申请 (Art. 12) and 更正申请 (Art. 14) are approved or rejected alike, through the one
transition path; what approval then changes is each service's own."""

from workflow.errors import ValidationFailed
from workflow.transitions import lock, transition_apply


def decision_comment(comment: str, *, required: bool, missing: str, too_long: str, max_length):
    """The office's comment, stripped; ``missing`` when a rejection gives none (the department
    is owed a reason), ``too_long`` past ``max_length``."""
    comment = (comment or "").strip()
    if required and not comment:
        raise ValidationFailed(missing, field_errors={"comment": [missing]})
    if len(comment) > max_length:
        message = too_long % {"n": max_length}
        raise ValidationFailed(message, field_errors={"comment": [message]})
    return comment


def decide(record, name, *, by, comment, now, forbidden, refused, queryset=None):
    """批准 or 不予批准 (transition ``name``) with the decision's stamps. The row lock serialises
    two deciders: the second waits, then finds it decided and is told ``refused`` (its
    ``%(state)s`` is the state it found). ``now`` is the service's clock, read once locked."""
    locked = lock(record, queryset=queryset)
    return transition_apply(
        locked,
        name,
        by=by,
        comment=comment,
        stamps={"decided_by": by, "decided_at": now(), "decision_comment": comment},
        locked=True,
        forbidden=str(forbidden),
        refused=refused % {"state": locked.get_state_display()},
    )
