"""The workshop API (DESIGN §6): list, detail, registration, throttling, schema."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import OutboxMail
from tests.factories import FormatFactory, QuarterFactory, RegistrationFactory, WorkshopFactory, fill
from workshops.models import Registration
from workshops.stamps import make_form_stamp

pytestmark = pytest.mark.django_db

DOCUMENTED = {
    "slug",
    "title",
    "district",
    "quarters",
    "format",
    "starts_at",
    "ends_at",
    "capacity",
    "seats_available",
    "registration_open",
    "waitlist_open",
    "status",
    "url",
}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def body(**overrides):
    return {"name": "Erika Mustermann", "email": "erika@example.org", "privacy_consent": True, **overrides}


def stamp_for(workshop) -> str:
    """A stamp as GET …/registration-stamp/ hands it out, old enough for the time trap."""
    return make_form_stamp(workshop_id=workshop.pk, at=time.time() - 60)


def post(api, workshop, data, **extra):
    data = {"stamp": stamp_for(workshop), **data}
    return api.post(f"/api/v1/workshops/{workshop.slug}/registrations/", data, format="json", **extra)


# --- list -------------------------------------------------------------------------------------------------


def test_list_is_paginated_with_count_next_previous_results(api):
    WorkshopFactory.create_batch(21)
    data = api.get("/api/v1/workshops/").json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert (data["count"], len(data["results"]), data["previous"]) == (21, 20, None)
    assert data["next"].endswith("page=2")


def test_list_entries_have_the_documented_fields(api):
    WorkshopFactory()
    entry = api.get("/api/v1/workshops/").json()["results"][0]
    assert set(entry) >= DOCUMENTED


def test_list_shows_every_public_workshop_but_no_draft(api):
    shown = {
        WorkshopFactory(status="published").slug,
        WorkshopFactory(status="held").slug,
        WorkshopFactory(status="documented").slug,
        WorkshopFactory(status="cancelled").slug,
    }
    WorkshopFactory(status="draft")
    assert {w["slug"] for w in api.get("/api/v1/workshops/").json()["results"]} == shown


def test_list_filters_by_district(api):
    mine = WorkshopFactory()
    WorkshopFactory(district__number=1, district__name="Mitte", district__slug="mitte")
    results = api.get("/api/v1/workshops/", {"district": "linden-limmer"}).json()["results"]
    assert [w["slug"] for w in results] == [mine.slug]


def test_list_filters_by_quarter(api):
    mine = WorkshopFactory(quarters=[QuarterFactory(name="Linden-Nord")])
    WorkshopFactory(quarters=[QuarterFactory(name="Limmer")])
    results = api.get("/api/v1/workshops/", {"quarter": "linden-nord"}).json()["results"]
    assert [w["slug"] for w in results] == [mine.slug]


def test_list_filters_by_format(api):
    mine = WorkshopFactory(format=FormatFactory(slug="world-cafe", name="World Café"))
    WorkshopFactory()
    results = api.get("/api/v1/workshops/", {"format": "world-cafe"}).json()["results"]
    assert [w["slug"] for w in results] == [mine.slug]


def test_list_filters_by_period(api):
    now = timezone.now()
    early = WorkshopFactory(starts_at=now + timedelta(days=3))
    WorkshopFactory(starts_at=now + timedelta(days=30))
    WorkshopFactory(starts_at=now - timedelta(days=30), status="held")
    params = {"starts_after": now.date().isoformat(), "starts_before": (now + timedelta(days=10)).isoformat()}
    results = api.get("/api/v1/workshops/", params).json()["results"]
    assert [w["slug"] for w in results] == [early.slug]


def test_list_with_a_bad_date_answers_400(api):
    response = api.get("/api/v1/workshops/", {"starts_after": "next tuesday"})
    assert response.status_code == 400
    assert "starts_after" in response.json()


@pytest.mark.parametrize("count", [3, 30])
def test_list_runs_a_constant_number_of_queries(api, count, django_assert_max_num_queries):
    quarter = QuarterFactory()
    for workshop in WorkshopFactory.create_batch(count, quarters=[quarter]):
        RegistrationFactory(workshop=workshop)
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/workshops/")
    assert len(response.json()["results"]) == min(count, 20)


# --- detail -----------------------------------------------------------------------------------------------


def test_detail_shows_seats_available_and_open_flags(api):
    workshop = WorkshopFactory(capacity=10)
    RegistrationFactory(workshop=workshop, seats=3)
    data = api.get(f"/api/v1/workshops/{workshop.slug}/").json()
    assert set(data) >= DOCUMENTED
    assert (data["capacity"], data["seats_available"], data["registration_open"], data["waitlist_open"]) == (
        10,
        7,
        True,
        True,
    )
    assert data["url"].endswith(f"/werkstaetten/{workshop.slug}/")
    assert data["district"]["slug"] == "linden-limmer"


def test_detail_of_a_draft_is_404(api):
    assert api.get(f"/api/v1/workshops/{WorkshopFactory(draft=True).slug}/").status_code == 404


# --- registration -----------------------------------------------------------------------------------------


def test_registration_answers_201_pending(api):
    workshop = WorkshopFactory()
    response = post(api, workshop, body(seats=2))
    assert (response.status_code, response.json()["status"]) == (201, "pending")
    assert Registration.objects.get(workshop=workshop).seats == 2


def test_registration_on_a_full_workshop_answers_201_waitlisted(api):
    workshop = WorkshopFactory(capacity=1)
    fill(workshop)
    response = post(api, workshop, body())
    assert (response.status_code, response.json()["status"]) == (201, "waitlisted")


def test_known_address_gets_the_identical_answer(api):
    workshop = WorkshopFactory()
    first = post(api, workshop, body())
    again = post(api, workshop, body(email="ERIKA@example.org"))
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert Registration.objects.filter(workshop=workshop).count() == 1


def test_registration_with_support_needs_and_quarter(api):
    workshop = WorkshopFactory()
    QuarterFactory(name="Linden-Nord")
    response = post(
        api,
        workshop,
        body(quarter="linden-nord", support_needs={"childcare": True, "other": "Rampe"}, support_consent=True),
    )
    registration = Registration.objects.get(workshop=workshop)
    assert response.status_code == 201
    assert (registration.quarter.slug, registration.support_childcare, registration.support_other) == (
        "linden-nord",
        True,
        "Rampe",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"name": ""}, "name"),
        ({"privacy_consent": False}, "privacy_consent"),
        ({"seats": 0}, "seats"),
        ({"seats": 9}, "seats"),
        ({"quarter": "atlantis"}, "quarter"),
        ({"support_needs": {"childcare": True}}, "support_consent"),
    ],
)
def test_bad_input_answers_400_with_field_errors(api, overrides, field):
    data = body(**overrides)
    response = post(api, WorkshopFactory(), data)
    assert response.status_code == 400
    assert field in response.json()
    assert not Registration.objects.exists()


def test_missing_privacy_consent_answers_400(api):
    data = body()
    del data["privacy_consent"]
    response = post(api, WorkshopFactory(), data)
    assert (response.status_code, list(response.json())) == (400, ["detail", "code", "privacy_consent"])


def test_registration_for_a_closed_workshop_answers_400(api):
    workshop = WorkshopFactory(registration_closes_at=timezone.now() - timedelta(hours=1))
    response = post(api, workshop, body())
    assert (response.status_code, response.json()["code"]) == (400, "registration_closed")


def test_registration_for_a_draft_answers_404(api):
    assert post(api, WorkshopFactory(draft=True), body()).status_code == 404


def test_too_many_registrations_from_one_address_answer_429(api, settings):
    settings.REGISTRATION_RATE_LIMIT = "3/m"
    workshop = WorkshopFactory(capacity=50)
    codes = [post(api, workshop, body(email=f"p{i}@example.org")).status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]


def test_registrations_for_one_email_from_many_ips_are_never_throttled(api, settings):
    """A third party must not exhaust a victim address's limit (issue 15.4): no 429 per address."""
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    workshops = WorkshopFactory.create_batch(3)
    codes = [post(api, w, body(), REMOTE_ADDR=f"10.0.0.{i}").status_code for i, w in enumerate(workshops)]
    assert codes == [201, 201, 201]


