"""Private files: a storage no URL maps to, random server-side names, and one way to serve a file.

Report PDFs and result photos live under PRIVATE_MEDIA_ROOT (not MEDIA_ROOT): neither Django's static
media serving nor a web server's `/media/` location can reach them. Views check the rule set first and
then call `serve_private_file`, which either streams the file (FileResponse) or, when
PRIVATE_MEDIA_ACCEL_REDIRECT is set (e.g. "/_private/"), hands the delivery to nginx with an
`X-Accel-Redirect` header pointing into an `internal` location (see the README's deployment section).
"""

from __future__ import annotations

import os
import secrets
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.deconstruct import deconstructible
from django.utils.encoding import escape_uri_path


class PrivateFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage under PRIVATE_MEDIA_ROOT without a base URL: `.url()` raises."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)

    @property
    def base_location(self) -> Any:  # type: ignore[override]
        # Read the setting at use time (tests override it per test).
        return self._value_or_setting(getattr(self, "_location", None), settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> Any:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> Any:  # type: ignore[override]
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


_private_storage = PrivateFileSystemStorage()


def private_storage() -> PrivateFileSystemStorage:
    """The storage of private files (a callable so that migrations do not record the location)."""
    return _private_storage


@deconstructible
class RandomName:
    """`upload_to` that ignores the client's name: `<prefix>/<32 hex chars>.<extension>`.

    The extension comes from the original name only when it is one of `extensions` (lower case), else the first
    of them; services that re-encode content pass the name with the extension of the format they wrote."""

    def __init__(self, prefix: str, extensions: tuple[str, ...]) -> None:
        self.prefix = prefix
        self.extensions = extensions

    def __call__(self, instance: object, filename: str) -> str:
        extension = PurePosixPath(filename or "").suffix.lower().lstrip(".")
        if extension not in self.extensions:
            extension = self.extensions[0]
        return f"{self.prefix}/{secrets.token_hex(16)}.{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and (self.prefix, self.extensions) == (other.prefix, other.extensions)

    def __hash__(self) -> int:
        return hash((self.prefix, self.extensions))


def serve_private_file(
    fieldfile: Any,
    *,
    content_type: str,
    filename: str | None = None,
    as_attachment: bool = False,
    cache_control: str = "private, no-store",
) -> HttpResponseBase:
    """Deliver a stored private file; call only after the permission check.

    With PRIVATE_MEDIA_ACCEL_REDIRECT the web server sends the bytes (X-Accel-Redirect to an internal
    location that maps to PRIVATE_MEDIA_ROOT); otherwise Django streams them."""
    name = fieldfile.name
    prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_REDIRECT", "")
    response: HttpResponse | FileResponse
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = escape_uri_path(prefix.rstrip("/") + "/" + name.lstrip("/"))
        if filename:
            disposition = "attachment" if as_attachment else "inline"
            response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(filename)}"
    else:
        response = FileResponse(
            fieldfile.open("rb"), as_attachment=as_attachment, filename=filename or "", content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response
