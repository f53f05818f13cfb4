"""A Redis cache that fails open (DESIGN §5 "Degrade, don't fail").

Django's RedisCache raises when Redis does not answer, which turns the page cache, the registration rate limit
and allauth's login throttling into 500s. `FailOpenRedisCache` catches connection errors and timeouts, logs
a warning (once per outage and process), counts them (`hb_cache_errors_total`), and serves the operation from
a per-process in-memory cache instead: pages render without shared caching, rate limits count per process.
After a failure Redis is not asked again for `FAILOPEN_RETRY_SECONDS` (default 5), so an outage costs one
short timeout per process and interval, not one per cache call.

Settings (``CACHES["default"]``)::

    "BACKEND": "core.cache.FailOpenRedisCache",
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},  # passed to redis-py's pool
    "FAILOPEN_RETRY_SECONDS": 5,
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis.exceptions
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from .metrics import CACHE_ERRORS

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Errors that mean "Redis is not there", as opposed to a bug in our use of it.
REDIS_DOWN_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)

# Per process and location: until when Redis is skipped, and the fallback cache (shared by all threads).
_state_lock = threading.Lock()
_down_until: dict[str, float] = {}
_fallbacks: dict[str, "_FallbackCache"] = {}


class _FallbackCache(LocMemCache):
    def validate_key(self, key: Any) -> None:
        """Keys are made for Redis (spaces allowed); memcached's key rules do not apply here."""


def redis_is_degraded(location: str) -> bool:
    return _down_until.get(location, 0.0) > time.monotonic()


class FailOpenRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        self._retry_seconds = float(params.pop("FAILOPEN_RETRY_SECONDS", 5))
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        with _state_lock:
            if self._location not in _fallbacks:
                _fallbacks[self._location] = _FallbackCache(
                    f"failopen:{self._location}",
                    {"KEY_PREFIX": params.get("KEY_PREFIX", ""), "TIMEOUT": params.get("TIMEOUT", 300)},
                )
        self._fallback = _fallbacks[self._location]

    def validate_key(self, key: Any) -> None:
        """Redis keys may hold spaces (page cache keys do); memcached's key rules do not apply."""

    @property
    def degraded(self) -> bool:
        return redis_is_degraded(self._location)

    def _call(self, operation: str, primary: Callable[[], T], fallback: Callable[[], T]) -> T:
        if self.degraded:
            return fallback()
        try:
            return primary()
        except REDIS_DOWN_ERRORS as exc:
            CACHE_ERRORS.labels(operation=operation).inc()
            with _state_lock:
                first = not redis_is_degraded(self._location)
                _down_until[self._location] = time.monotonic() + self._retry_seconds
            if first:
                logger.warning(
                    "cache: Redis at %s does not answer (%s: %s); using the per-process fallback for %.0f s",
                    self._location.rsplit("@", 1)[-1],
                    type(exc).__name__,
                    exc,
                    self._retry_seconds,
                )
            return fallback()

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call(
            "add",
            lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version),
            lambda: self._fallback.add(key, value, timeout, version),
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call(
            "get",
            lambda: super(FailOpenRedisCache, self).get(key, default, version),
            lambda: self._fallback.get(key, default, version),
        )

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._call(
            "set",
            lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version),
            lambda: self._fallback.set(key, value, timeout, version),
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call(
            "touch",
            lambda: super(FailOpenRedisCache, self).touch(key, timeout, version),
            lambda: self._fallback.touch(key, timeout, version),
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._call(
            "delete",
            lambda: super(FailOpenRedisCache, self).delete(key, version),
            lambda: self._fallback.delete(key, version),
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._call(
            "get_many",
            lambda: super(FailOpenRedisCache, self).get_many(keys, version),
            lambda: self._fallback.get_many(keys, version),
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._call(
            "has_key",
            lambda: super(FailOpenRedisCache, self).has_key(key, version),
            lambda: self._fallback.has_key(key, version),
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._call(
            "incr",
            lambda: super(FailOpenRedisCache, self).incr(key, delta, version),
            lambda: self._fallback.incr(key, delta, version),
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._call(
            "set_many",
            lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version),
            lambda: self._fallback.set_many(data, timeout, version),
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        keys = list(keys)
        self._call(
            "delete_many",
            lambda: super(FailOpenRedisCache, self).delete_many(keys, version),
            lambda: self._fallback.delete_many(keys, version),
        )

    def clear(self) -> None:
        self._call("clear", lambda: super(FailOpenRedisCache, self).clear(), self._fallback.clear)

    def ping(self) -> bool:
        """True when Redis answers now (used by /readyz; ignores the skip interval, never raises)."""
        try:
            client = self._cache.get_client(write=True)
            return bool(client.ping())
        except REDIS_DOWN_ERRORS:
            return False
