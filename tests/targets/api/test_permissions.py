"""Who may do what through the API — the same rules as the pages, from targets.permissions and
targets.selectors (Shanghai measures Art. 9–12, 15, 17). Objects a user may not read are 404,
never another department's data; forbidden actions on readable objects are 403."""

import pytest

from targets import services
from targets.models import Target
from tests.conftest import quantitative_input
from tests.targets.conftest import act_as, target_body


@pytest.fixture
def draft_b(plan_year, aspect, dept_b, staff_b):
    return services.target_create(
        by=staff_b, plan_year=plan_year, data=quantitative_input(aspect, dept_b, title="B的目标")
    )


def listed_ids(client, **params):
    response = client.get("/api/v1/targets/", params)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_staff_of_other_department_cannot_see_draft(api, draft, staff_b):
    """Art. 9: a draft is the department's own until submitted; B gets 404, not A's data."""
    client = act_as(api, staff_b)
    response = client.get(f"/api/v1/targets/{draft.pk}/")
    assert response.status_code == 404
    assert "全市地区生产总值" not in response.content.decode()
    assert draft.pk not in listed_ids(client)
    for sub in ("comments", "history", "revisions"):
        assert client.get(f"/api/v1/targets/{draft.pk}/{sub}/").status_code == 404


def test_staff_cannot_submit(api, draft, staff_a):
    """Art. 10, 15: only the head (第一责任人) signs off and submits."""
    response = act_as(api, staff_a).post(f"/api/v1/targets/{draft.pk}/submit/")
    assert response.status_code == 403
    assert response.json()["detail"]
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_head_of_other_department_cannot_submit_anothers_draft(api, draft, head_b):
    """Art. 10: B's head cannot even see A's draft, so the answer is 404, and nothing moves."""
    client = act_as(api, head_b)
    assert client.post(f"/api/v1/targets/{draft.pk}/submit/").status_code == 404
    response = client.post(
        "/api/v1/targets/bulk-transition/", {"action": "submit", "ids": [draft.pk]}, format="json"
    )
    assert response.status_code == 404
    assert str(draft.pk) in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_head_submits_own_departments_draft(api, draft, head_a):
    """Art. 10: the lead department's head submits."""
    response = act_as(api, head_a).post(f"/api/v1/targets/{draft.pk}/submit/")
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "supervisor", "vice_mayor"])
@pytest.mark.parametrize(
    ("fixture", "path", "body"),
    [
        ("submitted", "return", {"comment": "请修改"}),
        ("submitted", "negotiate", {}),
        ("negotiated", "confirm", {"approval_reference": "市政府第1次常务会议"}),
        ("confirmed", "start-execution", {}),
    ],
)
def test_only_general_office_returns_negotiates_confirms_and_starts(
    api, request, persona, fixture, path, body
):
    """Art. 10–11: the general office negotiates and records the city government's
    confirmation; the department, supervision and leaders cannot."""
    target = request.getfixturevalue(fixture)
    user = request.getfixturevalue(persona)
    response = act_as(api, user).post(f"/api/v1/targets/{target.pk}/{path}/", body, format="json")
    assert response.status_code == 403
    assert Target.objects.get(pk=target.pk).state == fixture


def test_general_office_has_the_review_actions(api, submitted, office):
    """Art. 10: the office sees what it may do on a submitted target."""
    detail = act_as(api, office).get(f"/api/v1/targets/{submitted.pk}/").json()
    assert detail["allowed_actions"] == ["comment", "return", "negotiate"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("staff_a", ["edit", "comment"]),
        ("head_a", ["edit", "comment", "submit"]),
        ("office", ["comment"]),
        ("auditor", []),
        ("vice_mayor", []),
    ],
)
def test_allowed_actions_on_a_draft_follow_the_transition_permissions(
    api, request, draft, persona, expected
):
    """Art. 9–10, 15: what the detail offers is what the services would permit."""
    user = request.getfixturevalue(persona)
    detail = act_as(api, user).get(f"/api/v1/targets/{draft.pk}/").json()
    assert detail["allowed_actions"] == expected


