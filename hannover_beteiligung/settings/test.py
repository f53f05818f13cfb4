"""Test settings: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, SQLite and eager tasks otherwise."""

from .base import *  # noqa: F403
from .base import CELERY_BEAT_SCHEDULE, env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105  # nosec B105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
ALLOWED_HOSTS = ["*"]
# Tests call tasks in-process; the real worker test starts its own worker with REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_BEAT_SCHEDULE = CELERY_BEAT_SCHEDULE
REGISTRATION_RATE_LIMIT = env("REGISTRATION_RATE_LIMIT", default="off")
REGISTRATION_ADDRESS_MAIL_LIMIT = env("REGISTRATION_ADDRESS_MAIL_LIMIT", default="off")
ACCOUNT_RATE_LIMITS = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Tests change rows behind the page's back; the page cache has tests of its own that switch it on.
PAGE_CACHE_ENABLED = False
# Concurrency tests run dozens of threads against the database: no per-process pool unless a test asks for it
# (DATABASE_POOL_MAX_SIZE in the environment switches it on for the whole run).
if not env("DATABASE_POOL_MAX_SIZE", default=""):
    DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
FRAGMENT_CACHE_ENABLED = False
# The tests of the seat engine predate the cap of unconfirmed holds (ADR 0016) and use small workshops, where
# 25 % would leave no hold at all; tests of the cap switch it on with override_settings.
WORKSHOPS_PENDING_HOLD_SHARE = env.int("WORKSHOPS_PENDING_HOLD_SHARE", default=100)
