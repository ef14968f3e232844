"""Start-up checks of the single sign-on settings: a half-configured directory or identity
platform is refused when the server starts, not when the first person tries to sign in."""

from django.conf import settings
from django.core.checks import Error, register

OIDC_ENDPOINTS = (
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


@register()
def single_sign_on_settings(app_configs, **kwargs):
    errors = []
    if settings.OIDC_RP_CLIENT_ID:
        missing = [name for name in OIDC_ENDPOINTS if not getattr(settings, name, "")]
        if missing:
            errors.append(
                Error(
                    f"OIDC_RP_CLIENT_ID is set but {', '.join(missing)} is not.",
                    hint="Copy the endpoints from the platform's /.well-known/openid-configuration.",
                    id="accounts.E001",
                )
            )
    search = getattr(settings, "AUTH_LDAP_USER_SEARCH", None)
    if getattr(settings, "LDAP_SERVER_URI", "") and not getattr(search, "base_dn", ""):
        errors.append(
            Error(
                "LDAP_SERVER_URI is set but LDAP_USER_SEARCH_BASE is not.",
                hint="e.g. LDAP_USER_SEARCH_BASE=ou=people,dc=example,dc=gov,dc=cn",
                id="accounts.E002",
            )
        )
    return errors
