import pytest

from recommendations.models import Recommendation
from tests.factories import WorkshopFactory
from tests.recommendations.factories import RecommendationFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def test_home_shows_upcoming_published_workshops(client):
    WorkshopFactory(title="Spielplätze in Linden")
    WorkshopFactory(title="Noch ein Entwurf", status=Workshop.Status.DRAFT)
    html = client.get("/").content.decode()
    assert "Spielplätze in Linden" in html
    assert "Noch ein Entwurf" not in html


def test_home_shows_public_recommendations_but_no_drafts(client):
    RecommendationFactory(title="Abendtermine anbieten", status=Recommendation.Status.ADOPTED)
    RecommendationFactory(title="Noch nicht abgestimmt", status=Recommendation.Status.DRAFT)
    html = client.get("/").content.decode()
    assert "Abendtermine anbieten" in html
    assert "Noch nicht abgestimmt" not in html


def test_home_needs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(8):
        WorkshopFactory()
        RecommendationFactory(status=Recommendation.Status.ADOPTED)
    with django_assert_max_num_queries(8):
        client.get("/")
