"""At ten times city scale a district plans hundreds of workshops: its page shows the next ones and links
the district's filtered workshop list for the rest."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import DistrictFactory, WorkshopFactory
from workshops import views

pytestmark = pytest.mark.django_db


def test_district_page_shows_the_next_workshops_and_links_the_rest(client, monkeypatch):
    monkeypatch.setattr(views, "DISTRICT_UPCOMING_LIMIT", 2)
    linden = DistrictFactory(number=10)
    for days in (3, 1, 2):
        WorkshopFactory(district=linden, title=f"In {days} Tagen", starts_at=timezone.now() + timedelta(days=days))
    response = client.get("/bezirke/linden-limmer/")
    assert [w.title for w in response.context["upcoming"]] == ["In 1 Tagen", "In 2 Tagen"]
    assert 'href="/werkstaetten/?bezirk=linden-limmer"' in response.content.decode()


def test_district_page_without_more_workshops_has_no_link_to_the_rest(client):
    WorkshopFactory(district=DistrictFactory(number=10))
    assert 'href="/werkstaetten/?bezirk=linden-limmer"' not in client.get("/bezirke/linden-limmer/").content.decode()
