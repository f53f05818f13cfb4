"""Uploaded images are re-encoded before they are stored (DESIGN §5, issue 15 point 8).

Only the pixels survive: the content decides the type (not the name or the browser's content type), EXIF
(GPS, camera, owner) and every other metadata block are dropped, appended bytes (an HTML or PDF tail) are
gone, the file name is made server-side. Limits: PHOTO_MAX_BYTES and PHOTO_MAX_PIXELS (settings)."""

from __future__ import annotations

import io
import warnings
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.exceptions import ApplicationError

# Input formats accepted by content, and the format each one is written as.
OUTPUT_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class InvalidImage(ApplicationError):
    pass


def _max_bytes() -> int:
    return int(getattr(settings, "PHOTO_MAX_BYTES", 10 * 1024 * 1024))


def _max_pixels() -> int:
    return int(getattr(settings, "PHOTO_MAX_PIXELS", 40_000_000))


def image_reencode(upload: Any) -> ContentFile:
    """A clean copy of the uploaded image as JPEG, PNG or WebP (named `image.<ext>`); raises InvalidImage."""
    size = getattr(upload, "size", None)
    if size is not None and size > _max_bytes():
        raise InvalidImage(
            _("Das Foto ist zu groß (höchstens %(mb)d MB).") % {"mb": _max_bytes() // (1024 * 1024)},
            code="image_too_large",
        )
    upload.seek(0)
    data = upload.read(_max_bytes() + 1)
    if len(data) > _max_bytes():
        raise InvalidImage(
            _("Das Foto ist zu groß (höchstens %(mb)d MB).") % {"mb": _max_bytes() // (1024 * 1024)},
            code="image_too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            if image.format not in OUTPUT_FORMAT:
                raise InvalidImage(_("Bitte laden Sie ein Foto als JPEG, PNG oder WebP hoch."), code="image_type")
            width, height = image.size
            if width * height > _max_pixels() or width < 1 or height < 1:
                raise InvalidImage(_("Das Foto hat zu viele Bildpunkte."), code="image_too_many_pixels")
            image.load()
    except InvalidImage:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as exc:
        raise InvalidImage(_("Die Datei ist kein lesbares Foto."), code="image_unreadable") from exc
    output = OUTPUT_FORMAT[str(image.format)]
    image = ImageOps.exif_transpose(image) or image  # keep the visible orientation, then drop the EXIF
    if output == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    clean = image.copy()
    clean.info = {}
    buffer = io.BytesIO()
    options: dict[str, Any] = {"quality": 88} if output in ("JPEG", "WEBP") else {"optimize": True}
    clean.save(buffer, format=output, **options)
    return ContentFile(buffer.getvalue(), name=f"image.{EXTENSION[output]}")
