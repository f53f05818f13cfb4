"""Issue 9.5: every bad input is a 4xx. Hypothesis posts generated hostile bodies to every public form and API
endpoint and asserts that nothing answers 5xx; targeted tests pin the answers for the known attacks."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.validators import validate_free_text, validate_single_line
from tests import hostile
from tests.factories import RegistrationFactory, WorkshopFactory, api_stamp

pytestmark = pytest.mark.django_db

hostile_text = hostile.hostile_text()
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text)
json_values = st.recursive(
    json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
)
FIELDS = [
    "name",
    "email",
    "seats",
    "quarter",
    "support_needs",
    "support_consent",
    "privacy_consent",
    "message",
    "page_url",
    "website",
    "form_stamp",
    "overall",
    "comment",
    "login",
    "password",
    "language",
    "action",
    "next",
]
json_bodies = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8),
    json_values,
)
raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [b"[" * 50_000, b"{" * 50_000, b'{"name": "\xff\xfe"}', b'{"name": ' + b"[" * 5000 + b"1" + b"]" * 5000 + b"}"]
    ),
)
form_bodies = hostile.form_bodies(FIELDS, values=hostile_text, max_size=8)


@pytest.fixture
def targets():
    """Every public endpoint that takes input: (form POST paths, API paths, GET paths with query strings)."""
    from reflections import services as reflection_services

    workshop = WorkshopFactory(capacity=1000)
    registration = RegistrationFactory(workshop=workshop, pending=True)
    held = WorkshopFactory(starts_at=workshop.starts_at)
    attendee = RegistrationFactory(workshop=held)
    feedback_token = reflection_services.feedback_invitation_create(registration=attendee).token
    forms = [
        workshop.get_absolute_url(),
        f"/werkstaetten/bestaetigen/{registration.confirm_token}/",
        f"/werkstaetten/anmeldung/{registration.manage_token}/",
        f"/rueckmeldung/{feedback_token}/",
        "/barrierefreiheit/",
        "/konto/login/",
        "/konto/signup/",
        "/konto/password/reset/",
        "/i18n/setlang/",
    ]
    api = [f"/api/v1/workshops/{workshop.slug}/registrations/"]
    lists = ["/werkstaetten/", "/api/v1/workshops/", "/empfehlungen/", "/api/v1/recommendations/"]
    return forms, api, lists


HYPOTHESIS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _assert_no_5xx(response, what) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@HYPOTHESIS
@given(body=form_bodies)
def test_public_forms_never_answer_5xx(targets, body):
    client = Client(raise_request_exception=False)
    for path in targets[0]:
        _assert_no_5xx(client.post(path, body), f"POST {path} {body!r:.200}")


@HYPOTHESIS
@given(body=json_bodies, raw=raw_bodies)
def test_api_endpoints_never_answer_5xx(targets, body, raw):
    client = Client(raise_request_exception=False)
    for path in targets[1]:
        _assert_no_5xx(
            client.post(path, json.dumps(body), content_type="application/json"), f"POST {path} {body!r:.200}"
        )
        _assert_no_5xx(client.post(path, raw, content_type="application/json"), f"POST {path} raw {raw[:50]!r}")
        form = {key: value for key, value in body.items() if isinstance(value, str)} if isinstance(body, dict) else {}
        _assert_no_5xx(client.post(path, form), f"POST form {path} {form!r:.200}")


@HYPOTHESIS
@given(
    params=st.dictionaries(
        st.sampled_from(["district", "quarter", "format", "starts_after", "starts_before", "page", "q", "status"]),
        hostile_text,
        max_size=4,
    )
)
def test_lists_with_hostile_query_strings_never_answer_5xx(targets, params):
    client = Client(raise_request_exception=False)
    for path in targets[2]:
        _assert_no_5xx(client.get(path, params), f"GET {path} {params!r:.200}")


def test_deeply_nested_json_is_400(targets):
    path = targets[1][0]
    response = Client(raise_request_exception=False).post(path, b"[" * 50_000, content_type="application/json")
    assert response.status_code == 400


def test_nesting_deeper_than_the_limit_is_400(targets):
    body = {"name": [[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]], "email": "a@example.org"}
    response = Client().post(targets[1][0], json.dumps(body), content_type="application/json")
    assert response.status_code == 400


def test_an_object_in_a_string_field_is_400(targets):
    body = {"name": {"first": "Erika"}, "email": "erika@example.org", "privacy_consent": True}
    response = Client().post(targets[1][0], json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_invalid_utf8_json_is_400(targets):
    response = Client().post(targets[1][0], b'{"name": "\xff"}', content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u2069", "\x1b", "\x07", "\ufffd"])
def test_single_line_text_refuses_controls_and_bidi(char):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_single_line(f"Erika{char}Mustermann")


def test_free_text_keeps_line_breaks_and_refuses_bidi():
    from django.core.exceptions import ValidationError

    validate_free_text("Erste Zeile\nzweite Zeile\tmit Tab")
    with pytest.raises(ValidationError):
        validate_free_text("Text \u202egnuhcsinö")


def test_feedback_form_refuses_a_bidi_override_with_a_message(client):
    data = {"name": "Eri\u202eka", "email": "", "page_url": "/", "message": "Hallo", "website": ""}
    response = client.post("/barrierefreiheit/", data)
    assert response.status_code == 200
    assert "Schreibrichtung" in response.content.decode()


def test_feedback_form_refuses_invalid_utf8_with_a_message(client):
    body = b"name=Erika&page_url=%2F&website=&message=Hallo+%FF%FE+Welt"
    response = client.post("/barrierefreiheit/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "Zeichenkodierung" in response.content.decode()


def test_registration_api_refuses_a_bidi_override_in_the_name(targets):
    body = {"name": "Erika\u202eakirE", "email": "erika@example.org", "privacy_consent": True}
    response = Client().post(targets[1][0], json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "Schreibrichtung" in response.json()["name"][0]


def test_registration_form_refuses_a_control_character_in_the_name(client):
    workshop = WorkshopFactory()
    response = client.post(workshop.get_absolute_url(), {"name": "Erika\x1b[31m", "email": "erika@example.org"})
    assert response.status_code in (200, 400)
    assert "Steuerzeichen" in response.content.decode()


def test_a_retried_registration_for_a_held_seat_gets_the_same_truthful_answer_as_a_new_address(targets):
    from workshops.models import Registration

    workshop = WorkshopFactory(capacity=1)
    path = f"/api/v1/workshops/{workshop.slug}/registrations/"
    first = Client().post(
        path,
        {"name": "Erika", "email": "erika@example.org", "privacy_consent": True, "stamp": api_stamp(workshop)},
        content_type="application/json",
    )
    retried = Client().post(
        path,
        {"name": "Erika", "email": "erika@example.org", "privacy_consent": True, "stamp": api_stamp(workshop)},
        content_type="application/json",
    )
    stranger = Client().post(
        path,
        {"name": "Max", "email": "max@example.org", "privacy_consent": True, "stamp": api_stamp(workshop)},
        content_type="application/json",
    )
    assert first.status_code == retried.status_code == stranger.status_code == 201
    assert retried.json() == stranger.json()  # never reveals that erika@ is registered
    assert "E-Mail-Postfach" in retried.json()["detail"]
    assert "schon angemeldet" in retried.json()["detail"]  # true for Erika, who keeps her held seat
    assert Registration.objects.get(email="erika@example.org").status == Registration.Status.PENDING