def test_mails_to_one_address_beyond_its_budget_are_dropped_with_the_same_answer(api, settings):
    settings.REGISTRATION_ADDRESS_MAIL_LIMIT = "2/h"
    workshops = WorkshopFactory.create_batch(3)
    answers = [post(api, w, body(), REMOTE_ADDR=f"10.0.0.{i}") for i, w in enumerate(workshops)]
    assert {(a.status_code, a.json()["status"]) for a in answers} == {(201, "pending")}
    assert answers[2].json() == answers[0].json()
    assert OutboxMail.objects.filter(to="erika@example.org").count() == 2
    assert Registration.objects.filter(email="erika@example.org").count() == 2


def test_the_address_owner_can_still_register_after_a_flood_once_the_window_passed(api, settings):
    settings.REGISTRATION_ADDRESS_MAIL_LIMIT = "1/h"
    first, second = WorkshopFactory.create_batch(2)
    post(api, first, body(), REMOTE_ADDR="10.0.0.9")
    cache.clear()  # the window passed
    assert post(api, second, body()).status_code == 201
    assert Registration.objects.filter(workshop=second, email="erika@example.org").exists()


def test_rate_limit_off_never_throttles(api, settings):
    settings.REGISTRATION_RATE_LIMIT = "off"
    workshop = WorkshopFactory(capacity=50)
    assert {post(api, workshop, body(email=f"p{i}@example.org")).status_code for i in range(25)} == {201}


