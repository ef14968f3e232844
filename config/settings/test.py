"""Settings for the test suite: fast hashing, in-memory e-mail, eager Celery."""

import os

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run queued tasks in-process so their effects can be asserted; the broker URL from
# REDIS_URL stays configured, and the Redis-backed cache is exercised for real in CI.
CELERY_TASK_ALWAYS_EAGER = True
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Login throttling is tested explicitly (tests/accounts/test_login.py); elsewhere many logins
# from 127.0.0.1 must not trip it.
RATELIMIT_ENABLE = False
# Likewise the account lockout (tests/accounts/test_lockout.py switches it on).
LOGIN_LOCKOUT_FAILURES = 0
# In CI the cache is the shared Redis server: keep each run's keys apart.
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405
# Tests never run collectstatic: let WhiteNoise look files up through the finders.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
