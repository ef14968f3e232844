"""The sign-in policy on every page, the admin and the session-authenticated API (issue 17;
GB/T 22239-2019 8.1.4.1 身份鉴别), in this order:

1. an idle session ends after ``SESSION_IDLE_TIMEOUT_MINUTES`` (b: 登录连接超时自动退出);
2. an account with a second factor signs in with it before anything else (d: 两种鉴别技术);
3. a first (administrator-set) password is replaced before anything else (a);
4. where policy requires a second factor and none is enrolled, enrolment comes first.

Whether a person has a second factor is kept in the session at sign-in (``accounts.apps``), so
an ordinary page costs no query for this policy.
"""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import twofactor

LAST_SEEN = "mubiao_last_seen"
ENROLLED = "mubiao_otp_enrolled"
# The last-seen time is written at most this often, not on every request.
LAST_SEEN_RESOLUTION_SECONDS = 60

# Pages a person may open before meeting the policy: signing in and out, the policy's own pages,
# the language switch and the public portal.
EXEMPT_VIEWS = {
    "accounts:login",
    "accounts:logout",
    "accounts:password_change",
    "accounts:otp_verify",
    "accounts:otp_enrol",
    "accounts:oidc_authenticate",
    "accounts:oidc_callback",
    "admin:logout",
    "set_language",
    "healthz",
}
EXEMPT_NAMESPACES = {"portal"}


def remember_enrolment(request, user) -> None:
    request.session[ENROLLED] = twofactor.enrolled(user)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _refuse(request, url_name: str, message: str):
    if _is_api(request):
        return JsonResponse({"detail": message}, status=403)
    if request.method == "GET":
        return redirect(f"{reverse(url_name)}?next={quote(request.get_full_path())}")
    messages.warning(request, message)
    return redirect(url_name)


class IdentityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        timeout = settings.SESSION_IDLE_TIMEOUT_MINUTES
        if timeout > 0:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > timeout * 60:
                logout(request)
                message = _("您已%(n)s分钟未操作，会话已结束，请重新登录。") % {"n": timeout}
                if _is_api(request):
                    return JsonResponse({"detail": message}, status=401)
                messages.info(request, message)
                return redirect(f"{reverse('accounts:login')}?next={quote(request.path)}")
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN] = now

        match = request.resolver_match
        if match is not None and (
            match.view_name in EXEMPT_VIEWS or set(match.namespaces) & EXEMPT_NAMESPACES
        ):
            return None

        if ENROLLED not in request.session:
            remember_enrolment(request, user)
        enrolled = request.session[ENROLLED]
        if enrolled and not user.is_verified():
            return _refuse(request, "accounts:otp_verify", _("请输入动态口令完成登录。"))
        if user.must_change_password:
            return _refuse(request, "accounts:password_change", _("请先修改管理员设置的初始密码。"))
        if not enrolled and twofactor.required_for(user):
            return _refuse(
                request, "accounts:otp_enrol", _("您的岗位须启用双因素认证（动态口令）。")
            )
        return None
