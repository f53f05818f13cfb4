"""Secret links and check-in codes of registrations.

Every registration gets a random seed (`secrets.token_urlsafe`). Its confirm and manage tokens are HMACs of
that seed under SECRET_KEY, and the database stores only their SHA-256 hashes: a copy of the database
alone opens no link, while the server can still put the manage link into later mails (reminder, offer,
cancellation by the city) without keeping a token in clear text. Confirm tokens are single-use (the hash is
cleared on confirmation) and expire with the hold."""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.utils.encoding import force_bytes

from core.links import absolute_url

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes are read aloud and typed on phones at the door.
CHECK_IN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CHECK_IN_CODE_LENGTH = 6


@dataclass(frozen=True)
class RegistrationTokens:
    seed: str
    confirm: str
    manage: str

    @property
    def confirm_hash(self) -> str:
        return hash_token(self.confirm)

    @property
    def manage_hash(self) -> str:
        return hash_token(self.manage)


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a token: what the database stores and looks up."""
    return hashlib.sha256(force_bytes(token)).hexdigest()


def _derive(seed: str, purpose: str) -> str:
    if not seed:
        raise ValueError("a registration without a token seed has no links (anonymised)")
    digest = hmac.new(force_bytes(settings.SECRET_KEY), force_bytes(f"workshops.{purpose}:{seed}"), hashlib.sha256)
    # 32 bytes of HMAC, URL-safe base64 without padding: 43 characters.
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")


def new_tokens() -> RegistrationTokens:
    """Fresh seed and the tokens derived from it."""
    return tokens_for_seed(secrets.token_urlsafe(18))


def tokens_for_seed(seed: str) -> RegistrationTokens:
    return RegistrationTokens(seed=seed, confirm=_derive(seed, "confirm"), manage=_derive(seed, "manage"))


def tokens_for(registration) -> RegistrationTokens:
    """The tokens of a stored registration (derived from its seed)."""
    return tokens_for_seed(registration.token_seed)


def new_check_in_code() -> str:
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(CHECK_IN_CODE_LENGTH))


def normalise_check_in_code(code: str) -> str:
    """What a person types at the door: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def manage_url(registration, token: str | None = None) -> str:
    """Absolute URL of the manage page: {SITE_URL}/werkstaetten/anmeldung/<token>/.

    Without a token, the registration's own manage token is derived from its seed."""
    if token is None:
        token = tokens_for(registration).manage
    return absolute_url("workshops:manage", token=token)


def confirm_url(token: str) -> str:
    """Absolute URL of the confirmation page: {SITE_URL}/werkstaetten/bestaetigen/<token>/."""
    return absolute_url("workshops:confirm", token=token)


def workshop_url(workshop) -> str:
    return absolute_url("workshops:detail", slug=workshop.slug)


def check_in_url(workshop, code: str) -> str:
    """The staff check-in page with the code filled in (what the QR code in the confirmation mail opens)."""
    return absolute_url("workshops:check_in", slug=workshop.slug, query=urlencode({"code": code}))
