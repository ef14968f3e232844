"""The notification centre: the bell with the unread count in every page's header, the list,
mark read (htmx), links to the item, and the e-mail choices. Your own notifications only."""

import pytest
from django.urls import reverse

from accounts.models import User
from notifications.models import EmailPreference, Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def tell(user, n=1, **kw):
    for i in range(n):
        notify(
            recipients=[user],
            kind=kw.get("kind", "deadline"),
            title=f"【到期提醒】节点目标{i}",
            body="请按时报送。",
            url=kw.get("url", "/targets/"),
        )
    return Notification.objects.filter(recipient=user).order_by("-id")


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_the_header_bell_shows_the_unread_count(client, staff_a, staff_b):
    tell(staff_a, 3)
    tell(staff_b, 1)
    client.force_login(staff_a)
    html = client.get(reverse("targets:target_list")).content.decode()
    assert 'id="notification-bell"' in html
    assert '<span class="bell__count">3</span>' in html


@pytest.mark.parametrize(
    "unread, shown, name",
    [(0, None, "消息"), (12, "12", "12 条未读消息"), (120, "99+", "99+ 条未读消息")],
)
def test_the_bells_name_contains_the_count_it_shows(client, staff_a, unread, shown, name):
    """A screen-reader user hears the number a sighted user sees, as its own word (axe:
    label-content-name-mismatch flagged "消息（12条未读）" for the visible "12")."""
    if unread:
        Notification.objects.bulk_create(
            Notification(recipient=staff_a, kind="deadline", title=f"提醒{i}", body="", url="/")
            for i in range(unread)
        )
    client.force_login(staff_a)
    html = client.get(reverse("notifications:list")).content.decode()
    assert f'aria-label="{name}"' in html
    if shown:
        assert f'<span class="bell__count">{shown}</span>' in html
        assert shown in name.split(" ")


def test_no_count_when_everything_is_read(client, staff_a):
    client.force_login(staff_a)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "bell__count" not in html
    assert "还没有消息" in html


def test_the_list_shows_only_my_notifications_newest_first(client, staff_a, staff_b):
    tell(staff_a, 2)
    tell(staff_b, 1)
    client.force_login(staff_a)
    page = client.get(reverse("notifications:list"))
    rows = list(page.context["page_obj"].object_list)
    assert [n.title for n in rows] == ["【到期提醒】节点目标1", "【到期提醒】节点目标0"]
    assert all(n.recipient == staff_a for n in rows)


def test_the_list_is_paginated_and_filters_unread(client, staff_a):
    tell(staff_a, 25)
    Notification.objects.filter(
        pk__in=list(tell(staff_a, 0)[:5].values_list("pk", flat=True))
    ).update(read_at="2026-01-01T00:00:00Z")
    client.force_login(staff_a)
    first = client.get(reverse("notifications:list"))
    assert len(first.context["page_obj"].object_list) == 20
    assert "第 1 / 2 页，共 25 条消息" in first.content.decode()
    unread = client.get(reverse("notifications:list") + "?unread=1")
    assert unread.context["page_obj"].paginator.count == 20


@pytest.mark.parametrize("count", [10, 300])
def test_the_list_runs_a_fixed_number_of_queries(client, staff_a, count, django_assert_num_queries):
    tell(staff_a, count)
    client.force_login(staff_a)
    # session, user, page count, page rows, the header's roles (2), memberships and unread count
    with django_assert_num_queries(8):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200


def test_mark_read_with_htmx_returns_the_row_and_the_new_bell(client, staff_a):
    newest, older = tell(staff_a, 2)[:2]
    client.force_login(staff_a)
    response = client.post(reverse("notifications:read", args=[older.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{older.pk}"' in html and "notification--unread" not in html
    assert 'hx-swap-oob="true"' in html and '<span class="bell__count">1</span>' in html
    older.refresh_from_db()
    newest.refresh_from_db()
    assert older.read_at is not None and newest.read_at is None


def test_mark_read_without_htmx_redirects(client, staff_a):
    [n] = tell(staff_a)
    client.force_login(staff_a)
    response = client.post(reverse("notifications:read", args=[n.pk]))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.is_read


def test_someone_elses_notification_is_404(client, staff_a, staff_b):
    [n] = tell(staff_a)
    client.force_login(staff_b)
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert not n.is_read


def test_mark_all_read_touches_only_mine(client, staff_a, staff_b):
    tell(staff_a, 3)
    tell(staff_b, 2)
    client.force_login(staff_a)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "已将3条消息标为已读" in response.content.decode()
    assert Notification.objects.filter(recipient=staff_a).unread().count() == 0
    assert Notification.objects.filter(recipient=staff_b).unread().count() == 2


def test_marking_needs_post(client, staff_a):
    [n] = tell(staff_a)
    client.force_login(staff_a)
    assert client.get(reverse("notifications:read", args=[n.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_opening_follows_the_link_and_marks_read(client, staff_a, draft):
    [n] = tell(staff_a, url=f"/targets/{draft.pk}/")
    client.force_login(staff_a)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == f"/targets/{draft.pk}/"
    n.refresh_from_db()
    assert n.is_read


def test_an_outside_link_is_not_followed(client, staff_a):
    [n] = tell(staff_a, url="https://evil.example.com/")
    client.force_login(staff_a)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_signed_out_users_are_sent_to_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_preferences_page_lists_every_kind_and_saves_choices(client, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("notifications:preferences")).content.decode()
    for label in (
        "到期提醒",
        "逾期提醒",
        "逾期督促",
        "目标退回修改",
        "进展报告被退回",
        "收到督办单",
        "整改问题销号",
        "文档已生成",
        "评分催办",
    ):
        assert label in page
    response = client.post(
        reverse("notifications:preferences"), {"email": ["overdue", "target_returned"]}
    )
    assert response.status_code == 302
    choices = dict(EmailPreference.objects.filter(user=staff_a).values_list("kind", "email"))
    assert choices["overdue"] is choices["target_returned"] is True
    assert {k for k, email in choices.items() if email} == {"overdue", "target_returned"}
    assert {"deadline", "escalation", "finding_assigned", "coordination_escalated"} <= set(choices)
    assert {"quarterly_report", "quarterly_instruction"} <= set(choices)
    assert {"document_ready", "score_sheet_reminder"} <= set(choices)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'value="overdue" checked' in page and 'value="deadline">' in page


def test_preferences_page_warns_a_user_without_email(client, staff_a):
    staff_a.email = ""
    staff_a.save()
    client.force_login(staff_a)
    assert "没有登记电子邮箱" in client.get(reverse("notifications:preferences")).content.decode()
