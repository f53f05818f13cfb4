"""Rate limits of registrations (abuse resistance without CAPTCHA).

Requests are limited per IP address (settings.REGISTRATION_RATE_LIMIT, e.g. "20/m" (20 per minute), "100/h",
"5/10m"; "off" disables it for benchmarks): over it, 429. Per e-mail address only the registration mails are
limited (REGISTRATION_ADDRESS_MAIL_LIMIT): over it, the request is answered exactly as usual but nothing is
stored or sent. So a third party can neither flood an address nor exhaust a limit that would answer its owner
429 (issue 15.4); token links (confirm, manage) are never limited by address.

Counters live in the cache (Redis in production) in fixed windows, so the
limit holds across processes and machines. The HTML form and the API use the same function."""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from core.clientip import client_ip  # the one client-address helper (TRUSTED_PROXY_HOPS), also for tests

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(value: str | None) -> Rate | None:
    """'20/m' -> Rate(20, 60); 'off', '' or None -> None (no limit). Raises ValueError for nonsense."""
    if value is None or value.strip().lower() in {"", "off", "none", "0"}:
        return None
    match = _RATE.match(value.lower())
    if not match:
        raise ValueError(f"REGISTRATION_RATE_LIMIT must look like '20/m' or 'off', not {value!r}")
    count, multiple, unit = match.groups()
    return Rate(count=int(count), seconds=int(multiple or 1) * _UNITS[unit])


def _hit(key: str, rate: Rate) -> int:
    """Count one request in the key's current window; returns the count so far."""
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet in this window
        if cache.add(key, 1, timeout=rate.seconds):
            return 1
        return cache.incr(key)


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:24]  # no raw addresses in the cache
    return f"workshops:rl:{kind}:{digest}"


def registration_rate_limited(*, request, email: str = "") -> bool:
    """Count a registration attempt; True when the client's IP is over the limit. (`email` is ignored: a
    limit per address would let anybody lock its owner out — see registration_mail_allowed.)"""
    rate = parse_rate(settings.REGISTRATION_RATE_LIMIT)
    if rate is None:
        return False
    return _hit(_key("ip", client_ip(request)), rate) > rate.count


def registration_mail_allowed(*, email: str) -> bool:
    """Count a registration mail to this address; False when its budget is used up (then store and send
    nothing, but answer as usual)."""
    rate = parse_rate(settings.REGISTRATION_ADDRESS_MAIL_LIMIT)
    email = (email or "").strip().lower()
    if rate is None or not email:
        return True
    return _hit(_key("email", email), rate) <= rate.count


def retry_after_seconds() -> int:
    """Upper bound of the wait until the window resets (for Retry-After)."""
    rate = parse_rate(settings.REGISTRATION_RATE_LIMIT)
    return rate.seconds if rate else 0
