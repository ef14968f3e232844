"""Per-address rate limits of the public side (issue 21 item 6): subscribing, searching and
commenting. Counters in the shared cache, one fixed window each; while the cache is down the
request is let through (an outage must not close the public pages)."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

from accounts.throttle import parse_rate

RATES = {
    "subscribe": "PORTAL_RATE_SUBSCRIBE",
    "search": "PORTAL_RATE_SEARCH",
    "comment": "PORTAL_RATE_COMMENT",
}
DEFAULTS = {"subscribe": "5/h", "search": "60/m", "comment": "5/h"}


def address(request) -> str:
    raw = request.META.get("REMOTE_ADDR", "") or ""
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def allow(request, action: str) -> bool:
    """Count this request of ``action`` from its address; False once over the rate."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return True
    limit, window = parse_rate(getattr(settings, RATES[action], DEFAULTS[action]))
    seconds = int(window.total_seconds())
    bucket = int(time.time()) // seconds
    key = f"portal:rate:{action}:{address(request)}:{bucket}"
    try:
        cache.add(key, 0, seconds + 1)
        count = cache.incr(key)
    except Exception:
        return True
    return count <= limit
