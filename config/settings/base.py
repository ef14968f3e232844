"""Settings for Mubiao, read from the environment with laptop-safe defaults.

One variable switches each backing service: ``DATABASE_URL`` (default: an SQLite file beside
the code), ``REDIS_URL`` (unset: Celery runs tasks eagerly in-process and the cache is local
memory). Production hardening lives in ``config/settings/production.py``.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    # Two-factor sign-in (TOTP apps and one-time recovery codes), issue 17.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Ours, in import order: each may import only those above it.
    "audit",
    "workflow",
    "workdays",
    "accounts",
    "notifications",
    "targets",
    "execution",
    "supervision",
    "evaluation",
    "dashboards",
    "documents",
    "demo",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below, issue 17 item 6).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout, forced first-password change and the two-factor policy (accounts.policy).
    "accounts.middleware.IdentityPolicyMiddleware",
    # Renders what a service refuses on a page: 403/404 pages, a message and a way back.
    "workflow.pages.ApplicationErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.access",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# Plain widgets written in Python, with Django's own markup (workflow/speed.py, issue 20).
FORM_RENDERER = "workflow.speed.FastFormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection the server has dropped (restart, failover) is tested and replaced at the
# start of the next request, instead of failing it with a 500 (issue 18 item 4).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 身份鉴别 (GB/T 22239-2019 8.1.4.1 a): 复杂度 and 定期更换 without reuse (accounts.passwords).
    {"NAME": "accounts.passwords.ComplexityValidator"},
    {
        "NAME": "accounts.passwords.PasswordReuseValidator",
        "OPTIONS": {"remembered": env.int("PASSWORD_HISTORY_COUNT", default=5)},
    },
]

# Sign-in and session policy (issue 17; GB/T 22239-2019 8.1.4.1 身份鉴别). README, "Security".
# Directory and identity-platform sign-in come first when configured (accounts.sso); local
# passwords stay for the demo and for break-glass administrators.
AUTHENTICATION_BACKENDS = ["accounts.backends.LocalPasswordBackend"]
# Failed sign-ins in a row that lock an account, and for how long (0: until an administrator
# unlocks it in the admin). 0 failures switches the lockout off.
LOGIN_LOCKOUT_FAILURES = env.int("LOGIN_LOCKOUT_FAILURES", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
# A signed-in session unused this long is ended (0: never). Production defaults to 30 minutes.
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=0)
# Two-factor sign-in (TOTP): required for these roles (and superusers) when OTP_REQUIRED is on
# (production), optional for everyone else and everywhere while it is off (the demo).
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)
OTP_REQUIRED_ROLES = ["general_office", "supervision", "admin", "auditor"]
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="目标管理系统")
OTP_RECOVERY_CODES = 10

# LDAP / Active Directory (django-auth-ldap), on when LDAP_SERVER_URI is set.
LDAP_SERVER_URI = env("LDAP_SERVER_URI", default="")
if LDAP_SERVER_URI:
    from accounts.sso.ldap_settings import ldap_settings

    globals().update(
        ldap_settings(
            server_uri=LDAP_SERVER_URI,
            bind_dn=env("LDAP_BIND_DN", default=""),
            bind_password=env("LDAP_BIND_PASSWORD", default=""),
            user_search_base=env("LDAP_USER_SEARCH_BASE", default=""),
            user_filter=env("LDAP_USER_FILTER", default="(uid=%(user)s)"),
            group_search_base=env("LDAP_GROUP_SEARCH_BASE", default=""),
            group_type=env("LDAP_GROUP_TYPE", default="groupOfNames"),
            start_tls=env.bool("LDAP_START_TLS", default=False),
        )
    )
    AUTHENTICATION_BACKENDS.insert(0, "accounts.sso.ldap.DirectoryBackend")
# The directory attribute naming a person's department (AD: "department").
LDAP_DEPARTMENT_ATTRIBUTE = env("LDAP_DEPARTMENT_ATTRIBUTE", default="departmentNumber")

# OpenID Connect (mozilla-django-oidc), on when OIDC_RP_CLIENT_ID is set: the city's unified
# identity platform (统一身份认证平台).
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_DEPARTMENT_CLAIM = env("OIDC_DEPARTMENT_CLAIM", default="department")
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", default="groups")
# Where mozilla-django-oidc sends a failed platform sign-in (it does not resolve URL names).
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
# Seconds to wait for the platform's token, key and user-information endpoints.
OIDC_TIMEOUT = 10
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.insert(0, "accounts.sso.oidc.IdentityPlatformBackend")
# Directory groups (LDAP group cn, OIDC "groups" claim) → our roles in the person's directory
# department. Anyone whose department or groups are not mapped gets no role at all.
SSO_GROUP_ROLES = env.dict(
    "SSO_GROUP_ROLES",
    default={
        "mubiao-staff": "staff",
        "mubiao-head": "head",
        "mubiao-general-office": "general_office",
        "mubiao-supervision": "supervision",
        "mubiao-leader": "leader",
        "mubiao-auditor": "auditor",
        "mubiao-evaluator": "evaluator",
        "mubiao-admin": "admin",
    },
)
LOGIN_URL = "accounts:login"
LOGIN_RATE_PER_USERNAME = env("LOGIN_RATE_PER_USERNAME", default="10/m")
LOGIN_RATE_PER_IP = env("LOGIN_RATE_PER_IP", default="30/m")
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# Each role lands on its own page (config.views.home, issue 6).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Redis serves as Celery's broker and the shared cache when it is configured; without it the
# demo runs on one machine with no servers at all.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # While Redis is down a read is a miss and a write is skipped (config/cache.py), and no call
    # waits long for it: sign-in and the API keep working (issue 18 item 1).
    CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A message a worker took but never acknowledged (its main process killed: OOM, a crashed
# container) goes back to the queue after ``visibility_timeout``, not kombu's default hour: 15
# minutes, above the longest document (its task's hard limit is 10 minutes, documents/tasks.py)
# and well below the stuck-job clean-up (DOCUMENTS_STUCK_AFTER_MINUTES) (issue 18 item 3).
# While Redis is down a request that queues a task waits at most a few seconds for it (the
# outbox sends the task later, issue 18 item 2).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=15 * 60),
    "socket_connect_timeout": 2,
}
# Each worker process reserves only the message it runs, so no message waits unacknowledged
# behind another one while its visibility timeout runs out.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Several deployments (or test runs) may share one Redis: each names its own queue.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# Schedules live in the database and are edited in /admin/ (django-celery-beat); the defaults
# are created by notifications' data migration.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Deadline reminders (efficiency opinions 三.4 限时办结, 五.6 到期提醒), in working days of the
# official calendar (workdays): before the due date, and escalation when overdue.
REMINDER_DAYS_BEFORE = env.list("REMINDER_DAYS_BEFORE", cast=int, default=[3, 1])
ESCALATE_TO_HEAD_AFTER = env.int("ESCALATE_TO_HEAD_AFTER", default=3)
ESCALATE_TO_OFFICE_AFTER = env.int("ESCALATE_TO_OFFICE_AFTER", default=5)
# How far back a sweep catches up what an earlier, missed sweep should have sent.
REMINDER_CATCH_UP_WORKING_DAYS = env.int("REMINDER_CATCH_UP_WORKING_DAYS", default=10)

# The audit trail is kept at least this many days (等保 2.0 §8.1.4.3: audit records kept
# ≥ 6 months); ``manage.py audit_purge`` refuses anything younger, and a value under 180 fails
# the system checks (audit.checks).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)

# Evidence files no record refers to (a rolled-back upload) are deleted once this old.
EVIDENCE_ORPHAN_GRACE_HOURS = env.int("EVIDENCE_ORPHAN_GRACE_HOURS", default=24)

# Documents (PDF and Excel, generated in the background): how long a generated file is kept,
# when a job that never finished is given up (a lost worker), the import limits, and the fonts
# (Debian's fonts-noto-cjk; fontconfig finds them by these names).
DOCUMENTS_TTL_HOURS = env.int("DOCUMENTS_TTL_HOURS", default=24)
# A job still running this long after its (last) start has lost its message: failed (issue 18
# item 3: a killed worker's message comes back after 15 minutes, runs at most 10 more). A job
# still queued is re-sent after DOCUMENTS_RESEND_AFTER_MINUTES (the broker was down, issue 18
# item 2) and given up only after DOCUMENTS_TTL_HOURS.
DOCUMENTS_STUCK_AFTER_MINUTES = env.int("DOCUMENTS_STUCK_AFTER_MINUTES", default=60)
DOCUMENTS_RESEND_AFTER_MINUTES = env.int("DOCUMENTS_RESEND_AFTER_MINUTES", default=3)
DOCUMENTS_IMPORT_MAX_BYTES = env.int("DOCUMENTS_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
DOCUMENTS_IMPORT_MAX_ROWS = env.int("DOCUMENTS_IMPORT_MAX_ROWS", default=3000)
DOCUMENTS_ISSUING_BODY = env("DOCUMENTS_ISSUING_BODY", default="")
DOCUMENTS_PDF_FONTS = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"}
# A year's ledger of a few hundred pages takes several hundred MB while WeasyPrint lays it out;
# a worker process that grew past this (KB) is replaced after its task, returning the memory.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=800_000)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="mubiao@localhost")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# The public portal (/gongkai/, issue 21): whether a public target shows its early-warning colour.
PORTAL_SHOW_WARNING_LEVEL = env.bool("PORTAL_SHOW_WARNING_LEVEL", default=True)
# Per-address limits of the public side (portal.throttle): subscribing, searching, commenting.
PORTAL_RATE_SUBSCRIBE = env("PORTAL_RATE_SUBSCRIBE", default="5/h")
PORTAL_RATE_SEARCH = env("PORTAL_RATE_SEARCH", default="60/m")
PORTAL_RATE_COMMENT = env("PORTAL_RATE_COMMENT", default="5/h")

# Content-Security-Policy (django-csp, issue 17 item 6; 等保 2.0 §8.1.4.4 入侵防范): scripts,
# styles, fonts and images only from this server, no inline script or handler, no eval, no
# framing, forms post only here. Every page works offline from our static files, so nothing
# else is ever needed; the API docs (config/urls.py) alone allow Redoc's generated styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Other systems sign API requests with API tokens (accounts.tokens: hashed, scoped, expiring,
# issue 17 item 4). HTTP Basic — a password checked with PBKDF2 on every request — stays on for
# the demo and scripts; production settings turn it off unless API_BASIC_AUTH=true.
API_BASIC_AUTH = env.bool("API_BASIC_AUTH", default=True)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)


def api_authentication_classes(basic: bool) -> list[str]:
    # The first class's challenge is DRF's 401 WWW-Authenticate (the session's has none, which
    # turned missing credentials into 403). Password sign-in paths are throttled.
    return [
        *(["accounts.authentication.ThrottledBasicAuthentication"] if basic else []),
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": api_authentication_classes(API_BASIC_AUTH),
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # orjson, with DRF's encoder for what it writes differently (workflow/renderers.py, issue 20).
    "DEFAULT_RENDERER_CLASSES": [
        "workflow.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # ?page_size= up to 200 (config/api_contract.py).
    "DEFAULT_PAGINATION_CLASS": "config.api_contract.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "workflow.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["workflow.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_USER_RATE", default="2000/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mubiao 目标 API",
    "DESCRIPTION": "政府目标管理系统 REST API（/api/v1/）。权限规则与网页一致。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the error answers it can give (config/api_contract.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_contract.document_error_responses",
    ],
    # Departments and targets both have a "kind"; name each enum after its owner.
    "ENUM_NAME_OVERRIDES": {
        # The public portal's fixed vocabularies (portal/fields.py).
        "PublicDepartmentRoleEnum": ["lead", "responsible", "cooperating"],
        "PublicMilestoneStatusEnum": ["pending", "achieved", "missed"],
        "TargetDepartmentRoleEnum": "targets.models.TargetDepartment.Role",
        "DepartmentKindEnum": "accounts.models.Department.Kind",
        "TargetKindEnum": "targets.models.Target.Kind",
        "TargetStateEnum": "targets.models.Target.State",
        "AdjustmentKindEnum": "execution.models.AdjustmentRequest.Kind",
        "AdjustmentStateEnum": "execution.models.AdjustmentRequest.State",
        "CoordinationStateEnum": "execution.models.CoordinationItem.State",
        "CompletionStateEnum": "execution.models.CompletionReport.State",
        "InspectionStateEnum": "supervision.models.Inspection.State",
        # Execution (issue 5): report states and warning levels beside the targets' own.
        "ProgressReportStateEnum": "execution.models.ProgressReport.State",
        "WarningLevelEnum": "execution.models.WarningSnapshot.Level",
        "MilestoneStatusEnum": "targets.models.Milestone.Status",
        "TargetLevelEnum": "targets.models.Target.Level",
        "DepartmentCategoryEnum": "accounts.models.Department.Category",
        "OrderKindEnum": "supervision.models.SupervisionOrder.Kind",
        "OrderStateEnum": "supervision.models.SupervisionOrder.State",
        "InspectionKindEnum": "supervision.models.Inspection.Kind",
        "FindingSourceEnum": "supervision.models.Finding.Source",
        "FindingStateEnum": "supervision.models.Finding.State",
        "RectificationKindEnum": "supervision.models.Rectification.Kind",
        "ExternalInputSourceEnum": "supervision.models.ExternalInput.Source",
        "AccountabilityCategoryEnum": "supervision.models.AccountabilityRecord.Category",
        # Targets, schemes, sheets and feedback all have a "state".
        "EvaluationSchemeStateEnum": "evaluation.models.EvaluationScheme.State",
        "ScoreSheetStateEnum": "evaluation.models.ScoreSheet.State",
        "FeedbackStateEnum": "evaluation.models.Feedback.State",
        "DocumentJobStateEnum": "documents.models.DocumentJob.State",
        "DocumentJobKindEnum": "documents.models.DocumentJob.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Eager mode logs every task at INFO; only problems are worth a line.
        "celery": {"level": "WARNING"},
        # WeasyPrint narrates every layout step at INFO; font subsetting logs at INFO too.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
