"""Production settings: everything strict, nothing defaulted that must be secret.

Passes ``manage.py check --deploy`` (checked in tests/deploy/test_settings.py).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

# Base falls back to SQLite beside the code and to tasks run inside the web process; a server
# must never start like that by accident (issue 18 item 6).
for _name, _example in (
    ("DATABASE_URL", "postgres://mubiao:password@db:5432/mubiao"),
    ("REDIS_URL", "redis://redis:6379/0"),
):
    if not env.str(_name, default="").strip():
        raise ImproperlyConfigured(
            f"Set the {_name} environment variable (e.g. {_name}={_example}): production "
            "settings do not fall back to SQLite or to running tasks inside the web process."
        )

SECRET_KEY = env("SECRET_KEY")
# HTTP Basic (a password on every request) off: other systems use API tokens (issue 17 item 4).
API_BASIC_AUTH = env.bool("API_BASIC_AUTH", default=False)
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_AUTHENTICATION_CLASSES": api_authentication_classes(API_BASIC_AUTH),  # noqa: F405
}
# The API schema and its docs only for signed-in users (issue 17 item 6): they map every
# operation and field of the system.
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,  # noqa: F405
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The preload directive is only consent to be listed: nothing happens until the operator submits
# the domain to hstspreload.org. An operator who will never do so may set it false and accept
# check --deploy's warning (security.W021).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# 身份鉴别 (GB/T 22239-2019 8.1.4.1): two factors for the office, supervision, administrators
# and auditors; an idle session ends after 30 minutes (README, "Security").
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=True)
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_HTTPONLY = True
# Sessions read from Redis, written through to the database (which keeps them when Redis is
# down or flushed): one query less on every signed-in request (issue 20). Production only, where
# Redis is required; the tests' exact query counts are for the database backend.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# Django's own defaults (localhost:25, no TLS) suit no container here: .env names the relay.
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
