"""Two-factor sign-in (GB/T 22239-2019 8.1.4.1 d: 采用口令、密码技术、生物技术等两种或两种以上组合的
鉴别技术): a TOTP app (django-otp's ``TOTPDevice``, enrolled by scanning a QR code) and ten one-time
recovery codes (a ``StaticDevice``) for a lost phone.

Required for the roles of ``OTP_REQUIRED_ROLES`` (the general office, supervision, administrators,
auditors) and for superusers while ``OTP_REQUIRED`` is on — production settings — and optional for
everyone otherwise. Enrolment, new recovery codes and an administrator's reset are audit events;
a wrong code counts against the account's lockout like a wrong password (``accounts.signin``).
"""

import base64

import segno
from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record
from workflow.errors import NotPermitted, ValidationFailed

from . import signin
from .access import access_for
from .models import User

TOTP_NAME = "totp"
RECOVERY_NAME = "recovery"


def required_for(user: User) -> bool:
    """Whether policy requires ``user`` to sign in with a second factor."""
    if not settings.OTP_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(access_for(user).roles & set(settings.OTP_REQUIRED_ROLES))


def enrolled(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (one per user; a new secret each enrolment)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=TOTP_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed in (base32, as in the QR code)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG (no script, no external image)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5)


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def confirm_enrolment(request, *, user: User, token: str) -> list[str]:
    """Checks the first code from the app, confirms the device, marks this session as verified
    and returns the new recovery codes (shown once)."""
    user = signin.real_user(user)
    token = (token or "").strip().replace(" ", "")
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=TOTP_NAME).first()
    if device is None:
        raise ValidationFailed(_("请先扫描二维码。"))
    if not token.isdigit() or not device.verify_token(token):
        raise ValidationFailed(
            _("动态口令不正确。"), field_errors={"token": [_("动态口令不正确，请重试。")]}
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit_record(actor=user, obj=user, action="otp_enrol")
    _login_device(request, device)
    return codes


def regenerate_recovery_codes(*, user: User) -> list[str]:
    user = signin.real_user(user)
    if not enrolled(user):
        raise ValidationFailed(_("请先启用双因素认证。"))
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(actor=user, obj=user, action="otp_recovery_codes")
    return codes


def _login_device(request, device) -> None:
    from django_otp import login as otp_login

    otp_login(request, device)


def verify(request, *, user: User, token: str) -> None:
    """The second step of signing in: a code from the app or a recovery code."""
    if signin.is_locked(user):
        signin.sign_in_refused_locked(request, user, method=signin.Method.OTP)
        raise NotPermitted(_("账号已锁定，请联系系统管理员解锁。"))
    token = (token or "").strip().replace(" ", "")
    device = match_token(user, token) if token else None
    if device is None:
        signin.sign_in_failed(request, user, method=signin.Method.OTP)
        if signin.is_locked(User.objects.get(pk=user.pk)):
            # The lock ends the half-open session at once (结束会话).
            logout(request)
            raise NotPermitted(_("账号已锁定，请联系系统管理员解锁。"))
        raise ValidationFailed(
            _("动态口令不正确。"), field_errors={"token": [_("动态口令或恢复码不正确。")]}
        )
    _login_device(request, device)
    signin.record(request, user, method=signin.Method.OTP, outcome=signin.Outcome.SUCCESS)


def reset(*, user: User, by: User) -> None:
    """An administrator removes a person's second factor (a lost phone); they enrol again."""
    if not signin.can_unlock(by):
        raise NotPermitted(_("只有系统管理员可以重置双因素认证。"))
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        audit_record(actor=by, obj=user, action="otp_reset")


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(
        device__user=user, device__name=RECOVERY_NAME, device__confirmed=True
    ).count()
