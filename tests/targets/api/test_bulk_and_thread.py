"""Bulk transitions (a head submits the department's drafts; the office confirms the year's
set — Art. 10–11) and the negotiation thread (Art. 9 协商)."""

import pytest

from targets import services
from targets.models import Target, TargetComment
from tests.conftest import quantitative_input
from tests.targets.conftest import act_as


@pytest.fixture
def drafts_a(plan_year, aspect, dept_a, staff_a, draft):
    second = services.target_create(
        by=staff_a, plan_year=plan_year, data=quantitative_input(aspect, dept_a, title="第二个")
    )
    return [draft, second]


def bulk(client, **body):
    return client.post("/api/v1/targets/bulk-transition/", body, format="json")


def states(targets):
    return [Target.objects.get(pk=t.pk).state for t in targets]


def test_head_submits_all_drafts_at_once(api, drafts_a, head_a):
    """Art. 10: the head submits the department's drafts, one or many."""
    response = bulk(act_as(api, head_a), action="submit", ids=[t.pk for t in drafts_a])
    assert response.status_code == 200, response.json()
    assert response.json()["count"] == 2
    assert {row["state"] for row in response.json()["targets"]} == {"submitted"}
    assert states(drafts_a) == ["submitted", "submitted"]


def test_bulk_moves_nothing_when_one_target_cannot_move(api, drafts_a, head_a):
    """All or nothing: the message names the target that could not move."""
    services.target_submit(target=drafts_a[1], by=head_a)
    response = bulk(act_as(api, head_a), action="submit", ids=[t.pk for t in drafts_a])
    assert response.status_code == 409
    assert drafts_a[1].code in response.json()["detail"]
    assert states(drafts_a) == ["draft", "submitted"]


def test_bulk_with_an_unreadable_id_names_it_and_moves_nothing(
    api, drafts_a, plan_year, aspect, dept_b, staff_b, head_a
):
    other = services.target_create(
        by=staff_b, plan_year=plan_year, data=quantitative_input(aspect, dept_b)
    )
    response = bulk(act_as(api, head_a), action="submit", ids=[drafts_a[0].pk, other.pk, 987654])
    assert response.status_code == 404
    assert response.json()["errors"]["ids"] == [f"以下目标不存在或无权查看：{other.pk}、987654"]
    assert states([*drafts_a, other]) == ["draft", "draft", "draft"]


def test_office_confirms_the_years_set_with_one_approval(api, drafts_a, head_a, office):
    """Art. 11: the city government approves the set; the office records it once."""
    for t in drafts_a:
        services.target_negotiate(target=services.target_submit(target=t, by=head_a), by=office)
    client = act_as(api, office)
    response = bulk(client, action="confirm", ids=[t.pk for t in drafts_a])
    assert response.status_code == 400
    assert "approval_reference" in response.json()["errors"]
    assert states(drafts_a) == ["negotiated", "negotiated"]

    response = bulk(
        client,
        action="confirm",
        ids=[t.pk for t in drafts_a],
        approval_reference="市政府第20次常务会议",
    )
    assert response.status_code == 200, response.json()
    assert states(drafts_a) == ["confirmed", "confirmed"]
    assert {
        t.approval_reference for t in Target.objects.filter(pk__in=[t.pk for t in drafts_a])
    } == {"市政府第20次常务会议"}


def test_bulk_return_needs_a_comment(api, submitted, office):
    response = bulk(act_as(api, office), action="return", ids=[submitted.pk])
    assert response.status_code == 400
    assert "comment" in response.json()["errors"]
    assert states([submitted]) == ["submitted"]


def test_bulk_with_no_ids_or_unknown_action_is_refused(api, office):
    client = act_as(api, office)
    assert bulk(client, action="submit", ids=[]).status_code == 400
    response = bulk(client, action="delete", ids=[1])
    assert response.status_code == 400
    assert "action" in response.json()["errors"]


def test_department_and_office_share_one_thread(api, submitted, staff_a, office):
    """Art. 9: negotiation comments are visible to both sides."""
    url = f"/api/v1/targets/{submitted.pk}/comments/"
    response = act_as(api, staff_a).post(url, {"body": "请目标办审核。"}, format="json")
    assert response.status_code == 201
    assert response.json()["author_name"] == "张填报"
    assert response.json()["author_department_name"] == "市发展改革委"
    act_as(api, office).post(url, {"body": "收到，正在审核。"}, format="json")
    thread = act_as(api, staff_a).get(url).json()
    assert [c["body"] for c in thread] == ["请目标办审核。", "收到，正在审核。"]
    assert act_as(api, office).get(url).json() == thread


def test_empty_comment_is_refused(api, draft, staff_a):
    response = act_as(api, staff_a).post(
        f"/api/v1/targets/{draft.pk}/comments/", {"body": "  "}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["body"] == ["请填写意见内容。"]
    assert TargetComment.objects.count() == 0


@pytest.mark.parametrize("persona", ["auditor", "vice_mayor", "supervisor"])
def test_readers_cannot_join_the_thread(api, request, draft, persona):
    """The thread is between the lead department and the general office."""
    client = act_as(api, request.getfixturevalue(persona))
    url = f"/api/v1/targets/{draft.pk}/comments/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"body": "我来说两句"}, format="json").status_code == 403
    assert TargetComment.objects.count() == 0


def test_thread_closes_once_confirmed(api, confirmed, staff_a):
    """Art. 12: after confirmation the negotiation is over."""
    response = act_as(api, staff_a).post(
        f"/api/v1/targets/{confirmed.pk}/comments/", {"body": "还想再谈"}, format="json"
    )
    assert response.status_code == 403


def test_history_and_revisions_are_read_only(api, draft, office):
    """Art. 14: nobody edits or deletes the history, not through the API either."""
    client = act_as(api, office)
    for sub in ("history", "revisions"):
        url = f"/api/v1/targets/{draft.pk}/{sub}/"
        assert client.get(url).status_code == 200
        assert client.post(url, {}, format="json").status_code == 405
        assert client.delete(url).status_code == 405
