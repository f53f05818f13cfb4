"""Settings shared by every environment; everything that differs comes from environment variables."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "districts",
    "workshops",
    "reflections",
    "recommendations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffSecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "hannover_beteiligung.urls"
WSGI_APPLICATION = "hannover_beteiligung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.site",
            ],
        },
    },
]

# SQLite is only the embedded default for `make run`; PostgreSQL is the real database.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="hb"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.RoleBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# ASVS V2.1: length >= 12, breached/common password check, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.ContextualPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/konto/"

# django-allauth: e-mail is the login, there are no usernames.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Bezirkswerkstätten] "
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Bezirkswerkstätten Hannover"
# Staff security (accounts.middleware.StaffSecurityMiddleware, docs/adr/0004-staff-security-mfa-and-sessions.md).
# Every staff member (admin access, a staff role, superuser) needs TOTP; a staff session without the second
# factor has no permissions and is sent to set it up / enter a code on these paths (prefixes, regexes).
STAFF_MFA_REQUIRED = True
MFA_REQUIRED_PATHS = ["/admin/", "/moderation/", "/dashboard/", "/berichte/"]
MFA_REQUIRED_PATH_PATTERNS = [r"^/werkstaetten/[^/]+/einlass/"]
MFA_TOTP_TOLERANCE = 1  # accept the neighbouring 30-s step: phone clocks drift
# Re-authentication (password or code, valid 5 min) before changing e-mail, password or second factors.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Sessions: staff are logged out after 30 min without a request and 10 h after login; everyone after 14 days.
STAFF_SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("STAFF_SESSION_IDLE_MINUTES", default=30))
STAFF_SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("STAFF_SESSION_ABSOLUTE_HOURS", default=10))
SESSION_ABSOLUTE_TIMEOUT = timedelta(days=14)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Bezirkswerkstätten Hannover <beteiligung@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who gets notified of feedback, documentation debt and similar (the Fachteam's shared mailbox).
FACHTEAM_EMAIL = env("FACHTEAM_EMAIL", default="fachteam-beteiligung@example.org")

# Celery: Redis is the broker; without REDIS_URL every task runs eagerly in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ["mail", "reports", "default"]
CELERY_TASK_ROUTES = {
    "core.tasks.outbox_*": {"queue": "mail"},
    "recommendations.tasks.report_*": {"queue": "reports"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE: dict = {
    "outbox-sweep": {"task": "core.tasks.outbox_sweep", "schedule": timedelta(minutes=2)},
}

# Outbox: how often and how patiently a mail is retried.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_SWEEP_MIN_AGE = timedelta(seconds=env.int("OUTBOX_SWEEP_MIN_AGE_SECONDS", default=60))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bezirkswerkstätten Hannover API",
    "DESCRIPTION": "Open data on Hannover's district participation workshops and their results.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Registration rate limit, e.g. "20/m"; "off" disables it (benchmarks).
REGISTRATION_RATE_LIMIT = env("REGISTRATION_RATE_LIMIT", default="20/m")
# Anonymous views of the workshop list and detail pages are cached for a minute (core/pagecache.py).
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
# A registration form sent back sooner than this after it was shown is asked again (bots; people never wait).
REGISTRATION_MIN_FILL_SECONDS = env.int("REGISTRATION_MIN_FILL_SECONDS", default=3)

# --- workshops (registration) -----------------------------------------------------------------------------
# Seats are held 24 h for the double opt-in and offered 48 h to the waiting list; both end at the start at the
# latest, offers shrink to half the time left before the start and are not made below the minimum.
WORKSHOPS_HOLD_HOURS = env.int("WORKSHOPS_HOLD_HOURS", default=24)
WORKSHOPS_OFFER_HOURS = env.int("WORKSHOPS_OFFER_HOURS", default=48)
WORKSHOPS_OFFER_MIN_MINUTES = env.int("WORKSHOPS_OFFER_MIN_MINUTES", default=60)
# Retention: support needs N days after the workshop, unconfirmed/expired rows after 7 days, personal data
# anonymised M months after the workshop (counts stay).
WORKSHOPS_SUPPORT_RETENTION_DAYS = env.int("WORKSHOPS_SUPPORT_RETENTION_DAYS", default=30)
WORKSHOPS_PURGE_UNCONFIRMED_DAYS = env.int("WORKSHOPS_PURGE_UNCONFIRMED_DAYS", default=7)
WORKSHOPS_ANONYMISE_AFTER_MONTHS = env.int("WORKSHOPS_ANONYMISE_AFTER_MONTHS", default=12)
# Version of the consent texts recorded with each registration (change it when the texts change).
WORKSHOPS_PRIVACY_TEXT_VERSION = env("WORKSHOPS_PRIVACY_TEXT_VERSION", default="2026-01")
# Test-only switch: "unsafe" replaces the conditional seat counter by check-then-insert (the control run of the
# concurrency test); never set it anywhere else. WORKSHOPS_UNSAFE_RACE_SECONDS widens that race window.
WORKSHOPS_SEAT_GUARD = "counter"
WORKSHOPS_UNSAFE_RACE_SECONDS = 0.0
# The registration API reuses a workshop row this long per process (saves a query per registration in a rush).
WORKSHOPS_API_WORKSHOP_CACHE_SECONDS = env.float("WORKSHOPS_API_WORKSHOP_CACHE_SECONDS", default=1.0)
CELERY_BEAT_SCHEDULE["workshops-holds-expire"] = {
    "task": "workshops.tasks.holds_expire",
    "schedule": timedelta(minutes=5),
}
CELERY_BEAT_SCHEDULE["workshops-offers-process"] = {
    "task": "workshops.tasks.offers_process",
    "schedule": timedelta(minutes=5),
}
CELERY_BEAT_SCHEDULE["workshops-reminders-send"] = {
    "task": "workshops.tasks.reminders_send",
    "schedule": timedelta(minutes=15),
}
CELERY_BEAT_SCHEDULE["workshops-seats-reconcile"] = {
    "task": "workshops.tasks.seats_reconcile",
    "schedule": timedelta(hours=1),
}
CELERY_BEAT_SCHEDULE["workshops-retention"] = {
    "task": "workshops.tasks.retention_run",
    "schedule": timedelta(hours=24),
}


# --- reflections ------------------------------------------------------------------------------------------

# Documentation debt: remind facilitators N days after a held workshop without their submitted reflection,
# tell the Fachteam (FACHTEAM_EMAIL) after 2N days.
REFLECTION_REMINDER_DAYS = env.int("REFLECTION_REMINDER_DAYS", default=7)
# Participant survey: sent this many hours after the end of a held workshop, valid for this many days;
# workshops that ended longer ago than the send window get no survey any more (late catch-up stops).
FEEDBACK_SEND_AFTER_HOURS = env.int("FEEDBACK_SEND_AFTER_HOURS", default=12)
FEEDBACK_SEND_WINDOW_DAYS = env.int("FEEDBACK_SEND_WINDOW_DAYS", default=14)
FEEDBACK_VALID_DAYS = env.int("FEEDBACK_VALID_DAYS", default=28)
# Counts below this are suppressed in anything public (and feedback results everywhere).
PUBLIC_MIN_COUNT = env.int("PUBLIC_MIN_COUNT", default=5)
# Autosave interval of the reflection form (seconds); the form also saves on leaving a changed field.
REFLECTION_AUTOSAVE_SECONDS = env.int("REFLECTION_AUTOSAVE_SECONDS", default=20)
# Key of the pseudonymous participant hash (first-time vs returning); keep it stable across deployments.
PARTICIPANT_HASH_KEY = env("PARTICIPANT_HASH_KEY", default="") or SECRET_KEY
CELERY_BEAT_SCHEDULE["reflections-workshops-mark-held"] = {
    "task": "reflections.tasks.workshops_mark_held",
    "schedule": timedelta(minutes=30),
}
CELERY_BEAT_SCHEDULE["reflections-feedback-invite"] = {
    "task": "reflections.tasks.feedback_invitations_send",
    "schedule": timedelta(hours=1),
}
CELERY_BEAT_SCHEDULE["reflections-documentation-debt"] = {
    "task": "reflections.tasks.documentation_debt_remind",
    "schedule": timedelta(hours=6),
}

# --- recommendations and reports --------------------------------------------------------------------------

# A report job running longer than this is considered stuck (worker died) and requeued by the sweep;
# after REPORT_JOB_MAX_ATTEMPTS runs it is marked failed.
REPORT_JOB_TIME_LIMIT = timedelta(seconds=env.int("REPORT_JOB_TIME_LIMIT_SECONDS", default=900))
REPORT_JOB_MAX_ATTEMPTS = env.int("REPORT_JOB_MAX_ATTEMPTS", default=3)
CELERY_BEAT_SCHEDULE["report-sweep"] = {
    "task": "recommendations.tasks.report_sweep",
    "schedule": timedelta(minutes=5),
}
# WeasyPrint logs every layout step at INFO; keep warnings and errors (e.g. PDF/UA problems) only.
LOGGING["loggers"].update(  # type: ignore[attr-defined]
    {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}}
)