# --- schema -----------------------------------------------------------------------------------------------


def test_schema_documents_the_workshop_endpoints(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    text = response.content.decode()
    assert response.status_code == 200
    assert "/api/v1/workshops/{slug}/registrations/" in text
    assert "starts_after" in text and "RegistrationRequest" in text


# --- rate limit -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("20/m", (20, 60)), ("100/h", (100, 3600)), ("5/10m", (5, 600)), ("3/s", (3, 1)), ("1/d", (1, 86400))],
)
def test_rate_is_parsed(value, expected):
    from workshops.ratelimit import parse_rate

    rate = parse_rate(value)
    assert (rate.count, rate.seconds) == expected


@pytest.mark.parametrize("value", ["off", "OFF", "", None])
def test_rate_off_means_no_limit(value):
    from workshops.ratelimit import parse_rate

    assert parse_rate(value) is None


def test_nonsense_rate_raises():
    from workshops.ratelimit import parse_rate

    with pytest.raises(ValueError):
        parse_rate("twenty per minute")


def test_rate_limit_keys_do_not_contain_the_address():
    from workshops.ratelimit import _key

    assert "erika" not in _key("email", "erika@example.org")


def test_throttled_answer_carries_retry_after(api, settings):
    settings.REGISTRATION_RATE_LIMIT = "1/m"
    workshop = WorkshopFactory(capacity=50)
    post(api, workshop, body(email="a@example.org"))
    response = post(api, workshop, body(email="b@example.org"))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"


def test_fast_workshop_representation_equals_the_declared_fields():
    from django.utils import timezone as tz

    from workshops.api.serializers import WorkshopSerializer
    from workshops.selectors import workshops_public

    WorkshopFactory(quarters=[QuarterFactory()], online_url="https://example.org/raum", registration_closes_at=None)
    WorkshopFactory(status="held", starts_at=tz.now() - timedelta(days=3))
    for workshop in workshops_public():
        serializer = WorkshopSerializer(context={"now": tz.now()})
        assert serializer.to_representation(workshop) == serializer.generic_representation(workshop)


def test_registration_right_after_a_cancellation_is_refused_despite_the_cached_workshop(api):
    from workshops import services

    workshop = WorkshopFactory(capacity=5)
    assert post(api, workshop, body(email="first@example.org")).status_code == 201  # workshop now cached
    services.workshop_cancel(workshop=workshop, reason="Krankheit")
    response = post(api, workshop, body(email="second@example.org"))
    assert (response.status_code, response.json()["code"]) == (400, "registration_closed")
    assert not Registration.objects.active().filter(workshop=workshop).exists()


def test_cancelled_workshop_answers_alike_in_html_and_api(api, client):
    workshop = WorkshopFactory(cancelled=True, cancellation_reason="Der Raum ist gesperrt.")
    html = client.get(f"/werkstaetten/{workshop.slug}/")
    response = api.get(f"/api/v1/workshops/{workshop.slug}/")
    assert (html.status_code, response.status_code) == (200, 200)
    assert (response.json()["status"], response.json()["registration_open"]) == ("cancelled", False)
    assert "abgesagt" in html.content.decode().lower()


def test_draft_workshop_is_missing_alike_in_html_and_api(api, client):
    workshop = WorkshopFactory(status="draft")
    html = client.get(f"/werkstaetten/{workshop.slug}/")
    assert (html.status_code, api.get(f"/api/v1/workshops/{workshop.slug}/").status_code) == (404, 404)


