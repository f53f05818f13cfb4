"""Open-data API: public documentation and aggregated criterion figures (suppressed below 5)."""

import pytest

from reflections import services
from tests.factories import DistrictFactory, WorkshopFactory
from tests.reflections.factories import FeedbackResponseFactory, facilitator, held_workshop, submitted_reflection
from workshops.models import WorkshopTeamMember

pytestmark = pytest.mark.django_db


def test_documentation_list_contains_held_workshops_only(client):
    held = held_workshop()
    WorkshopFactory()
    response = client.get("/api/v1/documentation/")
    assert response.status_code == 200
    body = response.json()
    assert [item["slug"] for item in body["results"]] == [held.slug]
    assert body["results"][0]["documentation_url"].endswith(f"/werkstaetten/{held.slug}/dokumentation/")


def test_documentation_detail(client):
    workshop = held_workshop()
    submitted_reflection(
        workshop,
        summary="Öffentliche Zusammenfassung",
        attendance_count=3,
        commitments=[
            services.CommitmentData(what="Öffentlich", who="A", status="done"),
            services.CommitmentData(what="Intern", who="B", public=False),
        ],
    )
    for _ in range(5):
        FeedbackResponseFactory(workshop=workshop, overall=4, would_return="yes")
    body = client.get(f"/api/v1/documentation/{workshop.slug}/").json()
    assert body["summary"] == "Öffentliche Zusammenfassung"
    assert body["attendance"] is None  # 3 people: below 5
    assert [c["what"] for c in body["commitments"]] == ["Öffentlich"]
    assert body["commitments"][0]["status"] == "done"
    assert body["feedback"]["n"] == 5 and body["feedback"]["overall"] == 4.0
    assert body["feedback"]["would_return"] == {"yes": 5, "maybe": 0, "no": 0}


def test_documentation_detail_hides_feedback_below_five(client):
    workshop = held_workshop()
    for _ in range(4):
        FeedbackResponseFactory(workshop=workshop)
    assert client.get(f"/api/v1/documentation/{workshop.slug}/").json()["feedback"] is None


def test_documentation_of_an_upcoming_workshop_is_404(client):
    assert client.get(f"/api/v1/documentation/{WorkshopFactory().slug}/").status_code == 404


def test_documentation_filter_by_district(client):
    mitte = DistrictFactory(number=1, name="Mitte", slug="mitte")
    held_workshop(district=mitte)
    held_workshop(district=DistrictFactory(number=10))
    body = client.get("/api/v1/documentation/?district=mitte").json()
    assert body["count"] == 1
    assert client.get("/api/v1/documentation/?district=nirgendwo").status_code == 400
    assert client.get("/api/v1/documentation/?starts_after=kein-datum").status_code == 400


def test_criterion_figures_suppress_below_five(client):
    district = DistrictFactory(number=10)
    few = held_workshop(district=district)
    submitted_reflection(few, rating=2)
    body = client.get("/api/v1/quality-criteria/figures/?district=linden-limmer").json()
    assert len(body) == 7
    assert body[0]["facilitators"] == {"n": None, "average": None, "suppressed": True}
    for _ in range(4):
        co = facilitator()
        workshop = held_workshop(district=district, team=[(co, WorkshopTeamMember.Role.CO)])
        submitted_reflection(workshop, rating=4)
    body = client.get("/api/v1/quality-criteria/figures/").json()
    assert body[0]["facilitators"] == {"n": 5, "average": 3.6, "suppressed": False}
    assert body[0]["criterion"]["slug"] == "lebendige-formate"


def test_criteria_list(client):
    body = client.get("/api/v1/quality-criteria/").json()
    assert len(body) == 7 and body[0]["guiding_questions"]


def test_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/documentation/",
        "/api/v1/documentation/{slug}/",
        "/api/v1/quality-criteria/",
        "/api/v1/quality-criteria/figures/",
    ):
        assert path in schema
