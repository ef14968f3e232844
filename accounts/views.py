"""Signing in and the account's own security pages (issue 17; GB/T 22239-2019 8.1.4.1 身份鉴别):
the login page, the second factor's verification and enrolment, the password change, the
login history, and single sign-on through the identity platform. Rules live in
``accounts.signin``, ``accounts.twofactor`` and ``accounts.passwords``; these views only call them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_record
from workflow.errors import NotPermitted
from workflow.pages import form_errors, paginate

from . import signin, throttle, twofactor
from .forms import TokenForm
from .middleware import remember_enrolment


def _oidc_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


class LoginView(auth_views.LoginView):
    """The login page, under the password-guessing throttle of ``accounts.throttle`` (the same
    rule the API's HTTP Basic authentication obeys) and the lockout of ``accounts.signin``."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": _oidc_enabled()}

    def _refuse(self, request, message, status):
        # An unbound form: a refused request must not reach authentication at all.
        form = self.get_form_class()(
            request=request, initial={"username": request.POST.get("username", "")}
        )
        form.cleaned_data = {}
        form.add_error(None, message)
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        account = signin.find_account(username)
        if settings.LOGIN_LOCKOUT_FAILURES > 0 and signin.is_locked(account):
            signin.sign_in_refused_locked(request, account)
            return self._refuse(
                request, _("账号已锁定，请联系系统管理员解锁或稍后再试。"), status=403
            )
        if throttle.sign_in_refused(request, username):
            return self._refuse(request, _("登录尝试过于频繁，请稍后再试。"), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.sign_in_failed(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)


def _next_url(request, default="home"):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


@login_required
def otp_verify(request):
    """The second step of signing in for an account with a second factor."""
    user = request.user
    if not twofactor.enrolled(user):
        remember_enrolment(request, user)
        return redirect(_next_url(request))
    if user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            twofactor.verify(request, user=user, token=form.cleaned_data["token"])
        if not outcome.failed:
            return redirect(_next_url(request))
        status = outcome.status
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


@login_required
def otp_enrol(request):
    """Enrolment: scan the QR code with a TOTP app, type its first code, keep the recovery
    codes shown once."""
    user = request.user
    if twofactor.enrolled(user) and not user.is_verified():
        return redirect("accounts:otp_verify")
    device = twofactor.pending_device(user)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            codes = twofactor.confirm_enrolment(
                request, user=user, token=form.cleaned_data["token"]
            )
        if not outcome.failed:
            remember_enrolment(request, user)
            messages.success(request, _("双因素认证已启用。"))
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        status = outcome.status
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr": twofactor.qr_svg(device),
            "secret": twofactor.secret_text(device),
            "already": twofactor.enrolled(user),
        },
        status=status,
    )


@login_required
@require_POST
def otp_recovery_codes(request):
    codes = twofactor.regenerate_recovery_codes(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@login_required
def security(request):
    """The account's own security page: sign-in method, second factor, the login history."""
    user = request.user
    page, query = paginate(request, signin.history_for(user), per_page=20)
    return render(
        request,
        "accounts/security.html",
        {
            "page_obj": page,
            "query": query,
            "enrolled": twofactor.enrolled(user),
            "otp_required": twofactor.required_for(user),
            "recovery_left": twofactor.recovery_codes_left(user),
            "local": user.identity_source == user.IdentitySource.LOCAL,
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's own password under the validators of ``accounts.passwords``; a first
    password set by an administrator must be changed here before anything else."""

    template_name = "accounts/password_change.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.identity_source != user.IdentitySource.LOCAL:
            raise NotPermitted(_("您的密码由统一身份认证平台管理，请在该平台修改。"))
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return _next_url(self.request, default="accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = signin.real_user(form.user)
        was_forced = user.must_change_password
        if was_forced:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit_record(
            actor=user,
            obj=user,
            action="password_change",
            changes={"must_change_password": [True, False]} if was_forced else {},
        )
        messages.success(self.request, _("密码已修改。"))
        return response


def _oidc_view(view_class):
    view = view_class.as_view()

    def wrapped(request, *args, **kwargs):
        if not _oidc_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def oidc_authenticate(request):
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    return _oidc_view(OIDCAuthenticationRequestView)(request)


def oidc_callback(request):
    from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

    return _oidc_view(OIDCAuthenticationCallbackView)(request)
