"""The person's comments and endorsements in the data-subject export and erasure (core.registry)."""

import pytest

from core.registry import personal_data_providers
from recommendations import services
from recommendations.models import Comment, Endorsement
from tests.recommendations.factories import RecommendationFactory, network_user

pytestmark = pytest.mark.django_db


def provider():
    return next(p for p in personal_data_providers() if p.name == "recommendations")


def test_export_and_erase_comments_and_endorsements():
    member = network_user()
    recommendation = RecommendationFactory(title="Bänke")
    services.comment_add(recommendation=recommendation, author=member, text="Mein Name ist Nele.")
    services.endorsement_add(recommendation=recommendation, user=member)
    data = provider().export(email=member.email, user=member)
    assert data["comments"][0]["text"] == "Mein Name ist Nele."
    assert data["endorsements"][0]["recommendation"] == "Bänke"
    assert provider().erase(email=member.email, user=member) == 2
    comment = Comment.objects.get()
    assert comment.author is None and "Nele" not in comment.text
    assert not Endorsement.objects.exists()


def test_without_an_account_nothing_is_touched():
    member = network_user()
    services.endorsement_add(recommendation=RecommendationFactory(), user=member)
    assert provider().erase(email=member.email, user=None) == 0
    assert Endorsement.objects.count() == 1
