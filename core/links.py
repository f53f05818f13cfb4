"""Absolute URLs (mails, calendar files, API fields) from one place: SITE_URL plus a reversed path.

Paths always come from `reverse`, so a changed URL pattern changes every link that points to it."""

from typing import Any

from django.conf import settings
from django.urls import reverse


def absolute_path(path: str) -> str:
    """SITE_URL + an already built path (e.g. `get_absolute_url()`, a storage URL) starting with "/"."""
    if not path.startswith("/"):
        raise ValueError(f"not an absolute path: {path!r}")
    return f"{settings.SITE_URL}{path}"


def absolute_url(viewname: str, *args: Any, query: str = "", **kwargs: Any) -> str:
    """The absolute URL of a named view: `absolute_url("workshops:detail", slug=w.slug)`.

    `query` (without "?") is appended as the query string."""
    path = reverse(viewname, args=args or None, kwargs=kwargs or None)
    return absolute_path(path) + (f"?{query}" if query else "")
