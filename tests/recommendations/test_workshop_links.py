"""A workshop's pages list the recommendations that came from it (the evidence trail, read backwards)."""

import pytest

from recommendations.models import Recommendation
from tests.factories import WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted_from_held_workshop():
    from tests.recommendations.factories import RecommendationFactory

    workshop = WorkshopFactory(past=True, status=Workshop.Status.HELD)
    recommendation = RecommendationFactory(status=Recommendation.Status.ADOPTED, title="Treffpunkte am Abend öffnen")
    recommendation.workshops.add(workshop)
    return workshop, recommendation


def test_held_workshop_page_lists_its_recommendations(client, adopted_from_held_workshop):
    workshop, recommendation = adopted_from_held_workshop
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert recommendation.title in html
    assert recommendation.get_absolute_url() in html


def test_documentation_page_lists_the_workshops_recommendations(client, adopted_from_held_workshop):
    workshop, recommendation = adopted_from_held_workshop
    html = client.get(f"/werkstaetten/{workshop.slug}/dokumentation/").content.decode()
    assert recommendation.title in html


def test_draft_recommendation_is_not_shown_on_the_workshop_page(client, adopted_from_held_workshop):
    workshop, recommendation = adopted_from_held_workshop
    Recommendation.objects.filter(pk=recommendation.pk).update(status=Recommendation.Status.DRAFT)
    assert recommendation.title not in client.get(workshop.get_absolute_url()).content.decode()
