"""Writes: every change to a target goes through a function here (one module per topic).

Each function runs in one transaction, checks the permission and the state, saves with
``update_fields``, writes the audit trail (Shanghai Art. 14: 全程记录) and queues notifications
with ``transaction.on_commit`` so nothing is sent for a change that was rolled back.

- ``inputs``: ``TargetInput`` / ``MilestoneInput`` / ``DepartmentInput`` and
  ``target_input_errors``, every rule on a target's content;
- ``drafting``: snapshots and revisions (``plain_value``, ``target_snapshot``,
  ``input_snapshot``), creating drafts (``target_create``, ``targets_create_many``) and
  ``target_update``;
- ``transitions``: submit, return, negotiate, confirm, start execution, for one target,
  many (``targets_transition_many``) or the year (``plan_year_transition_all``);
- ``execution_hooks``: what the execution stage writes to a target (``target_input_from``,
  ``target_apply_adjustment``, ``target_complete``, ``target_cancel``);
- ``comments``: the negotiation thread (``target_comment_add``).

Modules import one way: inputs ← drafting ← transitions ← execution_hooks, and comments ←
transitions. Every public name is re-exported here, so callers import from ``targets.services``;
``column_value`` and ``decimal_error`` too, since execution's progress reports judge their
numbers by the same column rules.
"""

from . import comments, drafting, execution_hooks, inputs, transitions
from .comments import COMMENT_MAX_LENGTH, target_comment_add
from .drafting import (
    CONTENT_FIELDS,
    RELATED_FIELDS,
    input_snapshot,
    plain_value,
    require_editable,
    target_create,
    target_snapshot,
    target_update,
    targets_create_many,
)
from .execution_hooks import (
    ADJUSTABLE_FIELDS,
    target_apply_adjustment,
    target_cancel,
    target_complete,
    target_input_from,
)
from .inputs import (
    CODE_MAX_LENGTH,
    CODE_PATTERN,
    DepartmentInput,
    MilestoneInput,
    TargetInput,
    column_value,
    decimal_error,
    target_input_errors,
)
from .transitions import (
    TRANSITIONS,
    YEAR_ACTIONS,
    plan_year_transition_all,
    require_year_permission,
    target_confirm,
    target_negotiate,
    target_return,
    target_start_execution,
    target_submit,
    targets_transition_many,
    transition_kwargs,
)

__all__ = [
    "comments",
    "drafting",
    "execution_hooks",
    "inputs",
    "transitions",
    "ADJUSTABLE_FIELDS",
    "CODE_MAX_LENGTH",
    "CODE_PATTERN",
    "COMMENT_MAX_LENGTH",
    "CONTENT_FIELDS",
    "RELATED_FIELDS",
    "TRANSITIONS",
    "YEAR_ACTIONS",
    "DepartmentInput",
    "MilestoneInput",
    "TargetInput",
    "column_value",
    "decimal_error",
    "input_snapshot",
    "plain_value",
    "plan_year_transition_all",
    "require_editable",
    "require_year_permission",
    "target_apply_adjustment",
    "target_cancel",
    "target_comment_add",
    "target_complete",
    "target_confirm",
    "target_create",
    "target_input_errors",
    "target_input_from",
    "target_negotiate",
    "target_return",
    "target_snapshot",
    "target_start_execution",
    "target_submit",
    "target_update",
    "targets_create_many",
    "targets_transition_many",
    "transition_kwargs",
]
