"""Per-process cache of rendered fragments (HTML or JSON parts) keyed by the state they show.

The page cache (core.pagecache) serves whole pages to anonymous visitors only; logged-in people, a crawl
over many pages and the API render afresh. Those pages are mostly the same parts over and over: a workshop's
description block, its card in a list, the registration form of a district, the filter form. Each part is
rendered once per key and kept `ttl` seconds in this process's memory.

Keys carry what the part shows (e.g. a workshop's `updated_at`, held seats and registration state), so a
change shows at once; parts with relations that do not touch the key (agenda, team) are at most `ttl`
seconds old, as with the page cache. Memory, not Redis: no network round trip, nothing shared that one
person could see of another, and nothing to fail — the cache cannot be down (it fails open by design).
Bounded: at most MAX_ENTRIES entries per process, the oldest evicted first. Never put per-request values
(CSRF tokens, form stamps, user names) into a fragment: use markers and replace them per request."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from threading import Lock
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

MAX_ENTRIES = 4000
DEFAULT_TTL = 60.0

_entries: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
_lock = Lock()


def enabled() -> bool:
    return getattr(settings, "FRAGMENT_CACHE_ENABLED", True)


def get_or_render(key: tuple, render: Callable[[], T], *, ttl: float = DEFAULT_TTL) -> T:
    """The cached value for `key` if younger than `ttl` seconds, else `render()` (stored for next time)."""
    if not enabled():
        return render()
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        if hit is not None and now - hit[0] < ttl:
            _entries.move_to_end(key)
            return hit[1]  # type: ignore[return-value]
    value = render()
    with _lock:
        _entries[key] = (now, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def get_many(keys: list[tuple], *, ttl: float = DEFAULT_TTL) -> dict[tuple, Any]:
    """The cached values of those `keys` that are present and younger than `ttl` seconds."""
    if not enabled():
        return {}
    now = time.monotonic()
    found: dict[tuple, Any] = {}
    with _lock:
        for key in keys:
            hit = _entries.get(key)
            if hit is not None and now - hit[0] < ttl:
                found[key] = hit[1]
    return found


def set_many(values: Mapping[tuple, object]) -> None:
    if not enabled():
        return
    now = time.monotonic()
    with _lock:
        for key, value in values.items():
            _entries[key] = (now, value)
            _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def clear() -> None:
    """Forget everything (tests)."""
    with _lock:
        _entries.clear()
