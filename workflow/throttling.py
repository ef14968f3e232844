"""The API's per-user rate (``API_USER_RATE``, e.g. ``2000/hour``) in constant space.

DRF's ``UserRateThrottle`` keeps, per user, the list of the timestamps of every request in the
last period, read, trimmed, pickled and written back whole on each request: at ``2000/hour`` a
busy client's list is 2,000 floats (18 KB each way), and each request's cost grows with the rate
allowed (issue 20: the API lists were the slowest of the measured URLs, and grew slower through
a morning of polling). Here each user has two counters instead, the current fixed window's and
the previous one's, and the rate is checked on the sliding-window estimate
``previous × (share of the previous window still inside the period) + current`` — the same
limit over any period, without the burst of twice the rate a plain fixed window allows at its
edge. One round trip to Redis a request whatever the rate (a second, to take the count back,
only for a request refused).

As DRF's, only the requests let through are counted, two requests arriving at once may both
pass the last place, and the cache being unreachable lets the request through (an outage of
Redis must not close the API; ``config/cache.py`` logs it).
"""

import logging

from rest_framework import throttling

logger = logging.getLogger("mubiao.cache")


class UserRateThrottle(throttling.UserRateThrottle):
    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window, self.elapsed = divmod(self.now, self.duration)
        current, previous = f"{self.key}:{int(window)}", f"{self.key}:{int(window) - 1}"
        try:
            counted = self._count(current, previous)
        except Exception as error:  # noqa: BLE001 — unreachable: let the request through
            logger.warning("could not count an API request (%s)", error)
            return True
        if self._estimate(self.current + 1) > self.num_requests:
            if counted:
                try:
                    self.cache.decr(current)  # only the requests let through count
                except Exception as error:  # noqa: BLE001
                    logger.warning("could not uncount an API request (%s)", error)
            return self.throttle_failure()
        if not counted:
            self.cache.add(current, 0, 2 * self.duration)
            self.cache.incr(current)
        return True

    def _count(self, current: str, previous: str) -> bool:
        """Read both counters into ``self.current`` (before this request) and
        ``self.previous``; True if this request is already counted. On Redis one round trip
        counts and reads (``config.cache``); elsewhere (the local memory of ``make run``) the
        counters are read first and this request counted once let through."""
        counter = getattr(self.cache, "count_in_windows", None)
        if counter is not None:
            counted, self.previous = counter(current, previous, 2 * self.duration)
            self.current = counted - 1
            return True
        counts = self.cache.get_many([current, previous])
        self.current, self.previous = counts.get(current, 0), counts.get(previous, 0)
        return False

    def _estimate(self, current: int, elapsed: float | None = None) -> float:
        elapsed = self.elapsed if elapsed is None else elapsed
        return self.previous * (1 - elapsed / self.duration) + current

    def wait(self):
        """Seconds until one more request fits (the ``Retry-After`` header)."""
        if self.current + 1 > self.num_requests:
            # Not before the next window, where this one's count weighs less and less.
            return self.duration - self.elapsed + self.duration / self.num_requests
        # The previous window's share shrinks until the estimate is within the rate.
        share = (self.num_requests - self.current - 1) / self.previous
        # Rounded before DRF rounds it up: 19.000000000000004 s is 19 s.
        return max(0.0, round(self.duration * (1 - share) - self.elapsed, 6))
