"""The API documents what it answers (issue 10.10): every operation lists its error responses in the OpenAPI
schema, and every error answer — to unknown slugs, bad query parameters, bad JSON — is one of them, has the one
JSON shape (`detail`, `code`) and is never a 500."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import DistrictFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

BAD_VALUES = ["gibt-es-nicht", "2024-13-45", "-1", "0", "1e309", "x" * 300, "%", "'; DROP TABLE x; --", "ä&b=c", "[]"]
BAD_BODIES = ["{", "[]", "null", '"text"', "1", '{"seats": "viele", "email": 5}', "[" * 100 + "]" * 100]


def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(spec: dict):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_its_error_responses():
    spec = schema()
    assert "Error" in spec["components"]["schemas"]
    for path, method, operation in operations(spec):
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        name = f"{method.upper()} {path}"
        if any(p["in"] == "path" for p in parameters) or any(p["name"] == "page" for p in parameters):
            assert "404" in responses, name
        if any(p["in"] == "query" and p["name"] != "page" for p in parameters) or "requestBody" in operation:
            assert "400" in responses, name
        if method == "post":
            assert "429" in responses, name
        for code, response in responses.items():
            if code >= "400":
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/Error") or code == "409", (name, code)


@pytest.fixture
def api():
    district = DistrictFactory(number=10)
    workshop = WorkshopFactory(district=district)
    return {"district": district.slug, "workshop": workshop.slug}


def _concrete(path: str, slug: str) -> str:
    return re.sub(r"\{[^}]+\}", slug, path)


def assert_documented_error(response, operation, name):
    assert response.status_code < 500, name
    if response.status_code >= 400:
        assert str(response.status_code) in operation["responses"], (name, response.status_code)
        body = response.json()
        assert isinstance(body.get("detail"), str) and isinstance(body.get("code"), str), (name, body)


def test_unknown_slugs_and_bad_query_parameters_answer_documented_errors(api):
    client = Client(raise_request_exception=False)
    for path, method, operation in operations(schema()):
        if method != "get":
            continue
        query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for slug in ("gibt-es-nicht", api["district"], api["workshop"]):
            url = _concrete(path, slug)
            assert_documented_error(client.get(url), operation, url)
            for name in query:
                for value in BAD_VALUES:
                    cache.clear()
                    assert_documented_error(client.get(url, {name: value}), operation, f"{url}?{name}={value}")
            if "{" in path:
                break


def test_bad_json_bodies_answer_documented_errors(api):
    client = Client(raise_request_exception=False)
    for path, method, operation in operations(schema()):
        if method != "post":
            continue
        for slug in ("gibt-es-nicht", api["workshop"]):
            url = _concrete(path, slug)
            for body in BAD_BODIES:
                cache.clear()
                response = client.post(url, body, content_type="application/json")
                assert_documented_error(response, operation, f"{url} {body[:20]}")
            cache.clear()
            response = client.post(url, "name=x", content_type="text/plain")
            assert_documented_error(response, operation, f"{url} text/plain")


def test_nul_in_the_query_answers_the_one_shape():
    response = Client().get("/api/v1/workshops/", {"district": "\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40),
    page=st.one_of(st.none(), st.integers(min_value=-5, max_value=10**12).map(str), st.text(max_size=5)),
)
def test_list_filters_never_answer_undocumented(api, value, page):
    client = Client(raise_request_exception=False)
    spec = _SPEC.get("spec") or _SPEC.setdefault("spec", schema())
    for path, method, operation in operations(spec):
        if method != "get" or "{" in path:
            continue
        query = {
            p["name"]: value for p in operation.get("parameters", []) if p["in"] == "query" and p["name"] != "page"
        }
        if page is not None:
            query["page"] = page
        cache.clear()
        assert_documented_error(client.get(path, query), operation, f"{path} {json.dumps(query)}")


_SPEC: dict = {}


def test_every_operation_documents_the_503_of_a_database_outage():
    for path, method, operation in operations(schema()):
        assert "503" in operation["responses"], f"{method.upper()} {path}"
