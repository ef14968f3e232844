"""API tokens for other systems (issue 17 item 4; GB/T 22239-2019 §8.1.4.1 身份鉴别,
§8.1.4.2 访问控制 — least privilege by scope, §8.1.4.3 安全审计): hashed, scoped, expiring,
created and revoked by their owner or an administrator, every use recorded."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.hashers import get_hashers
from django.urls import reverse
from django.utils import timezone
from rest_framework.authentication import SessionAuthentication
from rest_framework.test import APIClient

from accounts import tokens
from accounts.api import MeView
from accounts.authentication import ApiTokenAuthentication
from accounts.models import ApiToken
from audit.models import AuditEvent
from tests.accounts.test_api_authentication import basic

pytestmark = pytest.mark.django_db

PAGE = "/accounts/tokens/"


def bearer(key) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def new_token(user, scope=ApiToken.Scope.READ, days=30, by=None):
    return tokens.api_token_create(
        user=user, name="12345热线", scope=scope, days=days, by=by or user
    )


def test_a_user_creates_a_token_on_the_settings_page_and_sees_its_key_once(client, staff_a):
    client.force_login(staff_a)
    response = client.post(PAGE, {"name": "数据平台", "scope": "read", "days": "90"})
    assert response.status_code == 200
    key = response.context["key"]
    assert key.startswith("mbt_") and key in response.content.decode()
    token = ApiToken.objects.get(user=staff_a)
    # Only the digest is kept: the key cannot be read back from the database.
    assert token.digest == tokens.key_digest(key) and key not in token.digest
    assert key not in client.get(PAGE).content.decode()
    assert 89 <= (token.expires_at - timezone.now()).days <= 90
    event = AuditEvent.objects.get(action="accounts.apitoken.create")
    assert event.actor == staff_a and event.changes["scope"] == [None, "read"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "", "scope": "read", "days": "30"}, "name"),
        ({"name": "x", "scope": "admin", "days": "30"}, "scope"),
        ({"name": "x", "scope": "read", "days": "0"}, "days"),
        ({"name": "x", "scope": "read", "days": "366"}, "days"),
        ({"name": "x", "scope": "read", "days": "abc"}, "days"),
    ],
)
def test_bad_input_creates_no_token(client, staff_a, data, field):
    client.force_login(staff_a)
    response = client.post(PAGE, data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="accounts.apitoken.create").exists()


def test_the_service_refuses_a_validity_beyond_the_setting(staff_a, settings):
    from workflow.errors import ValidationFailed

    settings.API_TOKEN_MAX_DAYS = 30
    with pytest.raises(ValidationFailed) as refused:
        new_token(staff_a, days=31)
    assert "1至30天" in refused.value.field_errors["days"][0]


def test_only_a_superuser_creates_a_token_for_someone_else(staff_a, staff_b):
    from workflow.errors import NotPermitted

    with pytest.raises(NotPermitted):
        new_token(staff_a, by=staff_b)
    assert not ApiToken.objects.exists()


def test_an_api_list_request_with_a_token_costs_no_password_hashing(staff_a):
    """The measure of issue 17 item 4: HTTP Basic ran the password hasher on every request
    (PBKDF2, ~1 s in production); a token is one SHA-256 and one indexed query."""
    _token, key = new_token(staff_a)
    hasher = type(get_hashers()[0])
    client = APIClient()
    with mock.patch.object(hasher, "verify", autospec=True, return_value=True) as verify:
        response = client.get("/api/v1/departments/", **bearer(key))
        assert response.status_code == 200
        assert verify.call_count == 0
        # The same request with Basic does hash the password: the patch does see it.
        client.get("/api/v1/departments/", **basic("staff_a", "pass-1234"))
        assert verify.call_count == 1


def test_the_token_reads_as_its_user_and_records_its_use_once_a_day(staff_a):
    token, key = new_token(staff_a)
    client = APIClient()
    for _ in range(3):
        response = client.get("/api/v1/me/", **bearer(key), REMOTE_ADDR="10.1.2.3")
        assert response.json()["username"] == "staff_a"
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_ip == "10.1.2.3"
    assert token.last_used_on == timezone.localdate()
    uses = AuditEvent.objects.filter(action="accounts.apitoken.use")
    assert uses.count() == 1
    assert uses.get().actor == staff_a and uses.get().comment.startswith("GET /api/v1/me/")


def test_the_next_days_first_use_is_recorded_again(staff_a):
    token, key = new_token(staff_a)
    client = APIClient()
    client.get("/api/v1/me/", **bearer(key))
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_on=timezone.localdate() - timedelta(days=1),
        last_used_at=timezone.now() - timedelta(days=1),
    )
    client.get("/api/v1/me/", **bearer(key))
    assert AuditEvent.objects.filter(action="accounts.apitoken.use").count() == 2


def test_a_read_only_token_cannot_write(staff_a):
    _token, key = new_token(staff_a, scope=ApiToken.Scope.READ)
    response = APIClient().post("/api/v1/notifications/read-all/", **bearer(key))
    assert response.status_code == 403
    assert response.json()["detail"] == "只读令牌不能修改数据。"


def test_a_read_write_token_writes_with_its_users_rights(staff_a):
    _token, key = new_token(staff_a, scope=ApiToken.Scope.WRITE)
    response = APIClient().post("/api/v1/notifications/read-all/", **bearer(key))
    assert response.status_code in (200, 204)


def test_a_token_does_not_widen_its_users_rights(staff_a, draft):
    """A token carries its user's roles, no more: only the head of the lead department submits
    (Shanghai Art. 10), so the staff member's read-write token cannot."""
    _token, key = new_token(staff_a, scope=ApiToken.Scope.WRITE)
    url = f"/api/v1/targets/{draft.pk}/submit/"
    response = APIClient().post(url, {}, format="json", **bearer(key))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == "draft"


