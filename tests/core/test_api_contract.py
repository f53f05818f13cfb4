"""The API's schema says what the server does with parameters and bodies (checked by schema fuzzing):
enums of districts and quarters with 400 for an unknown slug everywhere, empty query values as "no
filter", slugs in paths, the refused characters of text fields, dates or date-times, nullable fields."""

import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from districts.api.parameters import DISTRICT_SLUGS, QUARTER_SLUGS
from tests.factories import WorkshopFactory
from tests.recommendations.factories import RecommendationFactory

pytestmark = pytest.mark.django_db

LISTS_WITH_DISTRICT = [
    "/api/v1/workshops/",
    "/api/v1/documentation/",
    "/api/v1/quality-criteria/figures/",
    "/api/v1/recommendations/",
]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def schema(api):
    return api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()


def parameter(schema, path, name):
    return next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)


def test_reference_data_has_13_districts_and_51_quarters():
    assert (len(DISTRICT_SLUGS), len(QUARTER_SLUGS)) == (13, 51)


@pytest.mark.parametrize("path", LISTS_WITH_DISTRICT)
def test_every_district_parameter_lists_the_13_districts(schema, path):
    assert parameter(schema, path, "district")["schema"]["enum"] == DISTRICT_SLUGS


@pytest.mark.parametrize("path", LISTS_WITH_DISTRICT)
def test_an_unknown_district_answers_400_on_every_list(api, path):
    response = api.get(path, {"district": "atlantis"})
    assert response.status_code == 400
    assert response.json()["district"] == ["Unbekannter Stadtbezirk."]


@pytest.mark.parametrize("path", LISTS_WITH_DISTRICT)
def test_empty_filter_values_mean_no_filter(api, schema, path):
    names = [p["name"] for p in schema["paths"][path]["get"]["parameters"] if p["in"] == "query"]
    assert all(parameter(schema, path, name)["allowEmptyValue"] for name in names)
    assert api.get(path, dict.fromkeys(names, "")).status_code == 200


def test_an_unknown_quarter_answers_400(api):
    assert api.get("/api/v1/workshops/", {"quarter": "atlantis"}).status_code == 400


def test_workshop_period_filters_take_a_date_or_a_date_time(schema):
    formats = [s["format"] for s in parameter(schema, "/api/v1/workshops/", "starts_after")["schema"]["anyOf"]]
    assert formats == ["date-time", "date"]


@pytest.mark.parametrize(("name", "value"), [("status", "draft"), ("addressee", "nobody"), ("field", "a b")])
def test_recommendation_filters_refuse_values_outside_their_schema(api, name, value):
    response = api.get("/api/v1/recommendations/", {name: value})
    assert response.status_code == 400
    assert name in response.json()


def test_recommendation_filter_by_district_finds_its_recommendations(api):
    mine = RecommendationFactory(status="adopted", city_wide=False)
    mine.districts.add(WorkshopFactory().district)
    RecommendationFactory(status="adopted")
    results = api.get("/api/v1/recommendations/", {"district": "linden-limmer"}).json()["results"]
    assert [r["slug"] for r in results] == [mine.slug]


def test_slugs_in_paths_are_ascii_slugs(schema):
    slug = next(p for p in schema["paths"]["/api/v1/workshops/{slug}/"]["get"]["parameters"] if p["name"] == "slug")
    assert slug["schema"]["pattern"] == "^[-a-zA-Z0-9_]+$"


def test_text_fields_of_a_registration_state_the_characters_they_refuse(schema):
    name = schema["components"]["schemas"]["RegistrationRequest"]["properties"]["name"]
    pattern = re.compile(name["pattern"])
    assert pattern.match("Erika Mustermann")
    assert not pattern.match("Erika\x00Mustermann")
    assert not pattern.match("Erika \u202eMustermann")


def test_a_concept_agenda_item_without_method_is_documented_as_nullable(schema):
    assert schema["components"]["schemas"]["Agenda"]["properties"]["method"]["nullable"] is True


@pytest.mark.parametrize("path", ["/api/v1/workshops/a.b/", "/api/v1/gibt-es-nicht/"])
def test_a_url_no_api_route_matches_answers_404_in_the_error_shape(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Nicht gefunden.", "code": "not_found"}


def test_a_page_no_route_matches_stays_the_html_page(api):
    response = api.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("component", "name"), [("RegistrationRequest", "privacy_consent"), ("SubscriptionRequest", "consent")]
)
def test_a_required_consent_admits_only_true(schema, component, name):
    field = schema["components"]["schemas"][component]["properties"][name]
    ref = field.get("$ref") or field["allOf"][0]["$ref"]  # drf-spectacular names enums as components
    field = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert (field["type"], field["enum"]) == ("boolean", [True])


def test_the_schema_generates_without_warnings(tmp_path):
    # The production deploy check fails on drf-spectacular's warnings (e.g. one enum under two names).
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01",
        "0001-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59-23:59",
        "2026-12-04t10:00:00z",
        "2026-12-04T10:00:00.123456789Z",
    ],
)
@pytest.mark.parametrize("name", ["starts_after", "starts_before"])
def test_any_rfc_3339_moment_is_a_workshop_period_bound(api, name, value):
    # Year 1 east of Greenwich and year 9999 west of it do not fit a datetime in UTC: clamped, never a 500.
    assert api.get("/api/v1/workshops/", {name: value}).status_code == 200


def test_a_date_that_does_not_exist_is_refused(api):
    assert api.get("/api/v1/workshops/", {"starts_after": "2026-02-30"}).status_code == 400
