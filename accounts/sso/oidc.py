"""Sign-in through the city's unified identity platform (OpenID Connect, mozilla-django-oidc's
authorization-code flow with an RS256-signed ID token checked against the platform's JWKS).
People are matched by ``OIDC_USERNAME_CLAIM``; their memberships follow the
``OIDC_DEPARTMENT_CLAIM`` and ``OIDC_GROUPS_CLAIM`` claims (``accounts.sso.mapping``)."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .. import signin
from ..models import User
from . import mapping

SOURCE = User.IdentitySource.OIDC


def _list(value) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


class IdentityPlatformBackend(OIDCAuthenticationBackend):
    def _username(self, claims) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()[:150]

    def verify_token(self, token, **kwargs):
        """The library checks the signature and the nonce; an ID token issued to another
        client of the same platform (its ``aud``) must not sign anyone in here either."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token issued to another client")
        return payload

    def verify_claims(self, claims):
        return bool(self._username(claims))

    def filter_users_by_claims(self, claims):
        return User.objects.filter(username=self._username(claims))

    def describe_user_by_claims(self, claims):
        return f"username {self._username(claims)}"

    def _sync(self, user, claims):
        if signin.is_locked(user) or not mapping.may_sign_in_as(user, SOURCE):
            return None
        user.display_name = str(claims.get("name") or user.display_name)[:50]
        user.email = str(claims.get("email") or user.email)
        user.save(update_fields=["display_name", "email"])
        return mapping.sync_directory_roles(
            user,
            source=SOURCE,
            departments=_list(claims.get(settings.OIDC_DEPARTMENT_CLAIM)),
            groups=_list(claims.get(settings.OIDC_GROUPS_CLAIM)),
        )

    def create_user(self, claims):
        user = User(username=self._username(claims), identity_source=SOURCE)
        user.set_unusable_password()
        user.save()
        return self._sync(user, claims)

    def update_user(self, user, claims):
        return self._sync(user, claims)
