"""GET /api/v1/concepts/ and eigenregie_stage on GET /api/v1/districts/<slug>/."""

import pytest

from planning import services
from tests.factories import DistrictFactory
from tests.planning.factories import fachteam, plan_for

pytestmark = pytest.mark.django_db


def _published_plan(**kwargs):
    plan = plan_for(**kwargs)
    services.plan_submit(plan=plan, by=plan.planner)
    services.plan_approve(plan=plan, by=fachteam())
    return services.plan_publish(plan=plan, by=plan.planner)


def test_concepts_api_lists_versions_and_runs(client):
    plan = _published_plan()
    services.concept_version_update(version=plan.concept_version, fields={"goal": "Neu."}, change_log="Neu")
    data = client.get("/api/v1/concepts/").json()
    assert data["count"] == 1
    concept = data["results"][0]
    assert [v["number"] for v in concept["versions"]] == [1, 2]
    first = concept["versions"][0]
    assert [r["slug"] for r in first["runs"]] == [plan.workshop.slug]
    assert first["agenda"][1]["title"] == "Spaziergang mit Stationen"
    assert concept["versions"][1]["runs"] == []
    assert client.get(f"/api/v1/concepts/{concept['slug']}/").json()["title"] == concept["title"]


def test_draft_plans_are_not_runs(client):
    plan_for()
    versions = client.get("/api/v1/concepts/").json()["results"][0]["versions"]
    assert versions[0]["runs"] == []


def test_concepts_api_queries_are_constant(client, django_assert_max_num_queries):
    for days in (40, 50, 60):
        _published_plan(days=days)
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/concepts/").status_code == 200


def test_district_detail_has_eigenregie_stage_and_the_list_stays_as_it_was(client):
    district = DistrictFactory()
    detail = client.get(f"/api/v1/districts/{district.slug}/").json()
    assert detail["eigenregie_stage"] == "prototyp"
    listed = client.get("/api/v1/districts/").json()
    assert "eigenregie_stage" not in listed[0]


def test_schema_describes_concepts_and_the_stage(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/concepts/" in schema["paths"]
    assert "eigenregie_stage" in schema["components"]["schemas"]["DistrictDetail"]["properties"]
