"""Rate limit of registrations per IP address and per e-mail address (abuse resistance without CAPTCHA).

The rate comes from settings.REGISTRATION_RATE_LIMIT, e.g. "20/m" (20 per minute), "100/h", "5/10m";
"off" disables it (benchmarks). Counters live in the cache (Redis in production) in fixed windows, so the
limit holds across processes and machines. The HTML form and the API use the same function."""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

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


def client_ip(request) -> str:
    """The client's address. Behind a reverse proxy set REGISTRATION_RATE_LIMIT_IP_META to the header the
    proxy sets (e.g. "HTTP_X_REAL_IP"); by default REMOTE_ADDR."""
    meta_key = getattr(settings, "REGISTRATION_RATE_LIMIT_IP_META", "") or "REMOTE_ADDR"
    value = request.META.get(meta_key) or request.META.get("REMOTE_ADDR") or "unknown"
    return value.split(",")[0].strip()


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


def registration_rate_limited(*, request, email: str) -> bool:
    """Count a registration attempt; True when the IP or the e-mail address is over the limit."""
    rate = parse_rate(settings.REGISTRATION_RATE_LIMIT)
    if rate is None:
        return False
    over = _hit(_key("ip", client_ip(request)), rate) > rate.count
    email = (email or "").strip().lower()
    if email:
        over = (_hit(_key("email", email), rate) > rate.count) or over
    return over


def retry_after_seconds() -> int:
    """Upper bound of the wait until the window resets (for Retry-After)."""
    rate = parse_rate(settings.REGISTRATION_RATE_LIMIT)
    return rate.seconds if rate else 0
