import pytest


@pytest.fixture
def throttled(settings):
    """The password-guessing throttle switched on. Its counts are rows in the database
    (``accounts.SignInFailure``), rolled back with each test like everything else."""
    settings.RATELIMIT_ENABLE = True
    settings.LOGIN_RATE_PER_USERNAME = "10/m"
    settings.LOGIN_RATE_PER_IP = "1000/m"
    return settings


@pytest.fixture
def login(client):
    """``login(user)`` signs the shared test client in as that persona and returns it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
