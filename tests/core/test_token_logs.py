"""Tokens are kept out of access logs and log lines (issue 15, point 9)."""

import io
import logging
from types import SimpleNamespace

import pytest

from core.logs import REDACTED, GunicornLogger, RedactTokensFilter, redact_path, redact_text

# A fixed token of the real shape (43 url-safe characters): test ids must be equal in every xdist worker.
TOKEN = "PYvO_OczMYA75wgYOKU47DuX0BhrGOB9Gtm8EklwHLw"
TOKEN_PATHS = [
    f"/werkstaetten/bestaetigen/{TOKEN}/",
    f"/werkstaetten/anmeldung/{TOKEN}/",
    f"/rueckmeldung/{TOKEN}/",
    f"/folgen/bestaetigen/{TOKEN}/",
    f"/folgen/verwalten/{TOKEN}/",
    f"/folgen/abbestellen/{TOKEN}/",
    f"/folgen/alle-abbestellen/{TOKEN}/",
    f"/konto/zweiter-faktor/{TOKEN}/",
]


@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_every_token_route_is_redacted(path):
    from django.urls import resolve

    resolve(path)  # every listed path is a real route (raises Resolver404 if one was renamed)
    redacted = redact_path(path)
    assert TOKEN not in redacted and REDACTED in redacted


def test_mfa_invitation_route_is_among_the_redacted_ones():
    from django.urls import reverse

    path = reverse("accounts:mfa_enrol", kwargs={"token": TOKEN})
    assert TOKEN not in redact_path(path)


def test_other_paths_and_slugs_stay_readable():
    assert redact_path("/werkstaetten/") == "/werkstaetten/"
    assert (
        redact_text('"GET /api/v1/workshops/?page=2 HTTP/1.1" 200 10')
        == '"GET /api/v1/workshops/?page=2 HTTP/1.1" 200 10'
    )


def test_secret_query_parameters_are_redacted():
    assert TOKEN not in redact_path(f"/irgendwo/?token={TOKEN}&page=2")
    assert "page=2" in redact_path(f"/irgendwo/?token={TOKEN}&page=2")


def test_absolute_urls_in_messages_are_redacted():
    text = f"link was https://beteiligung.example.org/werkstaetten/anmeldung/{TOKEN}/ (expired)"
    redacted = redact_text(text)
    assert TOKEN not in redacted
    assert "https://beteiligung.example.org/werkstaetten/anmeldung/[redacted]/ (expired)" in redacted


def test_runserver_access_log_line_is_redacted_by_the_configured_handler():
    """django.server goes through the console handler, whose filter redacts the request line."""
    logger = logging.getLogger("django.server")
    console = next(h for h in logger.handlers if any(isinstance(f, RedactTokensFilter) for f in h.filters))
    stream = io.StringIO()
    old = console.setStream(stream)
    try:
        logger.info('"%s" %s %s', f"GET /werkstaetten/anmeldung/{TOKEN}/ HTTP/1.1", 200, 1234)
    finally:
        console.setStream(old)
    assert TOKEN not in stream.getvalue()
    assert "/werkstaetten/anmeldung/[redacted]/" in stream.getvalue()


def test_every_configured_handler_redacts(settings):
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact_tokens" in handler.get("filters", []), name


def _gunicorn_atoms(path, query="", referer=""):
    from gunicorn.config import Config

    logger = GunicornLogger(Config())
    headers = [("REFERER", referer)] if referer else []
    req = SimpleNamespace(
        method="GET",
        path=path,
        query=query,
        uri=path + ("?" + query if query else ""),
        version=(1, 1),
        headers=headers,
    )
    resp = SimpleNamespace(status="200 OK", response_length=10, sent=10, headers=[])
    environ = {
        "REMOTE_ADDR": "10.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": req.uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_REFERER": referer,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    from datetime import timedelta

    return logger.atoms(resp, req, environ, timedelta(milliseconds=5))


def test_gunicorn_access_log_atoms_are_redacted():
    atoms = _gunicorn_atoms(
        f"/werkstaetten/bestaetigen/{TOKEN}/", query=f"token={TOKEN}", referer=f"https://x.org/rueckmeldung/{TOKEN}/"
    )
    assert not [key for key, value in atoms.items() if isinstance(value, str) and TOKEN in value]
    assert "/werkstaetten/bestaetigen/[redacted]/" in atoms["r"]


def test_docker_image_and_compose_use_the_redacting_gunicorn_logger():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert "core.logs.GunicornLogger" in (root / "Dockerfile").read_text()
    assert "--logger-class core.logs.GunicornLogger" in (root / "docker-compose.yml").read_text()


@pytest.mark.parametrize("name", ["account_reset_password_from_key", "account_confirm_email"])
def test_allauth_key_links_are_redacted(name):
    from django.urls import reverse

    kwargs = (
        {"uidb36": "1a", "key": "Geheim-0123456789abcdef"} if "reset" in name else {"key": "Geheim-0123456789abcdef"}
    )
    path = reverse(name, kwargs=kwargs)  # allauth's routes are installed (raises NoReverseMatch otherwise)
    assert "Geheim-0123456789abcdef" not in redact_path(path)
