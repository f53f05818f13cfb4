"""Uploaded photos are re-encoded (issue 15, point 8): no EXIF/GPS, type by content, size and pixel
limits, server-side names; what the public photo route serves is the clean copy."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.images import InvalidImage
from reflections import services
from reflections.models import ResultPhoto
from tests.reflections.factories import held_workshop

pytestmark = pytest.mark.django_db


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (16, 12), (120, 80, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"  # Make
    exif[0x0110] = "Model-XYZ-4711"  # Model
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 33.0), 3: "E", 4: (9.0, 44.0, 12.0)}  # GPSInfo
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue()
    assert b"SecretCamMaker" in data and Image.open(BytesIO(data)).getexif().get_ifd(0x8825)
    return data


def gif_with_html_tail() -> bytes:
    buffer = BytesIO()
    Image.new("P", (4, 4)).save(buffer, format="GIF")
    return buffer.getvalue() + b"<html><script>alert(document.cookie)</script></html>"


def add(data: bytes, name: str, content_type: str = "image/jpeg") -> ResultPhoto:
    return services.result_photo_add(
        workshop=held_workshop(),
        image=SimpleUploadedFile(name, data, content_type),
        alt_text="Flipchart",
        is_public=True,
    )


def served(client, photo: ResultPhoto):
    response = client.get(photo.get_image_url())
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_gps_and_camera_exif_are_not_served(client):
    photo = add(jpeg_with_gps(), "IMG_4711.jpg")
    response, body = served(client, photo)
    assert response["Content-Type"] == "image/jpeg"
    assert b"SecretCamMaker" not in body and b"Model-XYZ-4711" not in body
    exif = Image.open(BytesIO(body)).getexif()
    assert not exif.get_ifd(0x8825)
    assert 0x010F not in exif


def test_a_gif_with_an_html_tail_is_served_as_a_clean_png(client):
    photo = add(gif_with_html_tail(), "report.pdf", "application/pdf")
    assert photo.image.name.endswith(".png")
    response, body = served(client, photo)
    assert response["Content-Type"] == "image/png"
    assert b"<script" not in body and b"<html" not in body
    assert Image.open(BytesIO(body)).format == "PNG"


def test_html_named_like_a_photo_is_refused():
    with pytest.raises(InvalidImage):
        add(b"<html><script>alert(1)</script></html>", "photo.jpg")
    assert not ResultPhoto.objects.exists()


def test_too_many_pixels_are_refused(settings):
    settings.PHOTO_MAX_PIXELS = 100
    buffer = BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, format="PNG")
    with pytest.raises(InvalidImage):
        add(buffer.getvalue(), "big.png", "image/png")


def test_too_many_bytes_are_refused(settings):
    settings.PHOTO_MAX_BYTES = 100
    with pytest.raises(InvalidImage):
        add(jpeg_with_gps(), "a.jpg")


def test_the_stored_name_is_made_server_side():
    photo = add(jpeg_with_gps(), "../../etc/Familie Müller Geburtstag.jpg")
    directory, filename = photo.image.name.split("/")
    assert directory == "photos"
    assert len(filename) == len("0123456789abcdef0123456789abcdef.jpg")
