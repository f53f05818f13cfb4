"""Registration stamps: the bot protection of the registration form and the API alike (issue 15.4, ADR 0016).

A stamp is a signed record of when a workshop's registration form was shown (or the API handed one out):
workshop id, time, a random nonce and, for a second attempt, a retry flag. A registration is accepted only with
a stamp that

- belongs to the workshop and is not forged,
- is at least REGISTRATION_MIN_FILL_SECONDS old (the time trap: bots post at once) — unless it is a retry
  stamp: a person whose first submission was "too fast" (autofill) is not caught again (issue 10.9),
- is at most REGISTRATION_STAMP_MAX_AGE_SECONDS old (time-limited), and
- was not used before (single use: its nonce is remembered in the cache until it would expire anyway).

A form shown again after a submission with a genuine stamp carries a retry stamp, so nobody is rejected again
and again. A bot that reads the answer can always pass a time trap (it could just wait); what the stamps
stop is firing prepared requests in bulk: each registration needs its own stamp.

Redis down: the cache fails open to a per-process memory (core/cache.py), so a replay is refused within a
process but not across processes for the length of the outage — degraded, not open (the time trap, the
maximum age, the honeypot and the per-IP rate limit stay)."""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

FORM_STAMP_SALT = "workshops.registration-form"

# Problems of a stamp (also the suffix of the API's error codes: stamp_invalid, stamp_too_fast, ...).
INVALID = "invalid"
TOO_FAST = "too_fast"
EXPIRED = "expired"
USED = "used"


@dataclass(frozen=True)
class Stamp:
    workshop_id: int
    issued: float
    nonce: str
    retry: bool


def make_form_stamp(*, workshop_id: int, at: float | None = None, retry: bool = False) -> str:
    """A signed, single-use record of when the registration form of a workshop was shown."""
    payload: dict = {"w": workshop_id, "t": at if at is not None else time.time(), "n": secrets.token_urlsafe(9)}
    if retry:
        payload["r"] = 1
    return signing.dumps(payload, salt=FORM_STAMP_SALT)


def parse_stamp(value: str, *, workshop_id: int) -> Stamp | None:
    """The stamp, or None for a missing, forged or foreign one."""
    try:
        data = signing.loads(value or "", salt=FORM_STAMP_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("w") != workshop_id or not isinstance(data.get("t"), int | float):
        return None
    return Stamp(
        workshop_id=workshop_id, issued=float(data["t"]), nonce=str(data.get("n", "")), retry=bool(data.get("r"))
    )


def read_form_stamp(value: str, *, workshop_id: int) -> float | None:
    """The time the form was shown, or None for a missing, forged or foreign stamp."""
    stamp = parse_stamp(value, workshop_id=workshop_id)
    return stamp.issued if stamp else None


def max_age_seconds() -> int:
    return int(settings.REGISTRATION_STAMP_MAX_AGE_SECONDS)


def stamp_problem(value: str, *, workshop_id: int, now: float | None = None) -> str | None:
    """Check a submitted stamp; None when it is good — then it is used up (a second use is refused).

    Otherwise INVALID, TOO_FAST, EXPIRED or USED; the stamp is not used up by a failed check."""
    stamp = parse_stamp(value, workshop_id=workshop_id)
    if stamp is None or not stamp.nonce:
        return INVALID
    now = now if now is not None else time.time()
    age = now - stamp.issued
    if age > max_age_seconds():
        return EXPIRED
    if not stamp.retry and age < settings.REGISTRATION_MIN_FILL_SECONDS:
        return TOO_FAST
    if not cache.add(f"workshops:stamp:{stamp.nonce}", 1, timeout=max_age_seconds() + 60):
        return USED
    return None


def next_stamp(submitted: str, *, workshop_id: int) -> str:
    """The stamp for the form (or API client) after a submission: a retry stamp when the submitted one was
    genuine (a person who already filled the form is not made to wait again), a plain one otherwise."""
    return make_form_stamp(workshop_id=workshop_id, retry=parse_stamp(submitted, workshop_id=workshop_id) is not None)
