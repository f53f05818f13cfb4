"""Hashes of secrets and e-mail addresses: only these are stored (feedback tokens, participation pseudonyms)."""

import hashlib
import hmac

from django.conf import settings


def token_hash(token: str) -> str:
    """The stored form of a random link token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def participant_hash(email: str) -> str:
    """Keyed pseudonym of an e-mail address (normalised), stable across workshops."""
    key = settings.PARTICIPANT_HASH_KEY.encode("utf-8")
    return hmac.new(key, email.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()
