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
ACCOUNT_RATE_LIMITS = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Tests change rows behind the page's back; the page cache has tests of its own that switch it on.
PAGE_CACHE_ENABLED = False
