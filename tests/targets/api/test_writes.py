"""Creating and changing targets through the API: bad input gets a clear Chinese message next
to the field and nothing is written; confirmed content is locked (Art. 12); a stale edit is
refused (optimistic locking on ``version``)."""

import datetime

import pytest

from audit.models import AuditEvent
from targets import services
from targets.models import PlanYear, Target, TargetRevision
from tests.conftest import qualitative_input
from tests.targets.conftest import act_as, target_body


def counts():
    return (Target.objects.count(), TargetRevision.objects.count(), AuditEvent.objects.count())


def assert_refused(response, status, before):
    assert response.status_code == status, response.json()
    assert counts() == before


def test_quantitative_target_without_unit_is_refused_with_chinese_message(
    api, aspect, dept_a, staff_a
):
    """Art. 6: a quantitative target must be measurable — indicator, unit and target value."""
    before = counts()
    response = act_as(api, staff_a).post(
        "/api/v1/targets/", target_body(aspect, dept_a, unit=""), format="json"
    )
    assert_refused(response, 400, before)
    body = response.json()
    assert body["detail"] == "目标未保存，请更正标出的问题。"
    assert body["errors"]["unit"] == ["定量目标须填写计量单位。"]


def test_quantitative_target_needs_indicator_and_target_value(api, aspect, dept_a, staff_a):
    """Art. 6."""
    before = counts()
    response = act_as(api, staff_a).post(
        "/api/v1/targets/",
        target_body(aspect, dept_a, indicator="", target_value=None),
        format="json",
    )
    assert_refused(response, 400, before)
    assert set(response.json()["errors"]) == {"indicator", "target_value"}


def test_milestone_outside_its_quarter_is_refused(api, aspect, dept_a, staff_a):
    """Milestones have a quarter within the plan year (Shanghai 002 三.3 节点目标)."""
    body = target_body(aspect, dept_a)
    body["milestones"][0]["due_date"] = "2027-05-10"  # Q1 of 2027 ends on 31 March
    before = counts()
    response = act_as(api, staff_a).post("/api/v1/targets/", body, format="json")
    assert_refused(response, 400, before)
    errors = response.json()["errors"]
    assert list(errors) == ["milestones.0.due_date"]
    assert "2027年第1季度" in errors["milestones.0.due_date"][0]


def test_malformed_nested_values_are_reported_under_the_same_flat_keys(
    api, aspect, dept_a, staff_a
):
    """Type errors caught by the serializer use the services' error shape."""
    body = target_body(aspect, dept_a, weight="很多")
    body["aspect"] = 999999
    body["milestones"][1]["quarter"] = "二"
    body["milestones"][2]["due_date"] = "明年"
    before = counts()
    response = act_as(api, staff_a).post("/api/v1/targets/", body, format="json")
    assert_refused(response, 400, before)
    errors = response.json()["errors"]
    assert set(errors) == {"aspect", "weight", "milestones.1.quarter", "milestones.2.due_date"}


def test_weight_must_be_positive(api, aspect, dept_a, staff_a):
    before = counts()
    response = act_as(api, staff_a).post(
        "/api/v1/targets/", target_body(aspect, dept_a, weight="0"), format="json"
    )
    assert_refused(response, 400, before)
    assert response.json()["errors"]["weight"] == ["权重必须大于0。"]


def test_cooperating_department_needs_its_task(api, aspect, dept_a, dept_b, staff_a):
    """Art. 7, 16: each cooperating department is told its own task."""
    before = counts()
    response = act_as(api, staff_a).post(
        "/api/v1/targets/",
        target_body(aspect, dept_a, departments=[{"department": dept_b.pk, "role": "cooperating"}]),
        format="json",
    )
    assert_refused(response, 400, before)
    assert "departments.0.task" in response.json()["errors"]


def test_drafting_is_only_possible_while_the_year_is_open(api, plan_year, aspect, dept_a, staff_a):
    """Art. 10: targets are formed in the drafting window of the year before."""
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)
    before = counts()
    response = act_as(api, staff_a).post(
        "/api/v1/targets/", target_body(aspect, dept_a), format="json"
    )
    assert_refused(response, 400, before)
    assert "未开放" in response.json()["detail"]