@pytest.mark.parametrize("count", [3, 30])
def test_list_from_the_fragment_cache_runs_one_query_when_warm(api, count, settings, django_assert_max_num_queries):
    from core import fragments

    settings.FRAGMENT_CACHE_ENABLED = True
    fragments.clear()
    quarter = QuarterFactory()
    WorkshopFactory.create_batch(count, quarters=[quarter])
    with django_assert_max_num_queries(5):  # the fingerprint, the count, the page, the quarters of built items
        cold = api.get("/api/v1/workshops/").json()
    with django_assert_max_num_queries(1):  # the fingerprint of the public workshops
        warm = api.get("/api/v1/workshops/").json()
    assert warm == cold
    assert len(warm["results"]) == min(count, 20)
    fragments.clear()


def test_list_from_the_fragment_cache_shows_a_changed_workshop_at_once(api, settings):
    from core import fragments
    from workshops.models import Workshop

    settings.FRAGMENT_CACHE_ENABLED = True
    fragments.clear()
    workshop = WorkshopFactory(capacity=10)
    api.get("/api/v1/workshops/")
    Workshop.objects.filter(pk=workshop.pk).update(seats_held=4)
    item = api.get("/api/v1/workshops/").json()["results"][0]
    assert item["seats_available"] == 6
    workshop.refresh_from_db()
    workshop.title = "Neuer Titel"
    workshop.save()
    assert api.get("/api/v1/workshops/").json()["results"][0]["title"] == "Neuer Titel"
    fragments.clear()


def test_list_from_the_fragment_cache_equals_the_uncached_list(api, settings):
    from core import fragments

    quarter = QuarterFactory()
    WorkshopFactory.create_batch(5, quarters=[quarter])
    plain = api.get("/api/v1/workshops/").json()
    settings.FRAGMENT_CACHE_ENABLED = True
    fragments.clear()
    assert api.get("/api/v1/workshops/").json() == plain
    assert api.get("/api/v1/workshops/").json() == plain
    fragments.clear()


def _group_request(workshop, **extra):
    return {"name": "Gruppe", "email": "gruppe@example.org", "seats": 4, "privacy_consent": True, **extra}


def test_group_larger_than_the_free_seats_answers_409_with_the_free_number(api):
    workshop = WorkshopFactory(capacity=4)
    fill(workshop, seats=1)
    response = post(api, workshop, _group_request(workshop))
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["seats_available"]) == ("not_enough_seats", 3)
    assert not Registration.objects.filter(email="gruppe@example.org").exists()


def test_group_larger_than_the_free_seats_goes_on_the_waiting_list_when_asked(api):
    workshop = WorkshopFactory(capacity=4)
    fill(workshop, seats=1)
    response = post(api, workshop, _group_request(workshop, waitlist=True))
    assert (response.status_code, response.json()["status"]) == (201, "waitlisted")


def test_schema_documents_the_409_not_enough_seats_answer(api):
    import json

    schema = json.loads(api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content)
    operation = schema["paths"]["/api/v1/workshops/{slug}/registrations/"]["post"]
    assert "409" in operation["responses"]
    request_schema = schema["components"]["schemas"]["RegistrationRequest"]["properties"]
    assert "waitlist" in request_schema


def test_the_public_seat_count_moves_alike_for_a_new_and_a_known_address(api, settings):
    """Enumeration by seat count (issue 15.4): neither registration moves `seats_available`, and both get
    the same answer; only a confirmation (which needs the mailbox) moves it."""
    settings.WORKSHOPS_PENDING_HOLD_SHARE = 25
    workshop = WorkshopFactory(capacity=8)
    post(api, workshop, body(email="known@example.org"))
    seats = lambda: api.get(f"/api/v1/workshops/{workshop.slug}/").json()["seats_available"]  # noqa: E731
    before = seats()
    new = post(api, workshop, body(email="new@example.org"))
    after_new = seats()
    known = post(api, workshop, body(email="known@example.org"))
    after_known = seats()
    assert before == after_new == after_known == 8
    assert (new.status_code, new.json()) == (known.status_code, known.json())


def test_cached_list_pages_differ_by_url_and_follow_seats_at_once(api, settings):
    from core import fragments
    from workshops.models import Workshop

    settings.FRAGMENT_CACHE_ENABLED = True
    fragments.clear()
    workshops = WorkshopFactory.create_batch(21, capacity=10)
    first = api.get("/api/v1/workshops/").json()
    second = api.get("/api/v1/workshops/?page=2").json()
    assert len(first["results"]) == 20 and len(second["results"]) == 1
    Workshop.objects.filter(pk=workshops[0].pk).update(seats_held=4)  # the seat statement leaves updated_at
    item = api.get("/api/v1/workshops/").json()["results"][0]
    assert item["seats_available"] == 6
    fragments.clear()
