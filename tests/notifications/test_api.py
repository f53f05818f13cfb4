"""POST /api/v1/subscriptions/: double opt-in, the same answer whether known or not, throttled."""

import pytest
from django.core.cache import cache

from notifications.models import Subscription
from recommendations.models import Recommendation
from tests.factories import DistrictFactory
from tests.notifications.factories import follow
from tests.recommendations.factories import RecommendationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/subscriptions/"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _post(client, **data):
    body = {"email": "ada@example.org", "kind": "district", "target": "linden-limmer", "consent": True, **data}
    return client.post(URL, body, content_type="application/json")


def test_new_and_known_addresses_get_the_same_answer(client):
    district = DistrictFactory()
    follow("known@example.org", district)
    new = _post(client, email="new@example.org")
    known = _post(client, email="known@example.org")
    assert new.status_code == known.status_code == 202
    assert new.json() == known.json() == {"status": "pending"}
    assert Subscription.objects.get(subscriber__email="new@example.org").status == "pending"


def test_following_a_recommendation(client):
    recommendation = RecommendationFactory(status=Recommendation.Status.IN_PROGRESS)
    assert _post(client, kind="recommendation", target=recommendation.slug).status_code == 202
    assert Subscription.objects.get().recommendation == recommendation


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"consent": False}, "consent"),
        ({"email": "kaputt"}, "email"),
        ({"kind": "everything"}, "kind"),
        ({"target": "gibt-es-nicht"}, "target"),
    ],
)
def test_bad_input_is_400_with_field_errors(client, data, field):
    DistrictFactory()
    response = _post(client, **data)
    assert response.status_code == 400
    assert field in response.json()


def test_throttled_like_registrations(client, settings):
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    DistrictFactory()
    statuses = [_post(client).status_code for _ in range(3)]
    assert statuses == [202, 202, 429]


def test_documented_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/subscriptions/" in schema
