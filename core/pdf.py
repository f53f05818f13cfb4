"""PDF rendering with WeasyPrint from Django templates. No network: only our own static files are served."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint.urls import URLFetcher, URLFetcherResponse


class ForbiddenResource(ValueError):
    pass


class StaticOnlyURLFetcher(URLFetcher):
    """Serves `/static/...` from our own files and `data:` URLs; refuses everything else.

    WeasyPrint would otherwise fetch any http(s) or file URL that a template or user content names."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parsed = urlparse(url)
        path = unquote(parsed.path)
        if parsed.scheme in ("http", "https") and path.startswith(settings.STATIC_URL) and ".." not in path:
            found = finders.find(path[len(settings.STATIC_URL) :])
            if found:
                file_path = Path(found)
                mime_type = mimetypes.guess_type(file_path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, file_path.read_bytes(), {"Content-Type": mime_type})
        raise ForbiddenResource(f"PDF rendering may only load our own static files, not {url!r}")


def render_pdf(
    *, template: str, context: dict, language: str | None = None, pdf_variant: str | None = "pdf/ua-1"
) -> bytes:
    """Render a Django template to PDF bytes: tagged, document language from <html lang>, PDF/UA-1 by default."""
    from weasyprint import HTML

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    document = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=StaticOnlyURLFetcher())
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    return document.write_pdf(**options)
