"""The workshop API (DESIGN §6): list, detail, registration, throttling, schema."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from workshops.models import Registration

from .factories import FormatFactory, QuarterFactory, RegistrationFactory, WorkshopFactory, fill

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


def post(api, workshop, data):
    return api.post(f"/api/v1/workshops/{workshop.slug}/registrations/", data, format="json")


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


def test_list_shows_only_published_held_and_documented(api):
    shown = {
        WorkshopFactory(status="published").slug,
        WorkshopFactory(status="held").slug,
        WorkshopFactory(status="documented").slug,
    }
    WorkshopFactory(status="draft")
    WorkshopFactory(status="cancelled")
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
    assert (response.status_code, response.json()) == (201, {"status": "pending"})
    assert Registration.objects.get(workshop=workshop).seats == 2


def test_registration_on_a_full_workshop_answers_201_waitlisted(api):
    workshop = WorkshopFactory(capacity=1)
    fill(workshop)
    response = post(api, workshop, body())
    assert (response.status_code, response.json()) == (201, {"status": "waitlisted"})


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
    assert (response.status_code, list(response.json())) == (400, ["privacy_consent"])


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


def test_too_many_registrations_for_one_email_answer_429_from_any_ip(api, settings):
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    workshops = WorkshopFactory.create_batch(3)
    codes = [
        api.post(
            f"/api/v1/workshops/{w.slug}/registrations/", body(), format="json", REMOTE_ADDR=f"10.0.0.{i}"
        ).status_code
        for i, w in enumerate(workshops)
    ]
    assert codes == [201, 201, 429]


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
