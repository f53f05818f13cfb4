"""The district pages: /bezirke/ lists all 13, /bezirke/<slug>/ shows quarters and the district's workshops."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from districts.models import District
from tests.factories import DistrictFactory, RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def test_district_list_links_all_13_districts(client):
    content = client.get("/bezirke/").content.decode()
    for district in District.objects.all():
        assert f'href="/bezirke/{district.slug}/"' in content


def test_district_url_does_not_depend_on_the_app_serving_it():
    assert District.objects.get(slug="linden-limmer").get_absolute_url() == "/bezirke/linden-limmer/"


def test_district_page_shows_its_quarters(client):
    content = client.get("/bezirke/linden-limmer/").content.decode()
    for quarter in ("Limmer", "Linden-Mitte", "Linden-Nord", "Linden-Süd"):
        assert quarter in content


def test_district_page_lists_upcoming_and_past_workshops_of_this_district_only(client):
    linden = DistrictFactory(number=10)
    WorkshopFactory(title="Kommend in Linden", district=linden)
    WorkshopFactory(title="Vorbei in Linden", district=linden, past=True)
    WorkshopFactory(title="Entwurf in Linden", district=linden, draft=True)
    WorkshopFactory(title="In Mitte", district=DistrictFactory(number=1))
    response = client.get("/bezirke/linden-limmer/")
    assert [w.title for w in response.context["upcoming"]] == ["Kommend in Linden"]
    assert [w.title for w in response.context["past"]] == ["Vorbei in Linden"]
    assert "In Mitte" not in response.content.decode()
    assert "Entwurf in Linden" not in response.content.decode()


def test_district_page_without_workshops_says_so(client):
    content = client.get("/bezirke/nord/").content.decode()
    assert "In diesem Stadtbezirk ist gerade keine Werkstatt geplant." in content


def test_district_page_links_the_calendar_feed(client):
    assert 'href="/bezirke/linden-limmer/kalender.ics"' in client.get("/bezirke/linden-limmer/").content.decode()


def test_unknown_district_is_not_found(client):
    assert client.get("/bezirke/atlantis/").status_code == 404


def test_district_page_runs_a_constant_number_of_queries(client):
    linden = DistrictFactory(number=10)
    start = timezone.now() - timedelta(days=30)
    WorkshopFactory(district=linden)
    WorkshopFactory(district=linden, past=True, starts_at=start)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/bezirke/linden-limmer/").status_code == 200
        return len(context.captured_queries)

    few = count()
    for workshop in WorkshopFactory.create_batch(10, district=linden):
        RegistrationFactory(workshop=workshop)
    WorkshopFactory.create_batch(5, district=linden, past=True, starts_at=start)
    assert count() == few
