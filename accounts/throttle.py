"""The one rule against password guessing, for every way of signing in: the login page and the
API's HTTP Basic authentication (issue 11).

An account, or an address, that has failed to sign in ``LOGIN_RATE_PER_USERNAME`` /
``LOGIN_RATE_PER_IP`` times within the window is refused — even with the right password, so
guessing never pays off — until the window passes. Only failures count: a script that signs
every API request with the right password is never slowed down by its own success.

Failures are rows of ``SignInFailure`` in the database, not counters in the cache: the web
process cannot run without its database anyway, so the lockout holds exactly as long as signing
in works at all — a Redis outage neither locks everybody out nor opens the door to guessing
(issue 18 item 1). The window slides: a failure counts for one period after it happened.
Rates are read per request, so they can be tuned from the environment.

Two guesses that arrive at the same instant may both be judged before either is recorded, so
a burst of parallel guesses can get a handful more than the limit; a burst never gets a second
window's worth.
"""

import hashlib
import ipaddress
import re
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from . import signin
from .models import SignInFailure

# Shared by the login page and the API, so failures in one count against the other.
ACCOUNT_GROUP = "mubiao.sign-in.account"
ADDRESS_GROUP = "mubiao.sign-in.address"

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


def parse_rate(rate: str) -> tuple[int, timedelta]:
    """``"10/m"`` → (10, one minute); ``"100/5m"`` → (100, five minutes), as django-ratelimit
    and DRF spell rates."""
    match = _RATE.match(str(rate))
    if not match:
        raise ValueError(f"not a rate: {rate!r} (expected e.g. '10/m', '3/h', '100/5m')")
    count, multiple, unit = match.groups()
    return int(count), timedelta(seconds=int(multiple or 1) * _UNITS[unit])


def _address(request) -> str:
    address = request.META.get("REMOTE_ADDR", "") or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        # One household or host usually holds a whole /64.
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def _digest(group: str, value: str) -> str:
    return hashlib.sha256(f"{group}\x00{value}".encode()).hexdigest()


def _limits(request, username: str) -> list[tuple[str, int, timedelta]]:
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    account = str(username or "").strip()
    limits = []
    for group, value, rate in (
        (ACCOUNT_GROUP, account, settings.LOGIN_RATE_PER_USERNAME),
        (ADDRESS_GROUP, _address(request), settings.LOGIN_RATE_PER_IP),
    ):
        limit, period = parse_rate(rate)
        limits.append((_digest(group, value), limit, period))
    return limits


def _enabled() -> bool:
    return getattr(settings, "RATELIMIT_ENABLE", True)


def sign_in_refused(request, username: str) -> bool:
    """Whether a sign-in as ``username`` from this request's address must be refused now,
    before the password is even looked at: the account is locked (``accounts.signin``, one
    query), or the name or the address is throttled (one query)."""
    if signin.username_locked(username):
        return True
    if not _enabled():
        return False
    now = timezone.now()
    limits = _limits(request, username)
    counts = SignInFailure.objects.aggregate(
        **{
            f"c{i}": Count("pk", filter=Q(key=key, at__gt=now - period))
            for i, (key, _limit, period) in enumerate(limits)
        }
    )
    return any(counts[f"c{i}"] >= limit for i, (_key, limit, _period) in enumerate(limits))


def sign_in_failed(request, username: str) -> None:
    """Count one failed sign-in against the account and the address, and forget failures too
    old to count under either rate; an existing account's failure is also a ``LoginRecord``
    counted by the lockout (``accounts.signin``)."""
    # DRF's Request wraps Django's: the API's HTTP Basic authentication.
    method = signin.Method.API if hasattr(request, "_request") else signin.Method.PASSWORD
    signin.sign_in_failed(request, signin.find_account(username), method=method)
    if not _enabled():
        return
    now = timezone.now()
    limits = _limits(request, username)
    SignInFailure.objects.bulk_create([SignInFailure(key=key, at=now) for key, _l, _p in limits])
    oldest_that_counts = now - max(period for _key, _limit, period in limits)
    SignInFailure.objects.filter(at__lte=oldest_that_counts).delete()
