"""The client's IP address, from one setting: TRUSTED_PROXY_HOPS (issue 15, point 9).

TRUSTED_PROXY_HOPS = the number of reverse proxies in front of the app that append to X-Forwarded-For
(0: REMOTE_ADDR, the header is ignored; 1: one nginx with `$proxy_add_x_forwarded_for`). The client is the
N-th entry from the right: entries further left were sent by the client and can be spoofed, so they are never
used. A header with fewer entries than hops falls back to REMOTE_ADDR. No other header or setting is read
(the former REGISTRATION_RATE_LIMIT_IP_META is gone): rate limits and anything else that needs the client
address call this one function."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def client_ip(request: Any) -> str:
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0) or 0)
    if hops <= 0:
        return remote
    entries = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return entries[-hops] if len(entries) >= hops else remote
