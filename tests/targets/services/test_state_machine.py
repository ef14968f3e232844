"""The formulation state machine (Shanghai Art. 9–11; DESIGN.md): 拟定 → 已报送 → 已协商 →
已确认 → 执行中, with 已退回 back to the department. Every illegal move is a Conflict with a
Chinese message that writes nothing."""

import pytest

from targets import services
from targets.models import Target
from tests.conftest import quantitative_input
from tests.targets.conftest import nothing_written, state_in_db
from workflow.errors import Conflict

State = Target.State


def test_happy_path_moves_draft_to_executing(draft, head_a, office):
    """Art. 9: 拟定目标、协商目标、确认目标; Art. 10–11: the city government approves; then the
    task book is issued."""
    assert state_in_db(draft) == State.DRAFT
    services.target_submit(target=draft, by=head_a)
    assert state_in_db(draft) == State.SUBMITTED
    services.target_negotiate(target=draft, by=office)
    assert state_in_db(draft) == State.NEGOTIATED
    services.target_confirm(target=draft, by=office, approval_reference="市政府第3次常务会议")
    assert state_in_db(draft) == State.CONFIRMED
    services.target_start_execution(target=draft, by=office)
    assert state_in_db(draft) == State.EXECUTING


def test_returned_target_is_edited_and_resubmitted(
    submitted, office, staff_a, head_a, aspect, dept_a
):
    """Art. 9 协商目标: the office returns with reasons; the department edits and submits again."""
    services.target_return(target=submitted, by=office, comment="目标值偏低，请调整")
    assert state_in_db(submitted) == State.RETURNED
    edited = services.target_update(
        target=submitted,
        by=staff_a,
        data=quantitative_input(aspect, dept_a, title="全市地区生产总值增长7%"),
    )
    assert edited.state == State.RETURNED
    assert edited.version == 2
    services.target_submit(target=submitted, by=head_a)
    assert state_in_db(submitted) == State.SUBMITTED
    services.target_negotiate(target=submitted, by=office)
    assert state_in_db(submitted) == State.NEGOTIATED


ILLEGAL = [
    # (fixture holding the target, service, who performs it, extra arguments)
    ("draft", "target_confirm", "office", {"approval_reference": "市政府第1次常务会议"}),
    ("draft", "target_negotiate", "office", {}),
    ("draft", "target_return", "office", {"comment": "退回"}),
    ("draft", "target_start_execution", "office", {}),
    ("submitted", "target_submit", "head_a", {}),
    ("submitted", "target_confirm", "office", {"approval_reference": "市政府第1次常务会议"}),
    ("submitted", "target_start_execution", "office", {}),
    ("returned", "target_negotiate", "office", {"comment": "协商一致"}),
    ("returned", "target_return", "office", {"comment": "再次退回"}),
    ("returned", "target_confirm", "office", {"approval_reference": "市政府第1次常务会议"}),
    ("negotiated", "target_submit", "head_a", {}),
    ("negotiated", "target_negotiate", "office", {}),
    ("negotiated", "target_return", "office", {"comment": "退回"}),
    ("negotiated", "target_start_execution", "office", {}),
    ("confirmed", "target_submit", "head_a", {}),
    ("confirmed", "target_return", "office", {"comment": "退回"}),
    ("confirmed", "target_confirm", "office", {"approval_reference": "市政府第2次常务会议"}),
    ("executing", "target_start_execution", "office", {}),
    ("executing", "target_submit", "head_a", {}),
    ("executing", "target_return", "office", {"comment": "退回"}),
    ("executing", "target_negotiate", "office", {"comment": "协商"}),
]


@pytest.mark.parametrize(("state", "service", "actor", "kwargs"), ILLEGAL)
def test_illegal_transition_is_a_conflict_that_writes_nothing(
    request, state, service, actor, kwargs
):
    """Art. 9–11 fix the order of formulation: a move the state does not allow is refused with a
    message naming the state, and leaves no audit row, no comment, no state change (Art. 14)."""
    target = request.getfixturevalue(state)
    user = request.getfixturevalue(actor)
    with nothing_written(target), pytest.raises(Conflict) as exc:
        getattr(services, service)(target=target, by=user, **kwargs)
    assert target.code in exc.value.message
    assert str(Target.State(state).label) in exc.value.message
    assert "不能执行此操作" in exc.value.message
    assert state_in_db(target) == state


def test_service_refuses_a_stale_object_whose_state_moved_on(draft, head_a, office):
    """A page read the target as a draft; meanwhile it was submitted and negotiated. The service
    decides on the row in the database, not on the stale object."""
    stale = Target.objects.get(pk=draft.pk)
    services.target_submit(target=draft, by=head_a)
    services.target_negotiate(target=draft, by=office)
    with nothing_written(draft), pytest.raises(Conflict):
        services.target_submit(target=stale, by=head_a)
    assert state_in_db(draft) == State.NEGOTIATED
