"""Secrets of the application kept out of the database (issue 15, points 2 and 3).

- `encrypt` / `decrypt`: stored outbox mails (bodies, headers, attachments) are encrypted with a key from the
  environment (OUTBOX_ENCRYPTION_KEY, several comma-separated keys for rotation: the first encrypts, all
  decrypt). A copy of the database alone opens none of the links in them.
- `pseudonym`: a keyed pseudonym (HMAC-SHA256 with PARTICIPANT_HASH_KEY) of an e-mail address, for audit
  entries and mails about a person; without the key it cannot be recomputed from a guessed address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

FERNET_PREFIX = "gAAAAA"


def _fernet_key(raw: str) -> bytes:
    """Any long random string becomes a Fernet key (operators need not produce the Fernet format)."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"hb-outbox:" + raw.encode()).digest())


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    raws = [key.strip() for key in keys.split(",") if key.strip()]
    if not raws:
        raise ValueError("no outbox encryption key")
    return MultiFernet([Fernet(_fernet_key(raw)) for raw in raws])


def _keys() -> str:
    return getattr(settings, "OUTBOX_ENCRYPTION_KEY", "") or f"derived:{settings.SECRET_KEY}"


def encrypt(text: str) -> str:
    return _fernet(_keys()).encrypt(text.encode()).decode("ascii")


def decrypt(value: str) -> str:
    """The plain text of `value`; a value that is no token of ours (rows written before encryption) as is."""
    if not value or not value.startswith(FERNET_PREFIX):
        return value
    try:
        return _fernet(_keys()).decrypt(value.encode("ascii")).decode()
    except InvalidToken:
        return value


def undecryptable(value: str) -> bool:
    """True for a value that `decrypt` could not open (written with a key no longer configured)."""
    return bool(value) and value.startswith(FERNET_PREFIX) and len(value) > 80 and " " not in value


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def pseudonym(email: str) -> str:
    """HMAC-SHA256 of the normalised address under PARTICIPANT_HASH_KEY (hex); "" for no address."""
    email = normalise_email(email)
    if not email:
        return ""
    key = (settings.PARTICIPANT_HASH_KEY or settings.SECRET_KEY).encode()
    return hmac.new(key, b"person:" + email.encode(), hashlib.sha256).hexdigest()
