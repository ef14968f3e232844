"""API authentication. Kept apart from ``accounts.api``: DRF imports authentication classes while
it loads its settings, before its views exist."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication

from . import throttle


class ThrottledBasicAuthentication(BasicAuthentication):
    """HTTP Basic for scripts, under the login page's throttle (``accounts.throttle``): after
    too many failed passwords the account and the address are refused with 429, even with the
    right password, exactly as the login page refuses them (issue 11). Missing or wrong
    credentials answer 401 with ``WWW-Authenticate: Basic realm="api"`` (this class comes
    first in ``DEFAULT_AUTHENTICATION_CLASSES``, so DRF takes its challenge)."""

    def authenticate_credentials(self, userid, password, request=None):
        if throttle.sign_in_refused(request, userid):
            raise exceptions.Throttled(detail=_("登录尝试过于频繁，请稍后再试。"))
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            throttle.sign_in_failed(request, userid)
            raise