@pytest.mark.parametrize("state", ["expired", "revoked", "inactive user", "unknown", "malformed"])
def test_an_unusable_token_is_refused_with_401(staff_a, state):
    token, key = new_token(staff_a)
    if state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif state == "revoked":
        tokens.api_token_revoke(token=token, by=staff_a)
    elif state == "inactive user":
        staff_a.is_active = False
        staff_a.save(update_fields=["is_active"])
    elif state == "unknown":
        key = key[:-4] + "AAAA"
    else:
        key = "mbt_ x"
    response = APIClient().get("/api/v1/me/", **bearer(key))
    assert response.status_code == 401
    assert not AuditEvent.objects.filter(action="accounts.apitoken.use").exists()


def test_without_basic_the_challenge_names_bearer(staff_a, monkeypatch):
    """Production turns HTTP Basic off (``API_BASIC_AUTH``, checked in
    tests/deploy/test_settings.py): the API then challenges for a token."""
    monkeypatch.setattr(
        MeView, "authentication_classes", [ApiTokenAuthentication, SessionAuthentication]
    )
    response = APIClient().get("/api/v1/me/", **basic("staff_a", "pass-1234"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_owner_revokes_a_token_on_the_page(client, staff_a):
    token, key = new_token(staff_a)
    client.force_login(staff_a)
    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == staff_a
    assert AuditEvent.objects.filter(action="accounts.apitoken.revoke").count() == 1
    assert APIClient().get("/api/v1/me/", **bearer(key)).status_code == 401
    # Revoking again changes nothing and says so.
    again = client.post(reverse("accounts:api_token_revoke", args=[token.pk]), follow=True)
    assert "该令牌已撤销" in again.content.decode()
    assert AuditEvent.objects.filter(action="accounts.apitoken.revoke").count() == 1


def test_nobody_else_sees_or_revokes_a_users_token(client, staff_a, staff_b):
    token, _key = new_token(staff_a)
    client.force_login(staff_b)
    assert token.prefix not in client.get(PAGE).content.decode()
    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_settings_page_needs_a_login(client):
    assert client.get(PAGE).status_code == 302


def test_an_administrator_creates_an_integrations_token_and_revokes_it_in_the_admin(
    client, staff_a
):
    from accounts.models import User

    admin_user = User.objects.create_superuser("root", "root@example.org", "pass-1234")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_apitoken_add"),
        {"user": staff_a.pk, "name": "数据平台", "scope": "write", "days": "30"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=staff_a)
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.split("：", 1)[1] for m in shown if "mbt_" in m)
    assert tokens.key_digest(key) == token.digest and token.created_by == admin_user
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == admin_user
    assert AuditEvent.objects.filter(action="accounts.apitoken.revoke", actor=admin_user).exists()


def test_the_account_security_page_links_to_the_tokens(client, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("accounts:security")).content.decode()
    assert reverse("accounts:api_tokens") in page
    assert reverse("accounts:audit_chain") not in page
