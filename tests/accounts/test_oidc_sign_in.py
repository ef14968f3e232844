"""Signing in through the city's unified identity platform with OpenID Connect (issue 17 item 1):
mozilla-django-oidc's authorization-code flow against a small provider running in this process
on a free port — discovery, JWKS, token and user-information endpoints, RS256-signed ID tokens
with a real RSA key. Nothing of ours is replaced: the test plays the person's browser."""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from accounts.access import access_for
from accounts.models import LoginRecord, Membership, User
from audit.models import AuditEvent
from tests.deploy.processes import free_port

pytestmark = pytest.mark.django_db

CLIENT_ID = "mubiao"
CLIENT_SECRET = "client-secret-for-tests"  # noqa: S105
Role = Membership.Role


class Provider:
    """The identity platform: codes are issued by ``authorize`` (the person signing in on the
    platform's own page), exchanged at ``/token`` for a signed ID token."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "key-1"
        self.port = free_port()
        self.codes = {}
        self.tokens = {}
        self.signing_key = self.key
        self.audience = CLIENT_ID
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urlparse(self.path).path
                if path == "/.well-known/openid-configuration":
                    return self._json(200, provider.discovery)
                if path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self._json(200, {"keys": [{**jwk, "kid": provider.kid, "alg": "RS256"}]})
                if path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider.tokens.get(token)
                    return self._json(200, claims) if claims else self._json(401, {})
                return self._json(404, {})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path != "/token":
                    return self._json(404, {})
                if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                    return self._json(401, {"error": "invalid_client"})
                grant = provider.codes.pop(form.get("code"), None)
                if grant is None:
                    return self._json(400, {"error": "invalid_grant"})
                claims, nonce = grant
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        "iss": provider.url,
                        "aud": provider.audience,
                        "sub": claims["sub"],
                        "iat": now,
                        "exp": now + 300,
                        "nonce": nonce,
                    },
                    provider.signing_key,
                    algorithm="RS256",
                    headers={"kid": provider.kid},
                )
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = claims
                return self._json(
                    200, {"id_token": id_token, "access_token": access, "token_type": "Bearer"}
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def discovery(self):
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def authorize(self, redirect_url, claims):
        """The person signs in on the platform: a code for the state and nonce it was sent."""
        query = {k: v[0] for k, v in parse_qs(urlparse(redirect_url).query).items()}
        assert query["client_id"] == CLIENT_ID
        assert query["response_type"] == "code"
        code = secrets.token_urlsafe(16)
        self.codes[code] = (claims, query["nonce"])
        return code, query["state"]


@pytest.fixture(scope="module")
def provider():
    p = Provider()
    p.thread.start()
    yield p
    p.server.shutdown()
    p.server.server_close()


@pytest.fixture
def oidc_on(settings, provider):
    import requests

    discovery = requests.get(f"{provider.url}/.well-known/openid-configuration", timeout=10).json()
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.AUTHENTICATION_BACKENDS = [
        "accounts.sso.oidc.IdentityPlatformBackend",
        "accounts.backends.LocalPasswordBackend",
    ]
    provider.signing_key = provider.key
    provider.audience = CLIENT_ID
    return settings


def claims(username, *, department="fgw", groups=("mubiao-staff",), name="孙七"):
    return {
        "sub": f"sub-{username}",
        "preferred_username": username,
        "name": name,
        "email": f"{username}@city.gov.cn",
        "department": department,
        "groups": list(groups),
    }


def sign_in(client, provider, person):
    start = client.get(reverse("accounts:oidc_authenticate"))
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.url}/authorize?")
    code, state = provider.authorize(start["Location"], person)
    return client.get(reverse("accounts:oidc_callback"), {"code": code, "state": state})


def test_the_login_page_offers_the_platform_only_when_it_is_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "统一身份认证登录" not in client.get(reverse("accounts:login")).content.decode()
    assert client.get(reverse("accounts:oidc_authenticate")).status_code == 404
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    assert "统一身份认证登录" in client.get(reverse("accounts:login")).content.decode()


def test_a_platform_person_signs_in_with_the_role_of_their_group(client, oidc_on, provider, dept_a):
    response = sign_in(client, provider, claims("sunqi"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(username="sunqi")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.identity_source == User.IdentitySource.OIDC
    assert (user.display_name, user.email) == ("孙七", "sunqi@city.gov.cn")
    assert not user.has_usable_password()
    assert access_for(user).departments_with(Role.STAFF) == {dept_a.pk}
    assert AuditEvent.objects.with_action(User, "directory_sync").for_object(user).exists()
    assert LoginRecord.objects.get(user=user).method == "oidc"


def test_unknown_department_or_groups_give_no_role(client, oidc_on, provider, dept_a):
    assert sign_in(client, provider, claims("p1", department="外省某局")).status_code == 302
    assert sign_in(client, provider, claims("p2", groups=["everyone"])).status_code == 302
    for username in ("p1", "p2"):
        user = User.objects.get(username=username)
        assert access_for(user).roles == frozenset()


def test_a_token_signed_with_another_key_signs_nobody_in(client, oidc_on, provider, dept_a):
    provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = sign_in(client, provider, claims("mallory"))
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="mallory").exists()


def test_a_token_issued_to_another_client_signs_nobody_in(client, oidc_on, provider, dept_a):
    provider.audience = "some-other-system"
    response = sign_in(client, provider, claims("eve"))
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="eve").exists()


def test_a_forged_state_signs_nobody_in(client, oidc_on, provider, dept_a):
    start = client.get(reverse("accounts:oidc_authenticate"))
    code, _state = provider.authorize(start["Location"], claims("trudy"))
    response = client.get(reverse("accounts:oidc_callback"), {"code": code, "state": "forged"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="trudy").exists()


def test_the_platform_cannot_take_over_a_local_account(client, oidc_on, provider, dept_a):
    local = User.objects.create_user("admin", password="Local-Admin-7!", is_superuser=True)
    response = sign_in(client, provider, claims("admin", groups=["mubiao-admin"]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?sso=failed"
    assert "统一身份认证登录未成功" in client.get(response["Location"]).content.decode()
    assert "_auth_user_id" not in client.session
    local.refresh_from_db()
    assert local.identity_source == User.IdentitySource.LOCAL
    assert not Membership.objects.filter(user=local).exists()
