"""The one rule against password guessing, for every way of signing in: the login page and the
API's HTTP Basic authentication (issue 11).

An account, or an address, that has failed to sign in ``LOGIN_RATE_PER_USERNAME`` /
``LOGIN_RATE_PER_IP`` times within the window is refused — even with the right password, so
guessing never pays off — until the window passes. Only failures count: a script that signs
every API request with the right password is never slowed down by its own success.

Counts live in the cache (Redis in production, shared by every web process), through
django-ratelimit; rates are read per request so they can be tuned from the environment.
"""

from django.conf import settings
from django_ratelimit.core import get_usage

# Shared by the login page and the API, so failures in one count against the other.
ACCOUNT_GROUP = "mubiao.sign-in.account"
ADDRESS_GROUP = "mubiao.sign-in.address"


def _limits(username: str):
    account = str(username or "").strip()
    return [
        (ACCOUNT_GROUP, lambda group, request: account, settings.LOGIN_RATE_PER_USERNAME),
        (ADDRESS_GROUP, "ip", settings.LOGIN_RATE_PER_IP),
    ]


def _django_request(request):
    # DRF's Request wraps Django's; django-ratelimit reads META from the latter.
    return getattr(request, "_request", request)


def sign_in_refused(request, username: str) -> bool:
    """Whether a sign-in as ``username`` from this request's address must be refused now,
    before the password is even looked at."""
    request = _django_request(request)
    for group, key, rate in _limits(username):
        usage = get_usage(request, group=group, key=key, rate=rate, increment=False)
        # A failing cache reports limit 0: refuse rather than let guessing through.
        if usage is not None and usage["count"] >= usage["limit"]:
            return True
    return False


def sign_in_failed(request, username: str) -> None:
    """Count one failed sign-in against the account and the address."""
    request = _django_request(request)
    for group, key, rate in _limits(username):
        get_usage(request, group=group, key=key, rate=rate, increment=True)
