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
# Absolute links in mails and PDFs; in development the default follows the port `make run` serves on.
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}").rstrip("/")

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
    "planning",
    "recommendations",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.ApiNotFoundMiddleware",
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
# PostgreSQL: Django's connection pool (psycopg_pool), bounded per process. With DATABASE_POOL_MAX_SIZE=0 every
# request opens its own connection (CONN_MAX_AGE applies). A request that waits longer than
# DATABASE_POOL_TIMEOUT seconds for a connection, or finds the database down, is answered 503 with Retry-After
# (core.views.error_500). Size it so that processes × max_size stays below the server's max_connections.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=4)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_POOL_MAX_SIZE > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django must not
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(env.int("DATABASE_POOL_MIN_SIZE", default=1), DATABASE_POOL_MAX_SIZE),
        "max_size": DATABASE_POOL_MAX_SIZE,
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0),
    }
# Seconds a client is asked to wait (Retry-After) when the database is unavailable or the pool exhausted.
DATABASE_UNAVAILABLE_RETRY_AFTER = env.int("DATABASE_UNAVAILABLE_RETRY_AFTER", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Redis down costs speed, not availability: the cache fails open to a per-process memory cache (core/cache.py)
# after a short timeout, and asks Redis again after FAILOPEN_RETRY_SECONDS. Sessions live in the database.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="hb"),
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
            "FAILOPEN_RETRY_SECONDS": env.float("CACHE_FAILOPEN_RETRY_SECONDS", default=5.0),
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
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # never in Redis: a Redis outage must not log anyone out
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
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {  # allauth also accepts False: no limits (test settings)
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
# Staff set up the second factor only through a mailed single-use invitation valid this many hours.
MFA_INVITATION_HOURS = env.int("MFA_INVITATION_HOURS", default=48)
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
# Private files (report PDFs, result photos): no URL maps to this directory; permission-checked views serve
# them (core.files). With PRIVATE_MEDIA_ACCEL_REDIRECT (e.g. "/_private/") nginx sends the bytes from an
# `internal` location aliased to this directory.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
PRIVATE_MEDIA_ACCEL_REDIRECT = env("PRIVATE_MEDIA_ACCEL_REDIRECT", default="")
# Reverse proxies in front of the app that append to X-Forwarded-For (client IP for rate limits).
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)
# Uploaded photos are re-encoded (core.images); larger files or images are refused.
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=40_000_000)
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
# Publishing after commit is best-effort (core/publish.py): it must give up within about a second when the
# broker is down, not hold the request. Workers reconnect on their own.
BROKER_TIMEOUT_SECONDS = env.float("BROKER_TIMEOUT_SECONDS", default=1.0)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_timeout": max(BROKER_TIMEOUT_SECONDS, 3.0),
    # kombu's connection retry when a producer needs a channel (default: sleeps 2 s and more between tries)
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE: dict = {
    "outbox-sweep": {"task": "core.tasks.outbox_sweep", "schedule": timedelta(minutes=2)},
    "beat-heartbeat": {"task": "core.tasks.beat_heartbeat", "schedule": timedelta(seconds=30)},
}
# /readyz reports the beat heartbeat as stale after this long without a beat.
BEAT_HEARTBEAT_STALE = timedelta(seconds=env.int("BEAT_HEARTBEAT_STALE_SECONDS", default=120))