def test_parent_the_user_cannot_read_is_refused(
    api, plan_year, aspect, dept_a, office_dept, staff_a, office
):
    """Art. 9: a department target decomposes a city target, but a city target still in
    drafting is not the department's to see or link to."""
    city = services.target_create(
        by=office, plan_year=plan_year, data=qualitative_input(aspect, office_dept, level="city")
    )
    before = counts()
    response = act_as(api, staff_a).post(
        "/api/v1/targets/", target_body(aspect, dept_a, parent=city.pk), format="json"
    )
    assert_refused(response, 400, before)
    assert "parent" in response.json()["errors"]


def test_department_target_decomposes_a_confirmed_city_target(
    api, plan_year, aspect, dept_a, staff_a, office
):
    """Art. 9 (锁链式目标体系): the child names its parent; the parent lists its children."""
    city_body = {
        "plan_year": plan_year.pk,
        "level": "city",
        "kind": "qualitative",
        "title": "经济运行稳中有进",
        "content": "全市经济运行保持在合理区间。",
        "aspect": aspect.pk,
        "lead_department": dept_a.pk,
    }
    client = act_as(api, office)
    response = client.post("/api/v1/targets/", city_body, format="json")
    assert response.status_code == 201, response.json()
    city_id = response.json()["id"]
    client.post(f"/api/v1/targets/{city_id}/submit/")
    client.post(f"/api/v1/targets/{city_id}/negotiate/")
    client.post(
        f"/api/v1/targets/{city_id}/confirm/",
        {"approval_reference": "市政府常务会议"},
        format="json",
    )
    assert Target.objects.get(pk=city_id).state == "confirmed"

    response = act_as(api, staff_a).post(
        "/api/v1/targets/", target_body(aspect, dept_a, parent=city_id), format="json"
    )
    assert response.status_code == 201, response.json()
    child_id = response.json()["id"]
    assert response.json()["parent"] == city_id
    city = act_as(api, staff_a).get(f"/api/v1/targets/{city_id}/").json()
    assert city["children"] == [child_id]
    listed = act_as(api, staff_a).get("/api/v1/targets/", {"parent": city_id}).json()
    assert [row["id"] for row in listed["results"]] == [child_id]


def test_put_replaces_content_and_bumps_version(
    api, draft, aspect, dept_a, dept_b, staff_a, vice_mayor
):
    body = {
        **target_body(
            aspect,
            dept_a,
            title="全市地区生产总值增长7%",
            target_value="7.00",
            milestones=[{"quarter": 4, "description": "全年达到7%", "due_date": "2027-12-20"}],
            departments=[
                {
                    "department": dept_b.pk,
                    "role": "responsible",
                    "task": "财政保障",
                    "acceptance": "到位",
                }
            ],
            cooperating_leaders=[vice_mayor.pk],
            lead_leader=vice_mayor.pk,
        ),
        "version": 1,
    }
    body.pop("plan_year")
    response = act_as(api, staff_a).put(f"/api/v1/targets/{draft.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    detail = response.json()
    assert detail["version"] == 2
    assert detail["title"] == "全市地区生产总值增长7%"
    assert [(m["quarter"], m["due_date"]) for m in detail["milestones"]] == [(4, "2027-12-20")]
    assert detail["departments"] == [
        {
            "department": dept_b.pk,
            "department_name": "市财政局",
            "role": "responsible",
            "role_display": "责任部门",
            "task": "财政保障",
            "acceptance": "到位",
        }
    ]
    assert detail["cooperating_leaders"] == [vice_mayor.pk]
    assert detail["lead_leader"] == vice_mayor.pk
    assert draft.revisions.count() == 2


def test_patch_without_version_is_refused(api, draft, staff_a):
    before = counts()
    response = act_as(api, staff_a).patch(
        f"/api/v1/targets/{draft.pk}/", {"title": "改名"}, format="json"
    )
    assert_refused(response, 400, before)
    assert "version" in response.json()["errors"]


def test_patch_with_bad_value_writes_nothing(api, draft, staff_a):
    before = counts()
    response = act_as(api, staff_a).patch(
        f"/api/v1/targets/{draft.pk}/", {"version": 1, "unit": "", "title": "改名"}, format="json"
    )
    assert_refused(response, 400, before)
    assert response.json()["errors"]["unit"] == ["定量目标须填写计量单位。"]
    draft.refresh_from_db()
    assert (draft.title, draft.unit, draft.version) == ("全市地区生产总值增长6.5%", "%", 1)


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "office"])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_confirmed_target_content_is_locked(
    api, request, confirmed, aspect, dept_a, persona, method
):
    """Art. 12: once confirmed, content changes only through an approved adjustment."""
    body = {**target_body(aspect, dept_a, title="确认后想改"), "version": confirmed.version}
    before = counts()
    client = act_as(api, request.getfixturevalue(persona))
    response = getattr(client, method)(f"/api/v1/targets/{confirmed.pk}/", body, format="json")
    assert_refused(response, 403, before)
    assert "内容已锁定" in response.json()["detail"]
    assert "第十二条" in response.json()["detail"]
    confirmed.refresh_from_db()
    assert confirmed.title == "全市地区生产总值增长6.5%"


