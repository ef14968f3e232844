"""API authentication. Kept apart from ``accounts.api``: DRF imports authentication classes while
it loads its settings, before its views exist."""

import ipaddress

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    BasicAuthentication,
    get_authorization_header,
)
from rest_framework.permissions import SAFE_METHODS

from . import throttle, tokens
from .models import ApiToken


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


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <key>`` (or ``Token <key>``) with an API token
    (``accounts.tokens``): one indexed lookup of the key's SHA-256 digest, no password hashing.
    A read-only token may only read (GET, HEAD, OPTIONS): anything else answers 403 whatever
    the user's roles would allow."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("API 令牌格式不正确。"))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("API 令牌格式不正确。")) from None
        token = tokens.api_token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("API 令牌无效、已过期或已撤销。"))
        if token.scope == ApiToken.Scope.READ and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(_("只读令牌不能修改数据。"))
        tokens.api_token_used(
            token=token,
            address=_address(request),
            method=request.method,
            path=request.path,
        )
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def _address(request) -> str | None:
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
