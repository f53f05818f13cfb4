"""Refuse to run production with unsafe keys (issue 15, point 9). Used by settings/prod.py at import."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

MIN_SECRET_KEY_LENGTH = 50
MIN_PSEUDONYM_KEY_LENGTH = 32
# Keys that were ever written down in this repository (compose default, dev, test, examples).
KNOWN_KEYS = frozenset(
    {
        "change-me-in-production-please-0123456789abcdef",
        "dev-only-insecure-key-change-me",
        "test-only-key",
        "change-me",
        "changeme",
        "secret",
    }
)


def _looks_known(value: str) -> bool:
    lowered = value.lower()
    return value in KNOWN_KEYS or "change-me" in lowered or "changeme" in lowered or "insecure" in lowered


def keys_check(*, secret_key: str, pseudonym_key: str, outbox_key: str | None = None) -> None:
    """Raise ImproperlyConfigured unless the keys are set, long, not known and different from each other.

    `outbox_key` (OUTBOX_ENCRYPTION_KEY, comma-separated for rotation) is checked when given (production)."""
    if not secret_key:
        raise ImproperlyConfigured("SECRET_KEY is not set.")
    if len(secret_key) < MIN_SECRET_KEY_LENGTH or len(set(secret_key)) < 5:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too short or too simple (at least {MIN_SECRET_KEY_LENGTH} characters)."
        )
    if _looks_known(secret_key):
        raise ImproperlyConfigured("SECRET_KEY is a published default; generate a new one.")
    if not pseudonym_key:
        raise ImproperlyConfigured("PARTICIPANT_HASH_KEY (the key of participant pseudonyms) is not set.")
    if len(pseudonym_key) < MIN_PSEUDONYM_KEY_LENGTH or _looks_known(pseudonym_key):
        raise ImproperlyConfigured(
            f"PARTICIPANT_HASH_KEY is too short or a published default (at least {MIN_PSEUDONYM_KEY_LENGTH} chars)."
        )
    if pseudonym_key == secret_key:
        raise ImproperlyConfigured("PARTICIPANT_HASH_KEY must differ from SECRET_KEY.")
    if outbox_key is None:
        return
    outbox_keys = [key.strip() for key in outbox_key.split(",") if key.strip()]
    if not outbox_keys:
        raise ImproperlyConfigured("OUTBOX_ENCRYPTION_KEY (the key of stored mails) is not set.")
    for key in outbox_keys:
        if len(key) < MIN_PSEUDONYM_KEY_LENGTH or _looks_known(key):
            raise ImproperlyConfigured(
                f"OUTBOX_ENCRYPTION_KEY is too short or a published default (min. {MIN_PSEUDONYM_KEY_LENGTH} chars)."
            )
        if key in (secret_key, pseudonym_key):
            raise ImproperlyConfigured("OUTBOX_ENCRYPTION_KEY must differ from SECRET_KEY and PARTICIPANT_HASH_KEY.")
