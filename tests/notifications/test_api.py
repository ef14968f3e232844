"""/api/v1/notifications/: the same rules as the pages — your own notifications only (anyone
else's is 404), mark read, your e-mail choices per kind."""

import pytest

from notifications.models import EmailPreference, Notification
from notifications.services import notify
from tests.helpers import act_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


def tell(user, n=1):
    for i in range(n):
        notify(recipients=[user], kind="deadline", title=f"提醒{i}", body="请办理", url="/targets/")
    return list(Notification.objects.filter(recipient=user).order_by("-id"))


def test_list_shows_only_mine_newest_first_and_filters_unread(api, staff_a, staff_b):
    mine = tell(staff_a, 3)
    tell(staff_b, 2)
    Notification.objects.filter(pk=mine[0].pk).update(read_at="2026-11-01T00:00:00Z")
    body = act_as(api, staff_a).get("/api/v1/notifications/").json()
    assert body["count"] == 3
    assert [r["title"] for r in body["results"]] == ["提醒2", "提醒1", "提醒0"]
    assert body["results"][0]["is_read"] is True
    unread = act_as(api, staff_a).get("/api/v1/notifications/?unread=true").json()
    assert [r["title"] for r in unread["results"]] == ["提醒1", "提醒0"]


@pytest.mark.parametrize("count", [10, 300])
def test_list_runs_a_fixed_number_of_queries(api, staff_a, count, django_assert_num_queries):
    tell(staff_a, count)
    client = act_as(api, staff_a)
    with django_assert_num_queries(2):  # count, page
        response = client.get("/api/v1/notifications/")
    assert response.status_code == 200


def test_mark_read_and_read_all(api, staff_a, staff_b):
    first, *_rest = tell(staff_a, 3)
    tell(staff_b, 1)
    response = act_as(api, staff_a).post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    response = act_as(api, staff_a).post("/api/v1/notifications/read-all/")
    assert response.json() == {"marked": 2}
    assert Notification.objects.filter(recipient=staff_b).unread().count() == 1


def test_someone_elses_notification_is_404(api, staff_a, staff_b):
    [n] = tell(staff_a)
    assert act_as(api, staff_b).get(f"/api/v1/notifications/{n.pk}/").status_code == 404
    assert act_as(api, staff_b).post(f"/api/v1/notifications/{n.pk}/read/").status_code == 404
    n.refresh_from_db()
    assert not n.is_read


def test_signed_out_is_refused(api):
    assert api.get("/api/v1/notifications/").status_code in (401, 403)


def test_preferences_read_and_write(api, staff_a):
    rows = act_as(api, staff_a).get("/api/v1/notifications/preferences/").json()
    assert {r["kind"]: r["email"] for r in rows} == {
        "deadline": True,
        "overdue": True,
        "escalation": True,
        "target_returned": True,
        # execution's and supervision's events (registered from their ready())
        "progress_report_returned": True,
        "progress_report_verified_different": True,
        "adjustment_decided": True,
        "completion_decided": True,
        "coordination_escalated": True,
        "coordination_resolved": True,
        # Late corrections of verified reports (issue 16 item 6).
        "progress_correction_requested": True,
        "progress_correction_decided": True,
        "supervision_order_issued": True,
        "supervision_order_sent_back": True,
        "supervision_order_closed": True,
        "supervision_order_replied": True,
        "finding_assigned": True,
        "finding_rejected": True,
        "finding_verified": True,
        # Quarterly reports and leaders' instructions (execution, issue 6).
        "quarterly_report": True,
        "quarterly_instruction": True,
        "document_ready": True,
        "score_sheet_reminder": True,
        # The head told a report is ready, the department chased (issue 19 items 2–3).
        "progress_report_ready": True,
        "progress_report_chased": True,
    }
    response = act_as(api, staff_a).put(
        "/api/v1/notifications/preferences/", [{"kind": "deadline", "email": False}], format="json"
    )
    assert response.status_code == 200
    assert {r["kind"]: r["email"] for r in response.json()}["deadline"] is False
    assert EmailPreference.objects.get(user=staff_a, kind="deadline").email is False


def test_an_unknown_kind_is_refused_and_nothing_saved(api, staff_a):
    response = act_as(api, staff_a).put(
        "/api/v1/notifications/preferences/",
        [{"kind": "deadline", "email": False}, {"kind": "nope", "email": False}],
        format="json",
    )
    assert response.status_code == 400
    assert "nope" in response.json()["detail"]
    assert not EmailPreference.objects.exists()
