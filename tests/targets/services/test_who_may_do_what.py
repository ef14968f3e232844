"""Who may do what during formulation (Shanghai Art. 9–12, 15): staff draft their own
department's targets, the head (第一责任人) submits, the general office negotiates, returns,
confirms and starts execution, and nobody edits content once it has left the department."""

import pytest

from targets import services
from targets.models import Target
from tests.conftest import qualitative_input, quantitative_input
from tests.targets.conftest import nothing_written, state_in_db
from workflow.errors import Conflict, NotPermitted

State = Target.State


# --- editing drafts ---------------------------------------------------------------------------


def test_staff_edit_their_own_departments_draft(draft, staff_a, head_a, aspect, dept_a):
    """Art. 9 拟定目标: the lead department's staff and head write the draft."""
    services.target_update(
        target=draft, by=staff_a, data=quantitative_input(aspect, dept_a, title="增长6.8%")
    )
    services.target_update(
        target=draft, by=head_a, data=quantitative_input(aspect, dept_a, title="增长7%")
    )
    assert Target.objects.get(pk=draft.pk).title == "增长7%"


@pytest.mark.parametrize(
    "actor", ["staff_b", "head_b", "office", "vice_mayor", "auditor", "supervisor", "outsider"]
)
def test_only_lead_department_edits_its_draft(request, draft, aspect, dept_a, actor):
    """Art. 7, 9: a department's targets are drafted by that department; the general office
    negotiates but does not rewrite them, nobody else touches them."""
    user = request.getfixturevalue(actor)
    with nothing_written(draft), pytest.raises(NotPermitted) as exc:
        services.target_update(
            target=draft, by=user, data=quantitative_input(aspect, dept_a, title="改写")
        )
    assert "无权" in exc.value.message


def test_staff_cannot_hand_their_draft_to_another_department(draft, staff_a, aspect, dept_b):
    """Art. 7: staff draft only for their own department, also by changing the lead."""
    with nothing_written(draft), pytest.raises(NotPermitted):
        services.target_update(target=draft, by=staff_a, data=quantitative_input(aspect, dept_b))


@pytest.mark.parametrize("state", ["submitted", "negotiated", "confirmed", "executing"])
@pytest.mark.parametrize("actor", ["staff_a", "head_a", "office"])
def test_nobody_edits_content_after_it_left_the_department(request, state, actor, aspect, dept_a):
    """Art. 12: 目标任务一经确定，原则上不得调整 — and while under negotiation the office returns a
    target rather than editing it. Not even the general office edits the content."""
    target = request.getfixturevalue(state)
    user = request.getfixturevalue(actor)
    with nothing_written(target), pytest.raises(NotPermitted) as exc:
        services.target_update(
            target=target, by=user, data=quantitative_input(aspect, dept_a, title="改写")
        )
    assert "内容已锁定" in exc.value.message
    assert "第十二条" in exc.value.message


# --- creating ---------------------------------------------------------------------------------


def test_office_creates_city_targets(plan_year, aspect, office_dept, office):
    """Art. 6, 11: the general office forms the overall city targets (市政府总体目标)."""
    target = services.target_create(
        by=office,
        plan_year=plan_year,
        data=qualitative_input(aspect, office_dept, level=Target.Level.CITY),
    )
    assert target.level == Target.Level.CITY
    assert target.state == State.DRAFT


@pytest.mark.parametrize("actor", ["staff_a", "head_a", "vice_mayor", "auditor"])
def test_only_office_creates_city_targets(request, plan_year, aspect, dept_a, actor):
    """Art. 11: city targets are formed by the general office, not by a department."""
    user = request.getfixturevalue(actor)
    with nothing_written(), pytest.raises(NotPermitted) as exc:
        services.target_create(
            by=user,
            plan_year=plan_year,
            data=qualitative_input(aspect, dept_a, level=Target.Level.CITY),
        )
    assert "市政府办公厅" in exc.value.message


@pytest.mark.parametrize("actor", ["staff_b", "head_b", "office", "auditor", "outsider"])
def test_nobody_creates_a_target_for_another_department(request, plan_year, aspect, dept_a, actor):
    """Art. 7, 8: each department forms its own annual targets (依据法定职责)."""
    user = request.getfixturevalue(actor)
    with nothing_written(), pytest.raises(NotPermitted) as exc:
        services.target_create(
            by=user, plan_year=plan_year, data=quantitative_input(aspect, dept_a)
        )
    assert "本部门" in exc.value.message


# --- submitting -------------------------------------------------------------------------------


def test_head_of_lead_department_submits(draft, head_a):
    """Art. 10, 15: the department's principal (第一责任人) signs off and submits."""
    services.target_submit(target=draft, by=head_a)
    assert state_in_db(draft) == State.SUBMITTED


@pytest.mark.parametrize(
    "actor", ["staff_a", "head_b", "staff_b", "office", "vice_mayor", "auditor", "outsider"]
)
def test_only_head_of_lead_department_submits(request, draft, actor):
    """Art. 10, 15: neither the staff member who drafted it nor another department's head
    submits; nothing is written."""
    user = request.getfixturevalue(actor)
    with nothing_written(draft), pytest.raises(NotPermitted) as exc:
        services.target_submit(target=draft, by=user, comment="报送")
    assert draft.code in exc.value.message


