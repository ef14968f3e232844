from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与部门")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks, schema  # noqa: F401  (register the checks, the OpenAPI extension)

        user_logged_in.connect(_signed_in, dispatch_uid="accounts.signed_in")


def _signed_in(sender, request, user, **kwargs):
    """Every sign-in, whatever its way, is a line of the user's login history; the session
    starts its idle clock and remembers whether a second factor is due (accounts.middleware)."""
    import time

    from . import middleware, signin

    backend = getattr(user, "backend", "") or ""
    method = signin.Method.PASSWORD
    if backend.startswith("accounts.sso.ldap"):
        method = signin.Method.LDAP
    elif backend.startswith("accounts.sso.oidc"):
        method = signin.Method.OIDC
    signin.sign_in_succeeded(request, user, method=method)
    if request is not None and hasattr(request, "session"):
        request.session[middleware.LAST_SEEN] = int(time.time())
        middleware.remember_enrolment(request, user)
