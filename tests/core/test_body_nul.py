"""A NUL character or a lone surrogate in a request body is refused with 400 before any view sees it.

PostgreSQL cannot compare text with NUL (a DataError, i.e. a 500, when a value reaches a lookup such as a
slug or a related field), and a lone surrogate from a JSON `\\ud800` escape cannot be encoded again when an
error message repeats it. Character fields refuse NUL themselves, but choice, slug and related fields do not."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import DistrictFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_a_nul_in_a_form_field_of_a_page_is_a_400(client):
    district = DistrictFactory()
    data = {"email": "a@example.org", "kind": "district", "target": district.slug + "\x00", "consent": "on"}
    response = client.post("/folgen/", data)
    assert response.status_code == 400


def test_a_nul_in_a_form_encoded_api_body_is_a_400_in_the_api_error_shape(client):
    workshop = WorkshopFactory()
    body = "name=A&email=a%40example.org&privacy_consent=true&quarter=a%00b"
    response = client.post(
        f"/api/v1/workshops/{workshop.slug}/registrations/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_multipart_api_body_is_a_400(client):
    workshop = WorkshopFactory()
    data = {"name": "A", "email": "a@example.org", "privacy_consent": "true", "quarter": "a\x00b"}
    response = client.post(f"/api/v1/workshops/{workshop.slug}/registrations/", data)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_json_string_is_a_400(client):
    district = DistrictFactory()
    body = {"email": "a@example.org", "kind": "district", "target": district.slug + "\x00", "consent": True}
    response = client.post("/api/v1/subscriptions/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_json_key_is_a_400(client):
    body = '{"email": "a@example.org", "a\\u0000": 1}'
    response = client.post("/api/v1/subscriptions/", body, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_lone_surrogate_in_a_json_string_is_a_400(client):
    body = '{"email": "a@example.org", "kind": "\\ud800", "target": "x", "consent": true}'
    response = client.post("/api/v1/subscriptions/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_lone_surrogate_in_a_json_registration_is_a_400(client):
    workshop = WorkshopFactory()
    body = '{"name": "A", "email": "a@example.org", "privacy_consent": true, "language": "\\udfff"}'
    response = client.post(f"/api/v1/workshops/{workshop.slug}/registrations/", body, content_type="application/json")
    assert response.status_code == 400


def test_nul_bytes_in_an_uploaded_file_are_not_refused(client):
    district = DistrictFactory()
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8\x00\x00\xff\xd9", content_type="image/jpeg")
    data = {"email": "a@example.org", "kind": "district", "target": district.slug, "consent": "on", "file": upload}
    response = client.post("/folgen/", data)
    assert response.status_code == 302
