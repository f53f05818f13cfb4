"""Settings of the gunicorn processes that benchmarks and the concurrency test start: production-like
(DEBUG off, cached templates, persistent connections, rate limits off), plain HTTP on loopback.

Only here (never in production settings) can WORKSHOPS_SEAT_GUARD come from the environment: the
concurrency test's control run switches it to "unsafe" to prove the test can see a race."""

from hannover_beteiligung.settings.base import *  # noqa: F403
from hannover_beteiligung.settings.base import DATABASES, REDIS_URL, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="bench-only-key-not-for-production")  # nosec B105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
REGISTRATION_RATE_LIMIT = env("REGISTRATION_RATE_LIMIT", default="off")
# Test and bench clients reuse addresses across runs (a shared Redis remembers them): no per-address mail budget.
REGISTRATION_ADDRESS_MAIL_LIMIT = env("REGISTRATION_ADDRESS_MAIL_LIMIT", default="off")
WORKSHOPS_SEAT_GUARD = env("WORKSHOPS_SEAT_GUARD", default="counter")
WORKSHOPS_UNSAFE_RACE_SECONDS = env.float("WORKSHOPS_UNSAFE_RACE_SECONDS", default=0.0)
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# As in production by default; BENCH experiments may switch the per-request `SELECT 1` off to measure its cost.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
