import json

import pytest
from django.core import mail

from core.models import AccessibilityFeedback, OutboxMail, Page


def test_healthz_answers_ok_without_touching_the_database(client):
    # No django_db mark: any database access would raise here.
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


@pytest.mark.django_db
def test_readyz_answers_ok_when_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_fails_when_redis_is_configured_but_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert b"redis" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/bezirke/",
        "/bezirke/linden-limmer/",
        "/impressum/",
        "/datenschutz/",
        "/barrierefreiheit/",
        "/leichte-sprache/",
    ],
)
def test_public_page_renders_in_german(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b'<html lang="de">' in response.content


@pytest.mark.django_db
def test_legal_page_is_marked_as_draft_until_the_city_provides_text(client):
    assert "Entwurf" in client.get("/impressum/").content.decode()
    Page.objects.filter(slug="impressum").update(is_draft=False)
    assert "Entwurf" not in client.get("/impressum/").content.decode()


@pytest.mark.django_db
def test_legal_page_shows_text_edited_by_staff(client):
    Page.objects.filter(slug="datenschutz").update(body="Neuer Text vom Fachteam.")
    assert "Neuer Text vom Fachteam." in client.get("/datenschutz/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_accessibility_feedback_lands_in_admin_and_notifies_fachteam(client, settings):
    response = client.post("/barrierefreiheit/", {"message": "Das PDF ist nicht lesbar.", "page_url": "/x/"})
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.get().message == "Das PDF ist nicht lesbar."
    assert OutboxMail.objects.get().to == settings.FACHTEAM_EMAIL
    assert "Das PDF ist nicht lesbar." in mail.outbox[0].body


@pytest.mark.django_db
def test_accessibility_feedback_requires_a_message(client):
    response = client.post("/barrierefreiheit/", {"message": ""})
    assert response.status_code == 200
    assert AccessibilityFeedback.objects.count() == 0
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.django_db
def test_accessibility_feedback_honeypot_drops_bot_silently(client):
    response = client.post("/barrierefreiheit/", {"message": "Spam", "website": "http://spam.example"})
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.count() == 0


@pytest.mark.django_db
def test_unknown_page_gives_friendly_404(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.content.decode()


def test_500_page_renders_without_database_or_context(rf):
    from core.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "Entschuldigung" in response.content.decode()


@pytest.mark.django_db
def test_every_response_carries_a_same_origin_content_security_policy(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "http" not in csp


def test_a_database_outage_is_a_json_503_in_the_api_error_shape(rf):
    from django.db import OperationalError

    from core.views import error_500

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = error_500(rf.get("/api/v1/workshops/"))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "service_unavailable"


def test_a_server_error_of_the_api_is_json_in_the_api_error_shape(rf):
    from core.views import error_500

    response = error_500(rf.get("/api/v1/workshops/"))
    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "A server error occurred.", "code": "server_error"}