def test_stale_version_is_a_conflict(api, draft, aspect, dept_a, staff_a, head_a):
    """Two editors read version 1; the second save must not overwrite the first."""
    first = act_as(api, head_a).patch(
        f"/api/v1/targets/{draft.pk}/", {"version": 1, "title": "主任改的标题"}, format="json"
    )
    assert first.status_code == 200
    before = counts()
    second = act_as(api, staff_a).patch(
        f"/api/v1/targets/{draft.pk}/", {"version": 1, "title": "填报员改的标题"}, format="json"
    )
    assert_refused(second, 409, before)
    assert "第2版" in second.json()["detail"]
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("主任改的标题", 2)


def test_submitted_target_cannot_be_edited_by_its_department(api, submitted, staff_a):
    """Art. 10: what was submitted is what the office negotiates on."""
    response = act_as(api, staff_a).patch(
        f"/api/v1/targets/{submitted.pk}/", {"version": 1, "title": "偷偷改"}, format="json"
    )
    assert response.status_code == 403


def test_return_without_comment_is_refused(api, submitted, office):
    """Art. 9: the office gives its reasons when it returns a target."""
    response = act_as(api, office).post(
        f"/api/v1/targets/{submitted.pk}/return/", {"comment": "  "}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["comment"] == ["退回时必须填写退回意见。"]
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_confirm_without_approval_reference_is_refused(api, negotiated, office):
    """Art. 11: confirmation records the approving meeting or document."""
    response = act_as(api, office).post(
        f"/api/v1/targets/{negotiated.pk}/confirm/", {"approval_reference": ""}, format="json"
    )
    assert response.status_code == 400
    assert "approval_reference" in response.json()["errors"]
    negotiated.refresh_from_db()
    assert negotiated.state == "negotiated"


def test_transition_from_the_wrong_state_is_a_conflict(api, draft, office):
    """State machine (DESIGN): only a submitted target can be negotiated."""
    response = act_as(api, office).post(f"/api/v1/targets/{draft.pk}/negotiate/")
    assert response.status_code == 409
    assert "拟定" in response.json()["detail"]


def test_milestone_default_due_date_is_the_quarters_last_day(api, aspect, dept_a, staff_a):
    response = act_as(api, staff_a).post(
        "/api/v1/targets/", target_body(aspect, dept_a), format="json"
    )
    due = [m["due_date"] for m in response.json()["milestones"]]
    assert due == [
        str(datetime.date(2027, 3, 31)),
        str(datetime.date(2027, 6, 30)),
        str(datetime.date(2027, 9, 30)),
        str(datetime.date(2027, 12, 31)),
    ]
