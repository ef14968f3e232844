"""The whole formulation of one target through the API alone (Shanghai measures Art. 9–12):
drafted by the department, submitted by its head, returned and resubmitted, negotiated,
confirmed on the city government's approval, put into execution."""

from django.core import mail

from targets.models import Target
from tests.targets.conftest import act_as, target_body


def test_target_goes_from_draft_to_execution_through_the_api(
    api, aspect, dept_a, dept_b, staff_a, head_a, office, django_capture_on_commit_callbacks
):
    """Art. 9 (拟定、协商), Art. 10 (报送), Art. 11 (确认), Art. 12 (锁定) and Art. 14 (全程记录)."""
    body = target_body(
        aspect,
        dept_a,
        departments=[
            {
                "department": dept_b.pk,
                "role": "cooperating",
                "task": "保障资金",
                "acceptance": "按期拨付",
            }
        ],
    )
    response = act_as(api, staff_a).post("/api/v1/targets/", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    pk = created["id"]
    assert created["state"] == "draft"
    assert created["state_display"] == "拟定"
    assert created["version"] == 1
    assert [m["quarter"] for m in created["milestones"]] == [1, 2, 3, 4]
    assert created["departments"][0]["task"] == "保障资金"
    assert created["allowed_actions"] == ["edit", "comment"]

    response = act_as(api, head_a).post(f"/api/v1/targets/{pk}/submit/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "submitted"

    with django_capture_on_commit_callbacks(execute=True):
        response = act_as(api, office).post(
            f"/api/v1/targets/{pk}/return/", {"comment": "目标值偏低，请上调。"}, format="json"
        )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "returned"
    # one e-mail to each of the lead department's staff and head (notifications.notify)
    assert len(mail.outbox) == 2
    assert all("目标值偏低，请上调。" in m.body for m in mail.outbox)

    response = act_as(api, staff_a).patch(
        f"/api/v1/targets/{pk}/", {"version": 1, "target_value": "7.00"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response.json()["target_value"] == "7"
    assert len(response.json()["milestones"]) == 4  # PATCH kept what it did not mention

    assert act_as(api, head_a).post(f"/api/v1/targets/{pk}/submit/").status_code == 200
    response = act_as(api, office).post(
        f"/api/v1/targets/{pk}/comments/", {"body": "已按意见修改，同意。"}, format="json"
    )
    assert response.status_code == 201
    response = act_as(api, office).post(
        f"/api/v1/targets/{pk}/negotiate/", {"comment": "协商一致"}, format="json"
    )
    assert response.json()["state"] == "negotiated"
    response = act_as(api, office).post(
        f"/api/v1/targets/{pk}/confirm/",
        {"approval_reference": "市政府第12次常务会议"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "confirmed"
    assert response.json()["approval_reference"] == "市政府第12次常务会议"
    response = act_as(api, office).post(f"/api/v1/targets/{pk}/start-execution/")
    assert response.status_code == 200
    assert response.json()["state"] == "executing"
    assert Target.objects.get(pk=pk).state == "executing"

    history = act_as(api, staff_a).get(f"/api/v1/targets/{pk}/history/").json()
    # One event format (issue 15): the action is namespaced by the model, labels resolved.
    assert [(e["action"], e["action_display"]) for e in history] == [
        ("targets.target.create", "创建"),
        ("targets.target.submit", "报送"),
        ("targets.target.return_to_department", "退回修改"),
        ("targets.target.update", "修改"),
        ("targets.target.submit", "报送"),
        ("targets.target.comment", "意见"),
        ("targets.target.negotiate", "协商一致"),
        ("targets.target.confirm", "确认"),
        ("targets.target.start_execution", "下达任务书"),
    ]
    assert history[2]["actor_name"] == "陈目标办"
    assert history[2]["from_state"] == "submitted"
    assert history[2]["to_state"] == "returned"
    assert history[2]["comment"] == "目标值偏低，请上调。"
    assert history[3]["changes"]["target_value"] == ["6.5", "7"]
    assert all(e["request_id"] for e in history)

    revisions = act_as(api, staff_a).get(f"/api/v1/targets/{pk}/revisions/").json()
    assert [r["number"] for r in revisions] == [1, 2]
    assert revisions[0]["snapshot"]["target_value"] == "6.5"
    assert revisions[1]["snapshot"]["target_value"] == "7"
    assert revisions[1]["created_by_name"] == "张填报"

    thread = act_as(api, staff_a).get(f"/api/v1/targets/{pk}/comments/").json()
    assert [c["body"] for c in thread] == [
        "目标值偏低，请上调。",
        "已按意见修改，同意。",
        "协商一致",
    ]
    assert thread[0]["transition"] == "return_to_department"
    assert thread[0]["author_department_name"] == "市政府办公厅"
