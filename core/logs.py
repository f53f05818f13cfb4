"""Logging for operations: JSON lines for the log collector, and error reports to ADMINS through the outbox.

`OutboxAdminEmailHandler` replaces Django's AdminEmailHandler: it writes one outbox row per admin instead of
talking SMTP inside the failing request, so reporting an error never blocks or fails the request (a database
that is down drops the report, counted in `hb_error_mails_dropped_total`). The report holds the log message,
the request's method and path and the traceback, not the request's headers, cookies or form data (a stored
mail never holds a usable secret). The same message is reported at most once per REPORT_INTERVAL per process,
so an error in a loop does not flood the admins."""

import json
import logging
import re
import threading
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.conf import settings

# --- tokens out of logs (issue 15, point 9) ------------------------------------------------------------------
# Confirmation, manage, feedback, subscription, MFA-invitation and allauth links carry their secret in the
# path. Every log line that goes through the configured handlers, runserver's access log (django.server) and
# gunicorn's access log (GunicornLogger, `--logger-class core.logs.GunicornLogger`) shows "[redacted]" instead.

REDACTED = "[redacted]"
# URL keyword arguments and query parameters whose value is a secret.
_SECRET_NAME = re.compile(r"token|key|secret|signature|code", re.IGNORECASE)
_URLISH = re.compile(r"(?P<origin>https?://[^/\s\"'<>]+)?(?P<path>/[^\s\"'<>]*)")


def redact_query(query: str) -> str:
    """A query string (without "?") with the values of secret-named parameters replaced."""
    if not query or not _SECRET_NAME.search(query):
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, REDACTED if _SECRET_NAME.search(k) else v) for k, v in pairs], safe="[]/")


def redact_path(path: str) -> str:
    """A path (with optional query) with the secret parts of the route it resolves to replaced."""
    from django.urls import resolve

    path, sep, query = path.partition("?")
    try:
        match = resolve(path)
    except Exception:  # not a route of ours (404 elsewhere), or Django not set up: leave the path
        match = None
    if match is not None:
        for name, value in match.kwargs.items():
            if _SECRET_NAME.search(name) and isinstance(value, str) and value:
                path = path.replace(value, REDACTED)
    return path + sep + redact_query(query)


def redact_text(text: str) -> str:
    """Every path or URL in a log message with its secrets replaced."""
    if "/" not in text:
        return text
    return _URLISH.sub(lambda m: (m.group("origin") or "") + redact_path(m.group("path")), text)


class RedactTokensFilter(logging.Filter):
    """Handler filter: the formatted message without the secrets of token links (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


try:  # gunicorn is a production dependency; the class is only used with `--logger-class`
    from gunicorn.glogging import Logger as _GunicornBaseLogger
except ImportError:  # pragma: no cover
    _GunicornBaseLogger = object  # type: ignore[assignment,misc]


class GunicornLogger(_GunicornBaseLogger):  # type: ignore[misc,valid-type]
    """gunicorn's logger with the request line, path, query and referer of access log lines redacted."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)  # type: ignore[misc]
        for key, value in atoms.items():  # r, U, f and every header/environ atom ({referer}i, {raw_uri}e …)
            if isinstance(value, str):
                atoms[key] = redact_query(value) if key in ("q", "{query_string}e") else redact_text(value)
        return atoms


# Attributes every LogRecord has; anything else (passed with `extra=`) goes into the JSON object as is.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, exception, and `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key != "request":
                payload[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            payload["method"] = getattr(request, "method", "")
            payload["path"] = redact_path(request.path)
        return json.dumps(payload, ensure_ascii=False)


class OutboxAdminEmailHandler(logging.Handler):
    REPORT_INTERVAL = 300.0

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self._last_sent: dict[str, float] = {}
        self._guard = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if not settings.ADMINS or getattr(self._guard, "active", False):
            return
        summary = record.getMessage().splitlines()[0][:150] if record.getMessage() else record.name
        now = time.monotonic()
        if now - self._last_sent.get(summary, -self.REPORT_INTERVAL) < self.REPORT_INTERVAL:
            return
        self._last_sent[summary] = now
        request = getattr(record, "request", None)
        lines = [f"{record.levelname} {record.name}: {redact_text(record.getMessage())}"]
        if request is not None and hasattr(request, "path"):
            lines.append(f"{request.method} {redact_path(request.path)}")
        if record.exc_info:
            lines += ["", logging.Formatter().formatException(record.exc_info)]
        self._guard.active = True
        try:
            from django.db import transaction

            from .services import outbox_write

            with transaction.atomic():
                for _name, address in settings.ADMINS:
                    outbox_write(
                        to=address,
                        subject=f"[Bezirkswerkstätten] {record.levelname}: {summary}"[:255],
                        body_text="\n".join(lines),
                        topic="error_report",
                    )
        except Exception:  # the database may be the very thing that is failing: drop the report, count it
            from .metrics import ERROR_MAILS_DROPPED

            ERROR_MAILS_DROPPED.inc()
        finally:
            self._guard.active = False
