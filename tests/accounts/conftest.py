import uuid

import pytest


@pytest.fixture
def throttled(settings):
    """The password-guessing throttle switched on, with counters in a cache of this test's own
    (the shared Redis cache would carry counts from one test into the next)."""
    settings.RATELIMIT_ENABLE = True
    settings.LOGIN_RATE_PER_USERNAME = "10/m"
    settings.LOGIN_RATE_PER_IP = "1000/m"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"throttle-{uuid.uuid4()}",
        }
    }
    return settings


@pytest.fixture
def login(client):
    """``login(user)`` signs the shared test client in as that persona and returns it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
