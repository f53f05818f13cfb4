"""Private files (issue 15, point 1): report PDFs and result photos live outside MEDIA_ROOT under random
names and are served only through permission-checked views (X-Accel-Redirect behind a setting)."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.views.static import serve
from PIL import Image

from recommendations import tasks
from recommendations.models import ReportJob
from reflections import services as reflection_services
from tests.auth import login_with_mfa
from tests.recommendations.factories import ReportJobFactory, fachteam_user
from tests.reflections.factories import held_workshop, lead_of

pytestmark = pytest.mark.django_db


def png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def done_report() -> ReportJob:
    job = ReportJobFactory(requested_by=fachteam_user(), title="Bericht Mitte")
    tasks.report_generate(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    return job


def photo(*, is_public: bool, workshop=None):
    workshop = workshop or held_workshop()
    return reflection_services.result_photo_add(
        workshop=workshop,
        image=SimpleUploadedFile("IMG_0001.png", png(), "image/png"),
        alt_text="Pinnwand mit Ideen",
        is_public=is_public,
    )


def media_serve(settings, name: str):
    """What `/media/<name>` answers when the media directory is served (Django's DEBUG view or a web server)."""
    return serve(RequestFactory().get(f"/media/{name}"), path=name, document_root=str(settings.MEDIA_ROOT))


def test_a_report_pdf_is_not_reachable_under_media(settings):
    job = done_report()
    with pytest.raises(Http404):
        media_serve(settings, job.file.name)
    assert (settings.PRIVATE_MEDIA_ROOT / job.file.name).is_file()


def test_a_report_pdf_has_a_random_name_and_no_url():
    job = done_report()
    assert "bericht" not in job.file.name.lower()
    assert len(job.file.name.split("/")[-1]) == len("0123456789abcdef0123456789abcdef.pdf")
    with pytest.raises(ValueError):
        job.file.url  # noqa: B018


def test_anonymous_cannot_download_a_report_pdf(client):
    job = done_report()
    response = client.get(reverse("recommendations:report_download", args=[job.pk]))
    assert response.status_code in (302, 403, 404)
    assert b"%PDF" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_the_requester_downloads_the_report_pdf(client):
    job = done_report()
    login_with_mfa(client, job.requested_by)
    response = client.get(reverse("recommendations:report_download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"


def test_report_download_hands_over_to_nginx_when_configured(client, settings):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    job = done_report()
    login_with_mfa(client, job.requested_by)
    response = client.get(reverse("recommendations:report_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{job.file.name}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_non_public_photo_is_not_reachable_under_media(settings):
    private = photo(is_public=False)
    with pytest.raises(Http404):
        media_serve(settings, private.image.name)
    assert "IMG_0001" not in private.image.name


def test_anonymous_gets_404_for_a_non_public_photo(client):
    private = photo(is_public=False)
    assert client.get(private.get_image_url()).status_code == 404


def test_anonymous_gets_a_public_photo_of_a_documented_workshop(client):
    public = photo(is_public=True)
    response = client.get(public.get_image_url())
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/png", "image/jpeg", "image/webp"}
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_team_sees_a_non_public_photo(client):
    workshop = held_workshop()
    private = photo(is_public=False, workshop=workshop)
    login_with_mfa(client, lead_of(workshop))
    assert client.get(private.get_image_url()).status_code == 200
