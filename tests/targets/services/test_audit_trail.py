"""The audit trail (Shanghai Art. 14: 全程记录…各环节信息): every change leaves exactly one
append-only record — who, when, what, before/after, comment, request — and nobody can rewrite
or delete it, not even an administrator through the site."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from audit.middleware import RequestIdMiddleware
from audit.models import AuditEvent, AuditTrailIsAppendOnly
from targets import services
from tests.conftest import quantitative_input

Action = AuditEvent.Action


def trail(target):
    return list(AuditEvent.objects.for_object(target).order_by("id"))


def test_create_leaves_one_record_with_the_content(draft, staff_a):
    """Art. 14: the target's first version is recorded with its author."""
    (event,) = trail(draft)
    assert event.verb == Action.CREATE
    assert event.actor == staff_a
    assert event.actor_name == "张填报"
    assert event.object_repr == str(draft)
    assert event.changes["title"] == [None, "全市地区生产总值增长6.5%"]
    assert event.changes["target_value"] == [None, "6.5"]
    assert len(event.changes["milestones"][1]) == 4


def test_update_records_only_the_changed_fields(draft, staff_a, aspect, dept_a):
    """Art. 14: a content change shows before and after of what changed, nothing else."""
    services.target_update(
        target=draft, by=staff_a, data=quantitative_input(aspect, dept_a, title="增长7%")
    )
    create, update = trail(draft)
    assert update.verb == Action.UPDATE
    assert update.actor == staff_a
    assert update.changes == {"title": ["全市地区生产总值增长6.5%", "增长7%"]}


def test_update_of_a_number_shows_plain_values(draft, staff_a, aspect, dept_a):
    from decimal import Decimal

    services.target_update(
        target=draft,
        by=staff_a,
        data=quantitative_input(aspect, dept_a, target_value=Decimal("7.00")),
    )
    assert trail(draft)[-1].changes == {"target_value": ["6.5", "7"]}


def test_unchanged_save_leaves_no_record(draft, staff_a, aspect, dept_a):
    services.target_update(target=draft, by=staff_a, data=quantitative_input(aspect, dept_a))
    assert [e.verb for e in trail(draft)] == [Action.CREATE]


def test_each_transition_leaves_one_record_with_states_and_comment(draft, head_a, office):
    """Art. 14: each step of formulation — who moved it, from where to where, and why."""
    services.target_submit(target=draft, by=head_a, comment="请审核")
    services.target_return(target=draft, by=office, comment="请补充措施")
    services.target_submit(target=draft, by=head_a)
    services.target_negotiate(target=draft, by=office, comment="协商一致")
    services.target_confirm(target=draft, by=office, approval_reference="市政府第8次常务会议")
    services.target_start_execution(target=draft, by=office)
    rows = [(e.actor, e.verb, e.from_state, e.to_state, e.comment) for e in trail(draft)[1:]]
    assert rows == [
        (head_a, "submit", "draft", "submitted", "请审核"),
        (office, "return_to_department", "submitted", "returned", "请补充措施"),
        (head_a, "submit", "returned", "submitted", ""),
        (office, "negotiate", "submitted", "negotiated", "协商一致"),
        (office, "confirm", "negotiated", "confirmed", ""),
        (office, "start_execution", "confirmed", "executing", ""),
    ]
    confirm = trail(draft)[5]
    assert confirm.changes == {"approval_reference": ["", "市政府第8次常务会议"]}


def test_comment_leaves_one_record(submitted, staff_a):
    before = len(trail(submitted))
    services.target_comment_add(target=submitted, by=staff_a, body="已补充说明")
    events = trail(submitted)
    assert len(events) == before + 1
    assert (events[-1].verb, events[-1].actor, events[-1].comment) == (
        Action.COMMENT,
        staff_a,
        "已补充说明",
    )


def test_records_outside_a_request_have_no_request_id(draft):
    assert trail(draft)[0].request_id == ""


def test_record_names_the_request_that_wrote_it(draft, head_a):
    """Art. 14: a user's report can be traced to the exact record through the request id."""

    def view(request):
        services.target_submit(target=draft, by=head_a)
        return HttpResponse("ok")

    request = RequestFactory().post("/", HTTP_X_REQUEST_ID="req-2027-abc")
    response = RequestIdMiddleware(view)(request)
    assert response["X-Request-ID"] == "req-2027-abc"
    assert trail(draft)[-1].request_id == "req-2027-abc"


def test_unsafe_incoming_request_id_is_replaced(draft, head_a):
    def view(request):
        services.target_submit(target=draft, by=head_a)
        return HttpResponse("ok")

    request = RequestFactory().post("/", HTTP_X_REQUEST_ID="<script>")
    response = RequestIdMiddleware(view)(request)
    recorded = trail(draft)[-1].request_id
    assert recorded == response["X-Request-ID"]
    assert len(recorded) == 32 and recorded != "<script>"


def test_request_id_through_the_site(client, draft, head_a):
    """The same through the full middleware stack of the site (the API's submit)."""
    client.force_login(head_a)
    response = client.post(
        reverse("target-submit", args=[draft.pk]),
        data={},
        content_type="application/json",
        HTTP_X_REQUEST_ID="site-req-1",
    )
    assert response.status_code == 200, response.content
    event = trail(draft)[-1]
    assert (event.verb, event.request_id) == ("submit", "site-req-1")


# --- append-only --------------------------------------------------------------------------


def test_record_cannot_be_changed_or_deleted_through_the_model(draft):
    """Art. 14: history is never rewritten."""
    event = trail(draft)[0]
    event.comment = "篡改"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(comment="篡改")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).comment == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET comment = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_database_refuses_raw_update_and_delete(draft, sql):
    """Art. 14: even SQL that bypasses the application is refused by the database trigger
    (audit/migrations/0002)."""
    event = trail(draft)[0]
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, comment="").exists()


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.gov.cn", "pass-1234")


def test_admin_shows_records_read_only_even_to_a_superuser(client, superuser, draft):
    """Issue 2: 'Nobody can edit or delete that history, not even an administrator through the
    site.'"""
    event = trail(draft)[0]
    client.force_login(superuser)
    url = reverse("admin:audit_auditevent_change", args=[event.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html
    assert reverse("admin:audit_auditevent_delete", args=[event.pk]) not in html
    # A forged POST to the change page changes nothing.
    response = client.post(url, {"comment": "篡改", "action": "update"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).comment == ""


def test_admin_refuses_delete_and_add_even_to_a_superuser(client, superuser, draft):
    event = trail(draft)[0]
    client.force_login(superuser)
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    # The bulk action is not offered either.
    changelist = reverse("admin:audit_auditevent_changelist")
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert "delete_selected" not in client.get(changelist).content.decode()
