"""Bot protection of registrations: single-use, time-limited stamps for the form and the API, the API's
honeypot, and a time trap that forgives a person who was too fast (issues 15.4 and 10.9, ADR 0016)."""

import time

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core.models import OutboxMail
from tests.factories import WorkshopFactory
from workshops.models import Registration
from workshops.stamps import make_form_stamp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def api_post(api, workshop, **data):
    body = {"name": "Erika Mustermann", "email": "erika@example.org", "privacy_consent": True, **data}
    return api.post(f"/api/v1/workshops/{workshop.slug}/registrations/", body, format="json")


def form_post(client, workshop, stamp, email="ada@example.org"):
    data = {"name": "Ada", "email": email, "seats": "1", "privacy_consent": "on", "website": "", "stamp": stamp}
    return client.post(f"/werkstaetten/{workshop.slug}/", data)


def old_stamp(workshop) -> str:
    return make_form_stamp(workshop_id=workshop.pk, at=time.time() - 60)


# --- API ----------------------------------------------------------------------------------------------------


def test_api_registration_without_a_stamp_is_refused_with_a_fresh_one(api):
    workshop = WorkshopFactory()
    response = api_post(api, workshop)
    assert (response.status_code, response.json()["code"]) == (400, "stamp_invalid")
    assert response.json()["stamp"]
    assert not Registration.objects.exists()


def test_api_hands_out_a_stamp_with_its_time_window(api, settings):
    workshop = WorkshopFactory()
    response = api.get(f"/api/v1/workshops/{workshop.slug}/registration-stamp/")
    assert response.status_code == 200
    assert set(response.json()) == {"stamp", "not_before", "expires_at"}
    assert response["Cache-Control"] == "no-store"


def test_api_stamp_sent_at_once_is_too_fast_and_the_retry_stamp_passes(api):
    workshop = WorkshopFactory()
    stamp = api.get(f"/api/v1/workshops/{workshop.slug}/registration-stamp/").json()["stamp"]
    first = api_post(api, workshop, stamp=stamp)
    assert (first.status_code, first.json()["code"]) == (400, "stamp_too_fast")
    again = api_post(api, workshop, stamp=first.json()["stamp"])
    assert (again.status_code, again.json()["status"]) == (201, "pending")


def test_api_stamp_is_single_use(api):
    workshop = WorkshopFactory(capacity=10)
    stamp = old_stamp(workshop)
    assert api_post(api, workshop, stamp=stamp).status_code == 201
    replay = api_post(api, workshop, stamp=stamp, email="bot@example.org")
    assert (replay.status_code, replay.json()["code"]) == (400, "stamp_used")
    assert not Registration.objects.filter(email="bot@example.org").exists()


def test_api_stamp_expires(api, settings):
    settings.REGISTRATION_STAMP_MAX_AGE_SECONDS = 600
    workshop = WorkshopFactory()
    stale = make_form_stamp(workshop_id=workshop.pk, at=time.time() - 601)
    response = api_post(api, workshop, stamp=stale)
    assert (response.status_code, response.json()["code"]) == (400, "stamp_expired")


def test_api_stamp_of_another_workshop_is_refused(api):
    workshop, other = WorkshopFactory.create_batch(2)
    response = api_post(api, workshop, stamp=old_stamp(other))
    assert (response.status_code, response.json()["code"]) == (400, "stamp_invalid")


def test_api_honeypot_answers_like_success_and_stores_nothing(api):
    workshop = WorkshopFactory()
    real = api_post(api, workshop, stamp=old_stamp(workshop), email="real@example.org")
    bot = api_post(api, workshop, website="https://spam.example")
    assert (bot.status_code, bot.json()) == (real.status_code, real.json())
    assert not Registration.objects.filter(email="erika@example.org").exists()
    assert not OutboxMail.objects.filter(to="erika@example.org").exists()


def test_schema_documents_the_stamp(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/workshops/{slug}/registration-stamp/" in schema["paths"]
    post = schema["paths"]["/api/v1/workshops/{slug}/registrations/"]["post"]
    assert "stamp" in str(post["responses"]["400"])
    request = schema["components"]["schemas"]["RegistrationRequest"]["properties"]
    assert {"stamp", "website"} <= set(request)


# --- form ---------------------------------------------------------------------------------------------------


def test_form_stamp_is_single_use(client):
    workshop = WorkshopFactory(capacity=10)
    stamp = old_stamp(workshop)
    assert form_post(client, workshop, stamp).status_code == 302
    replay = form_post(client, workshop, stamp, email="bot@example.org")
    assert replay.status_code == 400
    assert "bereits abgeschickt" in replay.content.decode()
    assert not Registration.objects.filter(email="bot@example.org").exists()


def test_form_filled_too_fast_passes_when_sent_again_at_once(client, settings):
    """Autofill: the first submission is too fast; sending the form again right away passes (issue 10.9)."""
    settings.REGISTRATION_MIN_FILL_SECONDS = 30
    workshop = WorkshopFactory()
    first = form_post(client, workshop, make_form_stamp(workshop_id=workshop.pk))
    assert first.status_code == 400
    again = form_post(client, workshop, first.context["form"]["stamp"].value())
    assert again.status_code == 302
    assert Registration.objects.filter(email="ada@example.org").exists()


def test_a_form_without_a_genuine_stamp_gets_no_retry_stamp(client, settings):
    settings.REGISTRATION_MIN_FILL_SECONDS = 30
    workshop = WorkshopFactory()
    first = form_post(client, workshop, "forged")
    again = form_post(client, workshop, first.context["form"]["stamp"].value())
    assert again.status_code == 400
    assert not Registration.objects.exists()


def test_form_mails_to_one_address_beyond_its_budget_are_dropped_with_the_same_page(client, settings):
    settings.REGISTRATION_ADDRESS_MAIL_LIMIT = "1/h"
    first, second = WorkshopFactory.create_batch(2)
    assert form_post(client, first, old_stamp(first)).status_code == 302
    dropped = form_post(client, second, old_stamp(second))
    assert (dropped.status_code, dropped["Location"]) == (302, f"/werkstaetten/{second.slug}/angemeldet/")
    assert OutboxMail.objects.filter(to="ada@example.org").count() == 1
    assert not Registration.objects.filter(workshop=second).exists()
