"""Sign-in records and the account lockout (GB/T 22239-2019 8.1.4.1 b 登录失败处理: 限制非法登录
次数 and 结束会话), for every way of signing in: the login page, the admin (which sends its login
to that page), the API's HTTP Basic authentication, the directory (LDAP) and the second factor.

Each attempt on an existing account is one ``LoginRecord`` — the user's login history. After
``LOGIN_LOCKOUT_FAILURES`` failures in a row the account is locked: refused even with the right
password, until ``LOGIN_LOCKOUT_MINUTES`` pass (0: never by itself) or an administrator unlocks it
in the admin. Locking and unlocking are audit events (``accounts.user.lock`` / ``unlock``). The
per-address and per-name throttle of ``accounts.throttle`` still applies on top, and alone covers
names that match no account.
"""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from workflow.errors import NotPermitted

from .models import LoginRecord, User

Method = LoginRecord.Method
Outcome = LoginRecord.Outcome


def client_ip(request) -> str | None:
    request = getattr(request, "_request", request)
    address = (request.META.get("REMOTE_ADDR", "") if request is not None else "") or ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _user_agent(request) -> str:
    request = getattr(request, "_request", request)
    if request is None:
        return ""
    return (request.META.get("HTTP_USER_AGENT", "") or "")[:200]


def real_user(user) -> User:
    """The model instance behind ``request.user`` (a lazy wrapper the audit trail cannot name)."""
    return user if type(user) is User else User.objects.get(pk=user.pk)


def find_account(username: str) -> User | None:
    username = str(username or "").strip()
    if not username:
        return None
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first()


def lock_expired(user: User, now=None) -> bool:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    if user.locked_at is None:
        return True
    if minutes <= 0:
        return False
    return (now or timezone.now()) >= user.locked_at + timedelta(minutes=minutes)


def is_locked(user: User | None) -> bool:
    return user is not None and user.locked_at is not None and not lock_expired(user)


def username_locked(username: str) -> bool:
    """Whether the account named ``username`` is locked now (one query; False for no account)."""
    if settings.LOGIN_LOCKOUT_FAILURES <= 0:
        return False
    return is_locked(find_account(username))


def record(request, user: User, *, method: str, outcome: str) -> LoginRecord:
    return LoginRecord.objects.create(
        user=user,
        ip=client_ip(request),
        user_agent=_user_agent(request),
        method=method,
        outcome=outcome,
    )


def _failures_in_a_row(user: User) -> int:
    """Failures since the last success or the last lock: the attempt that locked an account is
    recorded as ``LOCKED``, so after an unlock (or the lock's expiry) counting starts again."""
    last_break = (
        LoginRecord.objects.filter(user=user)
        .exclude(outcome=Outcome.FAILED)
        .values_list("pk", flat=True)
        .order_by("-pk")
        .first()
    )
    qs = LoginRecord.objects.filter(user=user, outcome=Outcome.FAILED)
    if last_break is not None:
        qs = qs.filter(pk__gt=last_break)
    return qs.count()


def sign_in_failed(request, user: User | None, *, method: str = Method.PASSWORD) -> None:
    """One failed attempt on ``user``'s account (nothing for a name that matches no account);
    locks the account at the threshold."""
    if user is None:
        return
    threshold = settings.LOGIN_LOCKOUT_FAILURES
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if is_locked(user):
            record(request, user, method=method, outcome=Outcome.LOCKED)
            return
        if threshold <= 0 or _failures_in_a_row(user) + 1 < threshold:
            record(request, user, method=method, outcome=Outcome.FAILED)
        else:
            record(request, user, method=method, outcome=Outcome.LOCKED)
            user.locked_at = timezone.now()
            user.save(update_fields=["locked_at"])
            audit_record(
                actor=None,
                obj=user,
                action="lock",
                changes={"locked_at": [None, user.locked_at.isoformat()]},
                comment=_("连续%(n)s次登录失败，账号已锁定。") % {"n": threshold},
            )


def sign_in_refused_locked(request, user: User, *, method: str = Method.PASSWORD) -> None:
    """A locked account tried to sign in (with any password): recorded, nothing counted."""
    record(request, user, method=method, outcome=Outcome.LOCKED)


def sign_in_succeeded(request, user: User, *, method: str = Method.PASSWORD) -> None:
    record(request, user, method=method, outcome=Outcome.SUCCESS)
    if user.locked_at is not None:
        # An expired lock is cleared by the next successful sign-in.
        User.objects.filter(pk=user.pk).update(locked_at=None)
        user.locked_at = None


def can_unlock(by: User) -> bool:
    return by.is_active and (by.is_superuser or by.has_perm("accounts.change_user"))


def unlock(*, user: User, by: User) -> User:
    """An administrator unlocks an account; the failures before it no longer count."""
    if not can_unlock(by):
        raise NotPermitted(_("只有系统管理员可以解锁账号。"))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.locked_at is None:
            return user
        before = user.locked_at
        # The failures before the lock stop counting: the locking attempt is a LOCKED record.
        user.locked_at = None
        user.save(update_fields=["locked_at"])
        audit_record(
            actor=by,
            obj=user,
            action="unlock",
            changes={"locked_at": [before.isoformat(), None]},
        )
    return user


def history_for(user: User):
    """The sign-in history a user reads about themselves (newest first)."""
    return LoginRecord.objects.filter(user=user)