# Outbox: how often and how patiently a mail is retried.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_SWEEP_MIN_AGE = timedelta(seconds=env.int("OUTBOX_SWEEP_MIN_AGE_SECONDS", default=60))
# Stored mails are encrypted with this key (comma-separated list for rotation: the first encrypts, all decrypt;
# ADR 0015). Empty: derived from SECRET_KEY (development only; production requires its own key).
OUTBOX_ENCRYPTION_KEY = env("OUTBOX_ENCRYPTION_KEY", default="")
# Delivered and discarded mails are removed this long after delivery (core.tasks.outbox_purge, daily).
OUTBOX_RETENTION = timedelta(days=env.int("OUTBOX_RETENTION_DAYS", default=30))
CELERY_BEAT_SCHEDULE["outbox-purge"] = {"task": "core.tasks.outbox_purge", "schedule": timedelta(hours=24)}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "core.api.AutoSchema",  # documents every error response (ADR 0019)
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Hostile bodies answer 400: nesting deeper than JSON_MAX_DEPTH or a RecursionError (core/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
JSON_MAX_DEPTH = 20
SPECTACULAR_SETTINGS = {
    "TITLE": "Bezirkswerkstätten Hannover API",
    "DESCRIPTION": "Open data on Hannover's district participation workshops and their results.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.postprocess_schema"],
    # core.api.ConsentField: one name for the consents that admit only true (drf-spectacular hashes a hand-written
    # enum as (value, value) pairs).
    "ENUM_NAME_OVERRIDES": {"RequiredConsentEnum": [(True, True)]},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Operations (docs/operations.md). Errors (request exceptions, ERROR log lines of django.request and the
# tasks) are mailed to ADMINS (comma-separated addresses) through the outbox, never blocking the request.
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]
# /metrics (Prometheus): allowed with "Authorization: Bearer <METRICS_TOKEN>" or from METRICS_ALLOWED_NETWORKS
# (CIDRs, e.g. "127.0.0.1/32,10.0.0.0/8"); otherwise 403.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
# Optional Sentry error reporting: off unless SENTRY_DSN is set (no data leaves the city's servers otherwise).
SENTRY_DSN = env("SENTRY_DSN", default="")
# LOG_FORMAT=json writes one JSON object per line (production default, see prod.py).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        # Token links (confirm, manage, feedback, subscriptions, invitations) never reach a log (core.logs).
        "redact_tokens": {"()": "core.logs.RedactTokensFilter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["redact_tokens"]},
        "mail_admins_outbox": {
            "level": "ERROR",
            "filters": ["require_debug_false", "redact_tokens"],
            "class": "core.logs.OutboxAdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"handlers": ["console", "mail_admins_outbox"], "level": "ERROR", "propagate": False},
        # runserver's access log, through the redacting console handler (not Django's own handler).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "celery.app.trace": {"handlers": ["console", "mail_admins_outbox"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Registration rate limit, e.g. "20/m"; "off" disables it (benchmarks).
REGISTRATION_RATE_LIMIT = env("REGISTRATION_RATE_LIMIT", default="20/m")
# Anonymous views of the workshop list and detail pages are cached for a minute (core/pagecache.py).
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
# Parts of pages (workshop page body, cards, filter forms, API items) rendered once per state and kept a
# minute in each process's memory, for everyone, logged in or not (core/fragments.py).
FRAGMENT_CACHE_ENABLED = env.bool("FRAGMENT_CACHE_ENABLED", default=True)
# A registration form sent back sooner than this after it was shown is asked again (bots; people never wait).
REGISTRATION_MIN_FILL_SECONDS = env.int("REGISTRATION_MIN_FILL_SECONDS", default=3)
# Registration stamps (form and API) are single use and valid this long; an older one is asked again once
# (the form comes back with a retry stamp), so slow people lose nothing (ADR 0016).
REGISTRATION_STAMP_MAX_AGE_SECONDS = env.int("REGISTRATION_STAMP_MAX_AGE_SECONDS", default=4 * 3600)
# Registration mails to one e-mail address (confirm requests, repeated mails for known addresses), e.g. "5/h";
# beyond it the request is answered as usual but nothing is stored or sent, so a third party can neither flood
# an address nor lock its owner out (the per-IP limit REGISTRATION_RATE_LIMIT answers 429). "off" disables it.
REGISTRATION_ADDRESS_MAIL_LIMIT = env("REGISTRATION_ADDRESS_MAIL_LIMIT", default="5/h")

# --- workshops (registration) -----------------------------------------------------------------------------
# Seats are held 2 h for the double opt-in (the confirmation link works as long; anonymous requests must not
# keep seats for long, ADR 0016) and offered 48 h to the waiting list; both end at the start at the latest,
# offers shrink to half the time left before the start and are not made below the minimum.
WORKSHOPS_HOLD_HOURS = env.int("WORKSHOPS_HOLD_HOURS", default=2)
# Unconfirmed registrations together hold at most this percentage of a workshop's capacity (rounded down);
# beyond it a registration is accepted without a hold and gets seats when confirmed, if still free (ADR 0016).
WORKSHOPS_PENDING_HOLD_SHARE = env.int("WORKSHOPS_PENDING_HOLD_SHARE", default=25)
WORKSHOPS_OFFER_HOURS = env.int("WORKSHOPS_OFFER_HOURS", default=48)
WORKSHOPS_OFFER_MIN_MINUTES = env.int("WORKSHOPS_OFFER_MIN_MINUTES", default=60)
# Retention: support needs N days after the workshop, unconfirmed/expired rows after 7 days, personal data
# anonymised M months after the workshop (counts stay).
WORKSHOPS_SUPPORT_RETENTION_DAYS = env.int("WORKSHOPS_SUPPORT_RETENTION_DAYS", default=30)
# Support needs entered less than this many days before the workshop are flagged to its team as urgent
# (sign-language interpreters are booked weeks ahead).
WORKSHOPS_SUPPORT_URGENT_DAYS = env.int("WORKSHOPS_SUPPORT_URGENT_DAYS", default=21)
# The team answers recorded support needs within this many working days (and before the workshop).
WORKSHOPS_SUPPORT_ANSWER_DAYS = env.int("WORKSHOPS_SUPPORT_ANSWER_DAYS", default=5)
# A person who cancelled from the manage link can undo it this many minutes (their seats are taken again if free).
WORKSHOPS_CANCEL_UNDO_MINUTES = env.int("WORKSHOPS_CANCEL_UNDO_MINUTES", default=10)
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
# Planning: checklist reminders once a day (each task at most once per due date and phase), and a nightly
# repair of the derived Eigenregie classification (the services keep it current; this catches anything else).
CELERY_BEAT_SCHEDULE["planning-checklist-reminders"] = {
    "task": "planning.tasks.checklist_reminders_send",
    "schedule": timedelta(hours=6),
}
CELERY_BEAT_SCHEDULE["planning-run-by-refresh"] = {
    "task": "planning.tasks.run_by_refresh",
    "schedule": timedelta(hours=24),
}
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
# Follow-up reflection (issue 12): the team is asked this many days after a held workshop whether the
# commitments were kept; workshops older than that plus the window are not asked any more.
FOLLOW_UP_REFLECTION_DAYS = env.int("FOLLOW_UP_REFLECTION_DAYS", default=90)
FOLLOW_UP_REFLECTION_WINDOW_DAYS = env.int("FOLLOW_UP_REFLECTION_WINDOW_DAYS", default=60)
CELERY_BEAT_SCHEDULE["reflections-follow-up-remind"] = {
    "task": "reflections.tasks.follow_up_remind",
    "schedule": timedelta(hours=12),
}
# Attendees review the draft documentation for this many days before it is published (issue 12).
DOCUMENTATION_REVIEW_DAYS = env.int("DOCUMENTATION_REVIEW_DAYS", default=7)

# --- recommendations and reports --------------------------------------------------------------------------

# A report job running longer than this is considered stuck (worker died) and requeued by the sweep;
# after REPORT_JOB_MAX_ATTEMPTS runs it is marked failed.
REPORT_JOB_TIME_LIMIT = timedelta(seconds=env.int("REPORT_JOB_TIME_LIMIT_SECONDS", default=900))
REPORT_JOB_MAX_ATTEMPTS = env.int("REPORT_JOB_MAX_ATTEMPTS", default=3)
# A running job writes a heartbeat this often; without one for REPORT_JOB_STALE_SECONDS its run is taken over by
# a redelivered message or marked "stalled" by the sweep (every 30 s), so a dead worker shows within a minute.
REPORT_JOB_HEARTBEAT_SECONDS = env.float("REPORT_JOB_HEARTBEAT_SECONDS", default=10.0)
REPORT_JOB_STALE = timedelta(seconds=env.float("REPORT_JOB_STALE_SECONDS", default=30.0))
# A queued job whose task was published this long ago without being picked up is published again (the broker
# was down at request time); running it twice does no harm.
REPORT_JOB_REPUBLISH_AFTER = timedelta(seconds=env.int("REPORT_JOB_REPUBLISH_AFTER_SECONDS", default=120))
# The most rows one list section of a PDF report prints; above it a summary, the full list as a CSV attachment
# (district report) or the documents per Handlungsfeld (recommendations document). ADR 0020.
REPORT_LIST_LIMIT = env.int("REPORT_LIST_LIMIT", default=250)
CELERY_BEAT_SCHEDULE["report-sweep"] = {
    "task": "recommendations.tasks.report_sweep",
    "schedule": timedelta(seconds=30),
}
# --- notifications (subscriptions, digests, feeds, open data) ---------------------------------------------------

# Confirmation links of subscriptions are valid this long; unconfirmed subscriptions are deleted N days later.
NOTIFICATIONS_CONFIRM_HOURS = env.int("NOTIFICATIONS_CONFIRM_HOURS", default=72)
NOTIFICATIONS_PURGE_UNCONFIRMED_DAYS = env.int("NOTIFICATIONS_PURGE_UNCONFIRMED_DAYS", default=7)
# Ended subscriptions (with their withdrawn consent) are kept this long as proof, then deleted.
NOTIFICATIONS_UNSUBSCRIBED_KEEP_DAYS = env.int("NOTIFICATIONS_UNSUBSCRIBED_KEEP_DAYS", default=30)
# A subscription without activity (no news delivered, no confirmation, no visit of the manage page) for this
# many months is deleted. The consent text states this period.
NOTIFICATIONS_INACTIVE_MONTHS = env.int("NOTIFICATIONS_INACTIVE_MONTHS", default=24)
# Digests: at most one per address in this many days.
NOTIFICATIONS_DIGEST_INTERVAL_DAYS = env.int("NOTIFICATIONS_DIGEST_INTERVAL_DAYS", default=7)
# Events are derived from changes of the last N days (a first run does not announce old news).
NOTIFICATIONS_EVENT_LOOKBACK_DAYS = env.int("NOTIFICATIONS_EVENT_LOOKBACK_DAYS", default=7)
# Version of the subscription consent text (change it when the text changes).
NOTIFICATIONS_CONSENT_TEXT_VERSION = env("NOTIFICATIONS_CONSENT_TEXT_VERSION", default="2026-12")
CELERY_BEAT_SCHEDULE["notifications-events-collect"] = {
    "task": "notifications.tasks.events_collect",
    "schedule": timedelta(minutes=15),
}
CELERY_BEAT_SCHEDULE["notifications-digests-send"] = {
    "task": "notifications.tasks.digests_send",
    "schedule": timedelta(hours=1),
}
CELERY_BEAT_SCHEDULE["notifications-daily"] = {
    "task": "notifications.tasks.daily",
    "schedule": timedelta(hours=24),
}

# Follow-through (issue 13): owners of commitments and recommendations are reminded this many days before the
# due date and once it has passed; the Fachteam (FACHTEAM_EMAIL) hears of an item still open this many days
# after its due date. The task runs every few hours; dedupe keys make each mail go out once.
FOLLOWUP_REMIND_DAYS_BEFORE = env.int("FOLLOWUP_REMIND_DAYS_BEFORE", default=7)
FOLLOWUP_ESCALATE_DAYS_AFTER = env.int("FOLLOWUP_ESCALATE_DAYS_AFTER", default=14)
CELERY_BEAT_SCHEDULE["followup-reminders"] = {
    "task": "recommendations.tasks.followup_reminders_send",
    "schedule": timedelta(hours=6),
}
# OParl import (manage.py import_oparl URL): timeout of one HTTP request, in seconds.
OPARL_FETCH_TIMEOUT = env.int("OPARL_FETCH_TIMEOUT", default=20)
# WeasyPrint logs every layout step at INFO; keep warnings and errors (e.g. PDF/UA problems) only.
LOGGING["loggers"].update(  # type: ignore[attr-defined]
    {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}}
)
