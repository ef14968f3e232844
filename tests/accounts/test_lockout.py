"""The account lockout and the login history (issue 17 item 3; GB/T 22239-2019 8.1.4.1 b
登录失败处理功能: 限制非法登录次数, with an administrator's unlock and an audit event)."""

import base64
import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import signin
from accounts.models import LoginRecord, User
from audit.models import AuditEvent
from workflow.errors import NotPermitted

pytestmark = pytest.mark.django_db

LOGIN = "accounts:login"


@pytest.fixture
def lockout(settings):
    settings.LOGIN_LOCKOUT_FAILURES = 3
    settings.LOGIN_LOCKOUT_MINUTES = 0
    return settings


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("root", password="Root-Pass-1!")


def sign_in(client, username, password, **extra):
    return client.post(reverse(LOGIN), {"username": username, "password": password}, **extra)


def outcomes(user):
    return list(
        LoginRecord.objects.filter(user=user).order_by("pk").values_list("outcome", flat=True)
    )


def test_three_failures_in_a_row_lock_the_account_even_for_the_right_password(
    client, lockout, staff_a
):
    for _ in range(3):
        assert sign_in(client, "staff_a", "wrong").status_code == 200
    staff_a.refresh_from_db()
    assert staff_a.locked_at is not None
    response = sign_in(client, "staff_a", "pass-1234")
    assert response.status_code == 403
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert outcomes(staff_a) == ["failed", "failed", "locked", "locked"]
    event = AuditEvent.objects.with_action(User, "lock").for_object(staff_a).get()
    assert event.actor is None
    assert "连续3次登录失败" in event.comment


def test_a_success_between_failures_starts_the_count_again(client, lockout, staff_a):
    for password in ("wrong", "wrong", "pass-1234"):
        sign_in(client, "staff_a", password)
    client.logout()
    for _ in range(2):
        sign_in(client, "staff_a", "wrong")
    staff_a.refresh_from_db()
    assert staff_a.locked_at is None
    assert sign_in(client, "staff_a", "pass-1234").status_code == 302


def test_the_api_counts_failures_and_obeys_the_lock(lockout, staff_a):
    def basic(password):
        token = base64.b64encode(f"staff_a:{password}".encode()).decode()
        return {"HTTP_AUTHORIZATION": f"Basic {token}"}

    api = APIClient()
    url = "/api/v1/me/"
    assert [api.get(url, **basic("wrong")).status_code for _ in range(3)] == [401] * 3
    assert api.get(url, **basic("pass-1234")).status_code == 429
    assert set(LoginRecord.objects.filter(user=staff_a).values_list("method", flat=True)) == {"api"}
    # ... and the login page refuses the same account.
    assert sign_in(APIClient(), "staff_a", "pass-1234").status_code == 403


def test_names_of_no_account_leave_no_record(client, lockout, staff_a):
    for _ in range(5):
        sign_in(client, "no-such-person", "wrong")
    assert not LoginRecord.objects.exists()


def test_an_administrator_unlocks_in_the_admin_and_the_count_starts_again(
    client, lockout, staff_a, admin_user
):
    for _ in range(3):
        sign_in(client, "staff_a", "wrong")
    admin = APIClient()
    admin.force_login(admin_user)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_accounts", "_selected_action": [staff_a.pk]},
    )
    assert response.status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.locked_at is None
    event = AuditEvent.objects.with_action(User, "unlock").for_object(staff_a).get()
    assert event.actor == admin_user
    # One more failure does not lock it again at once: the earlier ones no longer count.
    sign_in(client, "staff_a", "wrong")
    staff_a.refresh_from_db()
    assert staff_a.locked_at is None
    assert sign_in(client, "staff_a", "pass-1234").status_code == 302


def test_nobody_but_an_administrator_may_unlock(client, lockout, staff_a, office):
    for _ in range(3):
        sign_in(client, "staff_a", "wrong")
    with pytest.raises(NotPermitted):
        signin.unlock(user=staff_a, by=office)
    # Staff status alone opens no user list in the admin.
    office.is_staff = True
    office.save()
    other = APIClient()
    other.force_login(office)
    response = other.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_accounts", "_selected_action": [staff_a.pk]},
    )
    assert response.status_code == 403
    staff_a.refresh_from_db()
    assert staff_a.locked_at is not None
    assert not AuditEvent.objects.with_action(User, "unlock").exists()


def test_a_lock_ends_by_itself_after_the_configured_minutes(client, lockout, staff_a):
    lockout.LOGIN_LOCKOUT_MINUTES = 30
    for _ in range(3):
        sign_in(client, "staff_a", "wrong")
    staff_a.refresh_from_db()
    assert sign_in(client, "staff_a", "pass-1234").status_code == 403
    # The lock as it stands 31 minutes later.
    User.objects.filter(pk=staff_a.pk).update(
        locked_at=staff_a.locked_at - datetime.timedelta(minutes=31)
    )
    assert sign_in(client, "staff_a", "pass-1234").status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.locked_at is None


def test_the_login_history_page_shows_ones_own_attempts_only(client, lockout, staff_a, staff_b):
    sign_in(client, "staff_b", "wrong", REMOTE_ADDR="10.1.2.3")
    sign_in(client, "staff_a", "wrong", REMOTE_ADDR="192.0.2.7")
    sign_in(client, "staff_a", "pass-1234", REMOTE_ADDR="192.0.2.8")
    response = client.get(reverse("accounts:security"))
    assert response.status_code == 200
    records = list(response.context["page_obj"].object_list)
    assert [(r.ip, r.outcome) for r in records] == [
        ("192.0.2.8", "success"),
        ("192.0.2.7", "failed"),
    ]
    page = response.content.decode()
    assert "192.0.2.7" in page and "失败" in page and "成功" in page
    assert "10.1.2.3" not in page


def test_the_login_history_needs_a_sign_in(client):
    response = client.get(reverse("accounts:security"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(LOGIN))


def test_login_records_cannot_be_written_or_changed_in_the_admin(
    client, lockout, staff_a, admin_user
):
    sign_in(client, "staff_a", "wrong")
    record = LoginRecord.objects.get()
    admin = APIClient()
    admin.force_login(admin_user)
    assert admin.get(reverse("admin:accounts_loginrecord_changelist")).status_code == 200
    assert admin.get(reverse("admin:accounts_loginrecord_add")).status_code == 403
    response = admin.post(
        reverse("admin:accounts_loginrecord_change", args=[record.pk]), {"outcome": "success"}
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.outcome == "failed"


def test_the_admin_signs_in_through_the_login_page(client, admin_user, staff_a):
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(LOGIN))
    # A signed-in person without admin rights is refused, not sent round in a loop.
    client.force_login(staff_a)
    assert client.get(reverse("admin:login")).status_code == 403
