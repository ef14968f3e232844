"""Settings of the real workers the fault tests start (issue 18 items 2 and 3): production's
base settings, with the broker's visibility timeout from the environment (the test's short one)
and kombu's scan for abandoned messages every second instead of every 100 s, so a test that
kills a worker waits seconds, not a quarter of an hour."""

from config.settings.base import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
