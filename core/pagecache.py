"""Whole-page caching for anonymous GET requests of busy public pages (workshop list and detail).

Such a page differs per request only in its CSRF token (footer language form, registration form) and, on
the workshop page, the signed timestamp of the registration form. The page is rendered once per `key`
with markers in their place; each request fills in its own values, so nobody is served another person's
token. Pages with messages (session state) and logged-in users are always rendered afresh."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CSRF_MARK = "hb-csrf-mark-7f3a"
PAGE_CACHE_SECONDS = 60


def cacheable(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and len(messages.get_messages(request)) == 0
    )


def cached_page(
    request: HttpRequest,
    *,
    key: str,
    render: Callable[[dict], HttpResponse],
    fill: dict[str, Callable[[], str]] | None = None,
) -> HttpResponse:
    """The response of `render(extra_context)` for `key`, rendered at most once per PAGE_CACHE_SECONDS.

    `render` gets the context to add (the CSRF marker); `fill` maps further markers the page contains to
    functions giving their per-request value."""
    full_key = f"page:{get_language()}:{key}:{request.get_full_path()}"
    html = cache.get(full_key)
    if html is None:
        response = render({"csrf_token": CSRF_MARK})
        if response.status_code != 200:
            return response
        html = response.content.decode()
        cache.set(full_key, html, PAGE_CACHE_SECONDS)
    html = html.replace(CSRF_MARK, get_token(request))
    for mark, value in (fill or {}).items():
        html = html.replace(mark, value())
    return HttpResponse(html)
