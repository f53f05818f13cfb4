"""PDF rendering with WeasyPrint from Django templates. No network: only our own static files are served."""

import io
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (e.g. the complete list behind a summary, as CSV); `name` is what readers see."""

    name: str
    data: bytes
    description: str = ""


def render_pdf(
    *,
    template: str,
    context: dict,
    language: str | None = None,
    pdf_variant: str | None = "pdf/ua-1",
    attachments: Sequence[PdfAttachment] = (),
) -> bytes:
    """Render a Django template to PDF bytes: tagged, document language from <html lang>, PDF/UA-1 by default,
    with the given files embedded (the PDF's attachments panel lists them with their description)."""
    from weasyprint import HTML, Attachment

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    fetcher = StaticOnlyURLFetcher()
    document = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=fetcher)
    options: dict = {"pdf_variant": pdf_variant} if pdf_variant else {}
    if attachments:
        options["attachments"] = [
            Attachment(
                file_obj=io.BytesIO(a.data), url_fetcher=fetcher, name=a.name, description=a.description or a.name
            )
            for a in attachments
        ]
    return document.write_pdf(**options)