def test_auditor_reads_everything_but_every_write_is_forbidden(
    api, aspect, dept_a, draft, draft_b, submitted_b_and_negotiated, auditor
):
    """DESIGN: auditors read everything and change nothing (Art. 14 oversight)."""
    submitted_b, negotiated_b = submitted_b_and_negotiated
    client = act_as(api, auditor)
    assert {draft.pk, draft_b.pk} <= listed_ids(client)
    assert client.get(f"/api/v1/targets/{draft.pk}/").status_code == 200
    assert client.get(f"/api/v1/targets/{draft.pk}/history/").status_code == 200
    before = Target.objects.count()
    writes = [
        ("post", "/api/v1/targets/", target_body(aspect, dept_a)),
        ("put", f"/api/v1/targets/{draft.pk}/", {**target_body(aspect, dept_a), "version": 1}),
        ("patch", f"/api/v1/targets/{draft.pk}/", {"version": 1, "title": "审计改的"}),
        ("post", f"/api/v1/targets/{draft.pk}/submit/", {}),
        ("post", f"/api/v1/targets/{submitted_b.pk}/return/", {"comment": "退回"}),
        ("post", f"/api/v1/targets/{submitted_b.pk}/negotiate/", {}),
        ("post", f"/api/v1/targets/{negotiated_b.pk}/confirm/", {"approval_reference": "文号"}),
        ("post", f"/api/v1/targets/{draft.pk}/comments/", {"body": "审计意见"}),
        ("post", "/api/v1/targets/bulk-transition/", {"action": "submit", "ids": [draft.pk]}),
    ]
    for method, url, body in writes:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, (method, url, response.json())
    assert Target.objects.count() == before
    draft.refresh_from_db()
    assert (draft.state, draft.version, draft.title) == ("draft", 1, "全市地区生产总值增长6.5%")
    assert draft.comments.count() == 0


@pytest.fixture
def submitted_b_and_negotiated(plan_year, aspect, dept_b, staff_b, head_b, office):
    submitted = services.target_submit(
        target=services.target_create(
            by=staff_b, plan_year=plan_year, data=quantitative_input(aspect, dept_b, title="B1")
        ),
        by=head_b,
    )
    negotiated = services.target_negotiate(
        target=services.target_submit(
            target=services.target_create(
                by=staff_b, plan_year=plan_year, data=quantitative_input(aspect, dept_b, title="B2")
            ),
            by=head_b,
        ),
        by=office,
    )
    return submitted, negotiated


def test_vice_mayor_reads_only_the_portfolio(api, draft, draft_b, vice_mayor, other_vice_mayor):
    """Art. 15, 17: a vice-mayor follows the departments in the portfolio, not the others."""
    client = act_as(api, vice_mayor)
    assert client.get(f"/api/v1/targets/{draft.pk}/").status_code == 200
    assert client.get(f"/api/v1/targets/{draft_b.pk}/").status_code == 404
    assert listed_ids(client) == {draft.pk}
    assert client.post(f"/api/v1/targets/{draft.pk}/submit/").status_code == 403

    other = act_as(api, other_vice_mayor)
    assert other.get(f"/api/v1/targets/{draft.pk}/").status_code == 404
    assert listed_ids(other) == {draft_b.pk}


def test_signed_in_user_without_role_sees_nothing(api, draft, outsider):
    client = act_as(api, outsider)
    assert listed_ids(client) == set()
    assert client.get(f"/api/v1/targets/{draft.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/targets/"),
        ("get", "/api/v1/targets/{pk}/"),
        ("post", "/api/v1/targets/{pk}/submit/"),
        ("get", "/api/v1/plan-years/"),
        ("get", "/api/v1/aspects/"),
    ],
)
def test_unauthenticated_requests_are_refused(api, draft, method, url):
    response = getattr(api, method)(url.format(pk=draft.pk))
    assert response.status_code in (401, 403)
    assert "全市地区生产总值" not in response.content.decode()


def test_targets_cannot_be_deleted(api, draft, office):
    """Art. 14: a target leaves the list only by a recorded decision, never by erasure."""
    response = act_as(api, office).delete(f"/api/v1/targets/{draft.pk}/")
    assert response.status_code == 405
    assert Target.objects.filter(pk=draft.pk).exists()


def test_staff_cannot_create_a_target_for_another_department(api, aspect, dept_b, staff_a):
    """Art. 9: each department drafts its own targets."""
    before = Target.objects.count()
    response = act_as(api, staff_a).post(
        "/api/v1/targets/", target_body(aspect, dept_b), format="json"
    )
    assert response.status_code == 403
    assert Target.objects.count() == before


def test_cooperating_department_sees_target_once_submitted(
    api, plan_year, aspect, dept_a, dept_b, staff_a, head_a, staff_b
):
    """Art. 16: a cooperating department reads the target it takes part in, after the draft
    stage — but cannot edit it."""
    data = quantitative_input(
        aspect,
        dept_a,
        departments=[services.DepartmentInput(department=dept_b, role="cooperating", task="配合")],
    )
    target = services.target_create(by=staff_a, plan_year=plan_year, data=data)
    client = act_as(api, staff_b)
    assert client.get(f"/api/v1/targets/{target.pk}/").status_code == 404
    services.target_submit(target=target, by=head_a)
    detail = client.get(f"/api/v1/targets/{target.pk}/").json()
    assert detail["state"] == "submitted"
    assert detail["allowed_actions"] == []


def test_session_login_reaches_the_api_with_the_same_rules(api, draft, staff_a, staff_b):
    """A browser session (the pages' login) is enough for the API, and the rules are the same."""
    assert api.login(username="staff_b", password="pass-1234")
    assert api.get(f"/api/v1/targets/{draft.pk}/").status_code == 404
    api.logout()
    assert api.login(username="staff_a", password="pass-1234")
    assert api.get(f"/api/v1/targets/{draft.pk}/").status_code == 200
