"""Issue 15.6 (reflection part): internal notes only for lead, co-facilitators and the Fachteam (others see
that there are notes); insights appear as evidence only when marked public."""

import pytest

from accounts.roles import Role
from recommendations import selectors as recommendation_selectors
from recommendations.models import Recommendation
from reflections import services
from tests.auth import login_with_mfa
from tests.factories import UserFactory
from tests.recommendations.factories import InsightFactory, RecommendationFactory, ReflectionFactory, fachteam_user
from tests.reflections.factories import full_data, held_workshop, lead_of, submitted_reflection, with_role
from workshops.models import WorkshopTeamMember

pytestmark = pytest.mark.django_db
NOTES = "Vertraulich: Konflikt im Team."


def workshop_with_notes(partner):
    workshop = held_workshop(team=[(partner, WorkshopTeamMember.Role.NETWORK_PARTNER)])
    reflection = submitted_reflection(workshop, internal_notes=NOTES)
    return workshop, reflection


def test_a_network_partner_on_the_team_sees_that_there_are_notes_but_not_what_they_say(client):
    partner = with_role(UserFactory(), Role.NETZWERK)
    workshop, reflection = workshop_with_notes(partner)
    login_with_mfa(client, partner)
    page = client.get(f"/moderation/reflexionen/{reflection.pk}/").content.decode()
    assert NOTES not in page
    assert "enthält interne Notizen" in page
    workspace = client.get(f"/moderation/werkstaetten/{workshop.slug}/").content.decode()
    assert "1 Reflexion enthält interne Notizen" in workspace


def test_the_lead_reads_the_internal_notes(client):
    partner = with_role(UserFactory(), Role.NETZWERK)
    workshop, reflection = workshop_with_notes(partner)
    login_with_mfa(client, lead_of(workshop))
    assert NOTES in client.get(f"/moderation/reflexionen/{reflection.pk}/").content.decode()


def test_the_district_office_reads_no_internal_notes(client):
    partner = with_role(UserFactory(), Role.NETZWERK)
    workshop, reflection = workshop_with_notes(partner)
    office = with_role(UserFactory(is_staff=True), Role.BEZIRKSMANAGEMENT, districts=[workshop.district])
    login_with_mfa(client, office)
    page = client.get(f"/moderation/reflexionen/{reflection.pk}/").content.decode()
    assert NOTES not in page


def test_the_fachteam_reads_the_internal_notes(client):
    partner = with_role(UserFactory(), Role.NETZWERK)
    _workshop, reflection = workshop_with_notes(partner)
    login_with_mfa(client, fachteam_user())
    assert NOTES in client.get(f"/moderation/reflexionen/{reflection.pk}/").content.decode()


def test_an_insight_is_internal_unless_marked_public():
    workshop = held_workshop()
    reflection = services.reflection_start(workshop=workshop, author=lead_of(workshop))
    services.reflection_save_draft(
        reflection=reflection,
        data=full_data(
            reflection,
            insights=[services.InsightData(text="intern"), services.InsightData(text="öffentlich", public=True)],
        ),
    )
    assert dict(reflection.insights.values_list("text", "public")) == {"intern": False, "öffentlich": True}


def _recommendation_with(public: bool):
    reflection = ReflectionFactory()
    insight = InsightFactory(reflection=reflection, text="Bänke fehlen.", public=public)
    return RecommendationFactory(status=Recommendation.Status.ADOPTED, insights=[insight])


def test_an_internal_insight_is_not_shown_as_evidence():
    recommendation = _recommendation_with(public=False)
    assert recommendation_selectors.evidence_trail(recommendation=recommendation)["insight_count"] == 0


def test_a_public_insight_is_shown_as_evidence():
    recommendation = _recommendation_with(public=True)
    assert recommendation_selectors.evidence_trail(recommendation=recommendation)["insight_count"] == 1


def test_the_api_leaves_internal_insights_out(client):
    recommendation = _recommendation_with(public=False)
    response = client.get(f"/api/v1/recommendations/{recommendation.slug}/")
    assert response.status_code == 200
    assert response.json()["insights"] == []