def test_office_submits_city_targets_but_a_head_does_not(city_target, office, head_a):
    """Art. 11: the general office forms and forwards the city targets itself."""
    with nothing_written(city_target), pytest.raises(NotPermitted):
        services.target_submit(target=city_target, by=head_a)
    services.target_submit(target=city_target, by=office)
    assert state_in_db(city_target) == State.SUBMITTED


# --- the general office's steps ---------------------------------------------------------------

OFFICE_STEPS = [
    ("submitted", "target_return", {"comment": "请修改"}),
    ("submitted", "target_negotiate", {"comment": "同意"}),
    ("negotiated", "target_confirm", {"approval_reference": "市政府第5次常务会议"}),
    ("confirmed", "target_start_execution", {}),
]


@pytest.mark.parametrize(("state", "service", "kwargs"), OFFICE_STEPS)
@pytest.mark.parametrize(
    "actor", ["staff_a", "head_a", "head_b", "vice_mayor", "auditor", "supervisor", "outsider"]
)
def test_only_general_office_reviews(request, state, service, kwargs, actor):
    """Art. 10–11: the general office gathers, negotiates and records the city government's
    approval; departments, vice-mayors, auditors and supervision do not."""
    target = request.getfixturevalue(state)
    user = request.getfixturevalue(actor)
    with nothing_written(target), pytest.raises(NotPermitted):
        getattr(services, service)(target=target, by=user, **kwargs)
    assert state_in_db(target) == state


@pytest.mark.parametrize(("state", "service", "kwargs"), OFFICE_STEPS)
def test_general_office_performs_each_review_step(request, office, state, service, kwargs):
    """Art. 10–11: each review step is the general office's."""
    target = request.getfixturevalue(state)
    moved = getattr(services, service)(target=target, by=office, **kwargs)
    assert moved.state != state
    assert state_in_db(target) == moved.state


def test_a_refused_user_learns_nothing_from_the_state(confirmed, staff_b):
    """A user without the permission is told so before the state is checked: the message does not
    depend on the target's progress (Conflict is only for those who may act)."""
    with pytest.raises(NotPermitted):
        services.target_submit(target=confirmed, by=staff_b)
    with pytest.raises(NotPermitted):
        services.target_negotiate(target=confirmed, by=staff_b)


# --- the negotiation thread -------------------------------------------------------------------


def test_thread_is_between_lead_department_and_office(submitted, staff_a, office):
    """Art. 9 协商目标: both sides write in the thread."""
    services.target_comment_add(target=submitted, by=staff_a, body="已按要求补充说明")
    services.target_comment_add(target=submitted, by=office, body="收到")
    assert submitted.comments.count() == 2


@pytest.mark.parametrize("actor", ["staff_b", "vice_mayor", "auditor", "outsider"])
def test_others_cannot_write_in_the_thread(request, submitted, actor):
    """Art. 9: the negotiation is between the lead department and the general office."""
    user = request.getfixturevalue(actor)
    with nothing_written(submitted), pytest.raises(NotPermitted):
        services.target_comment_add(target=submitted, by=user, body="插话")


def test_thread_closes_once_confirmed(confirmed, office):
    """Art. 12: after confirmation the negotiation is over."""
    with nothing_written(confirmed), pytest.raises(NotPermitted):
        services.target_comment_add(target=confirmed, by=office, body="补充意见")


def test_conflict_is_not_raised_for_a_permitted_actor_on_wrong_state(draft, office):
    """Sanity check of the two families: the office may review, so a draft gives Conflict."""
    with pytest.raises(Conflict):
        services.target_negotiate(target=draft, by=office)


# --- permission before input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "service", "kwargs"),
    [
        ("submitted", "target_return", {"comment": ""}),
        ("negotiated", "target_confirm", {"approval_reference": ""}),
        ("submitted", "target_negotiate", {"comment": "长" * 3000}),
        ("draft", "target_submit", {"comment": "长" * 3000}),
    ],
)
def test_who_may_not_act_is_told_so_whatever_the_input(request, staff_b, state, service, kwargs):
    """A user without the right gets 403, never a request to correct a field they could not
    use anyway (issue 2: 403 for forbidden actions)."""
    target = request.getfixturevalue(state)
    with nothing_written(target), pytest.raises(NotPermitted):
        getattr(services, service)(target=target, by=staff_b, **kwargs)


def test_outsider_commenting_an_empty_body_is_not_permitted(submitted, outsider):
    with nothing_written(submitted), pytest.raises(NotPermitted):
        services.target_comment_add(target=submitted, by=outsider, body="")


def test_office_edits_its_own_city_draft(city_target, office, aspect, office_dept):
    """Art. 11: the general office drafts the city targets and may revise them before
    submission."""
    updated = services.target_update(
        target=city_target,
        by=office,
        data=qualitative_input(aspect, office_dept, level=Target.Level.CITY, title="稳中求进"),
    )
    assert (updated.title, updated.version) == ("稳中求进", 2)


def test_department_cannot_edit_a_city_draft(city_target, head_a, aspect, office_dept):
    with nothing_written(city_target), pytest.raises(NotPermitted):
        services.target_update(
            target=city_target,
            by=head_a,
            data=qualitative_input(aspect, office_dept, level=Target.Level.CITY),
        )
