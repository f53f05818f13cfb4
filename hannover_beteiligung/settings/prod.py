"""Production: every secret from the environment, HTTPS only, hashed static files."""

from .base import *  # noqa: F403
from .base import env
from .safety import keys_check

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
# A separate key for participant pseudonyms (no fallback to SECRET_KEY in production).
PARTICIPANT_HASH_KEY = env("PARTICIPANT_HASH_KEY", default="")
# Stored mails are encrypted with their own key (ADR 0015); no fallback in production.
OUTBOX_ENCRYPTION_KEY = env("OUTBOX_ENCRYPTION_KEY", default="")
keys_check(secret_key=SECRET_KEY, pseudonym_key=PARTICIPANT_HASH_KEY, outbox_key=OUTBOX_ENCRYPTION_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# One JSON object per log line, for the log collector (LOG_FORMAT=plain switches back).
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # type: ignore[index]

if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        environment=env("SENTRY_ENVIRONMENT", default="production"),
    )
