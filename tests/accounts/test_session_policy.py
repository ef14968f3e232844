"""The idle-session timeout and where each policy is switched on (issue 17 item 3; GB/T
22239-2019 8.1.4.1 b: 登录连接超时自动退出)."""

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.middleware import LAST_SEEN

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def idle_30(settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    return settings


def age_session(client, seconds):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


@pytest.mark.django_db
def test_a_session_idle_longer_than_the_timeout_is_ended(client, idle_30, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("targets:target_list")).status_code == 200
    age_session(client, 31 * 60)
    response = client.get(reverse("targets:target_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "会话已结束" in page


@pytest.mark.django_db
def test_a_session_in_use_stays(client, idle_30, staff_a):
    client.force_login(staff_a)
    age_session(client, 29 * 60)
    assert client.get(reverse("targets:target_list")).status_code == 200
    # The request moved the clock on: the session is fresh again.
    assert int(time.time()) - client.session[LAST_SEEN] < 60


@pytest.mark.django_db
def test_the_api_answers_401_for_an_idle_session(client, idle_30, staff_a):
    client.force_login(staff_a)
    age_session(client, 31 * 60)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert "会话已结束" in response.json()["detail"]


@pytest.mark.django_db
def test_without_a_timeout_an_old_session_stays(client, staff_a):
    client.force_login(staff_a)
    age_session(client, 10 * 24 * 3600)
    assert client.get(reverse("targets:target_list")).status_code == 200


SHOW = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "otp": settings.OTP_REQUIRED,
    "idle": settings.SESSION_IDLE_TIMEOUT_MINUTES,
    "lockout": settings.LOGIN_LOCKOUT_FAILURES,
    "backends": settings.AUTHENTICATION_BACKENDS,
    "ldap": getattr(settings, "AUTH_LDAP_SERVER_URI", None),
}))
"""


def settings_in_a_fresh_interpreter(tmp_path, module, **extra):
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": module,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "mubiao.example.gov.cn",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "REDIS_URL": "redis://127.0.0.1:1/0",
            **extra,
        }
    )
    result = subprocess.run(  # noqa: S603 — our own interpreter, fixed arguments
        [sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env would supply the variables")
def test_production_requires_two_factors_and_a_30_minute_timeout_the_demo_does_not(tmp_path):
    production = settings_in_a_fresh_interpreter(tmp_path, "config.settings.production")
    assert (production["otp"], production["idle"], production["lockout"]) == (True, 30, 5)
    assert production["backends"] == ["accounts.backends.LocalPasswordBackend"]
    demo = settings_in_a_fresh_interpreter(tmp_path, "config.settings.base")
    assert (demo["otp"], demo["idle"]) == (False, 0)
    tuned = settings_in_a_fresh_interpreter(
        tmp_path, "config.settings.production", SESSION_IDLE_TIMEOUT_MINUTES="15"
    )
    assert tuned["idle"] == 15


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env would supply the variables")
def test_single_sign_on_is_switched_on_by_the_environment(tmp_path):
    on = settings_in_a_fresh_interpreter(
        tmp_path,
        "config.settings.production",
        LDAP_SERVER_URI="ldap://directory.example.gov.cn",
        LDAP_USER_SEARCH_BASE="ou=people,dc=example",
        OIDC_RP_CLIENT_ID="mubiao",
    )
    assert on["backends"] == [
        "accounts.sso.oidc.IdentityPlatformBackend",
        "accounts.sso.ldap.DirectoryBackend",
        "accounts.backends.LocalPasswordBackend",
    ]
    assert on["ldap"] == "ldap://directory.example.gov.cn"


def test_half_configured_single_sign_on_is_refused_at_start_up(settings):
    from accounts.checks import single_sign_on_settings
    from accounts.sso.ldap_settings import ldap_settings

    assert single_sign_on_settings(None) == []
    settings.OIDC_RP_CLIENT_ID = "mubiao"
    settings.OIDC_OP_TOKEN_ENDPOINT = ""
    [error] = single_sign_on_settings(None)
    assert error.id == "accounts.E001"
    assert "OIDC_OP_TOKEN_ENDPOINT" in error.msg
    settings.OIDC_RP_CLIENT_ID = ""
    settings.LDAP_SERVER_URI = "ldap://directory.example.gov.cn"
    for name, value in ldap_settings(
        server_uri=settings.LDAP_SERVER_URI,
        bind_dn="",
        bind_password="",
        user_search_base="",
        user_filter="(uid=%(user)s)",
        group_search_base="",
        group_type="groupOfNames",
        start_tls=False,
    ).items():
        setattr(settings, name, value)
    assert [e.id for e in single_sign_on_settings(None)] == ["accounts.E002"]
