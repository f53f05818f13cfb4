"""The public workshop list: filters as a plain GET form, pagination, and a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    DistrictFactory,
    FormatFactory,
    QuarterFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from workshops.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [workshop.title for workshop in response.context["workshops"]]


def test_list_shows_upcoming_published_workshops_but_no_drafts(client):
    WorkshopFactory(title="Offen")
    WorkshopFactory(title="Entwurf", draft=True)
    WorkshopFactory(title="Vorbei", past=True)
    assert titles(client.get("/werkstaetten/")) == ["Offen"]


def test_list_is_ordered_by_start(client):
    soon = timezone.now() + timedelta(days=2)
    WorkshopFactory(title="Später", starts_at=soon + timedelta(days=5), ends_at=soon + timedelta(days=5, hours=2))
    WorkshopFactory(title="Bald", starts_at=soon, ends_at=soon + timedelta(hours=2))
    assert titles(client.get("/werkstaetten/")) == ["Bald", "Später"]


def test_cancelled_upcoming_workshop_is_listed_with_its_state(client):
    WorkshopFactory(title="Abgesagt", cancelled=True)
    response = client.get("/werkstaetten/")
    assert titles(response) == ["Abgesagt"]
    assert "abgesagt" in response.content.decode()


def test_filter_by_district(client):
    WorkshopFactory(title="Linden", district=DistrictFactory(number=10))
    WorkshopFactory(title="Mitte", district=DistrictFactory(number=1))
    assert titles(client.get("/werkstaetten/?bezirk=linden-limmer")) == ["Linden"]


def test_filter_by_quarter(client):
    nord = QuarterFactory(name="Linden-Nord")
    sued = QuarterFactory(name="Linden-Süd", slug="linden-sued")
    WorkshopFactory(title="Nord", quarters=[nord])
    WorkshopFactory(title="Süd", quarters=[sued])
    WorkshopFactory(title="Beide", quarters=[nord, sued])
    assert titles(client.get("/werkstaetten/?stadtteil=linden-nord")) == ["Nord", "Beide"]


def test_filter_by_format(client):
    cafe = FormatFactory(name="World Café", slug="world-cafe")
    WorkshopFactory(title="Café", format=cafe)
    WorkshopFactory(title="Gespräch")
    assert titles(client.get("/werkstaetten/?format=world-cafe")) == ["Café"]


def test_filter_period_past_shows_held_workshops_newest_first(client):
    WorkshopFactory(title="Kommend")
    WorkshopFactory(title="Vorbei", past=True)
    WorkshopFactory(title="Abgesagt und vorbei", cancelled=True, starts_at=timezone.now() - timedelta(days=3))
    assert titles(client.get("/werkstaetten/?zeitraum=vergangen")) == ["Vorbei"]


def test_filter_period_next_seven_days(client):
    now = timezone.now()
    WorkshopFactory(title="Bald", starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=2))
    WorkshopFactory(title="Später", starts_at=now + timedelta(days=20), ends_at=now + timedelta(days=20, hours=2))
    assert titles(client.get("/werkstaetten/?zeitraum=woche")) == ["Bald"]


def test_filter_only_with_free_seats(client):
    full = WorkshopFactory(title="Voll", capacity=1)
    RegistrationFactory(workshop=full)
    WorkshopFactory(title="Frei")
    WorkshopFactory(title="Abgesagt", cancelled=True)
    assert titles(client.get("/werkstaetten/?frei=on")) == ["Frei"]


def test_invalid_filter_values_are_ignored(client):
    WorkshopFactory(title="Offen")
    response = client.get("/werkstaetten/?bezirk=gibt-es-nicht&zeitraum=morgen&seite=x")
    assert response.status_code == 200
    assert titles(response) == ["Offen"]


def test_empty_result_says_so_and_offers_to_reset(client):
    WorkshopFactory(district=DistrictFactory(number=10))
    content = client.get("/werkstaetten/?bezirk=mitte").content.decode()
    assert "Zu diesen Filtern gibt es gerade keine Werkstatt." in content
    assert "Alle Filter zurücksetzen" in content


def test_filter_form_is_a_get_form_with_labels(client):
    content = client.get("/werkstaetten/").content.decode()
    assert '<form method="get" action="/werkstaetten/"' in content
    for name in ("bezirk", "stadtteil", "format", "zeitraum", "frei"):
        assert f'<label for="id_{name}"' in content


def test_pagination_splits_after_page_size_and_keeps_filters(client):
    district = DistrictFactory(number=10)
    WorkshopFactory.create_batch(PAGE_SIZE + 3, district=district)
    first = client.get("/werkstaetten/?bezirk=linden-limmer")
    assert len(titles(first)) == PAGE_SIZE
    assert 'href="?bezirk=linden-limmer&amp;seite=2"' in first.content.decode()
    second = client.get("/werkstaetten/?bezirk=linden-limmer&seite=2")
    assert len(titles(second)) == 3


def _queries_for_list(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get("/werkstaetten/")
    assert response.status_code == 200
    return len(context.captured_queries)


def test_list_runs_a_constant_number_of_queries(client):
    quarter = QuarterFactory()
    for workshop in WorkshopFactory.create_batch(2, quarters=[quarter]):
        RegistrationFactory(workshop=workshop)
    few = _queries_for_list(client)
    for workshop in WorkshopFactory.create_batch(25, quarters=[quarter]):
        RegistrationFactory.create_batch(3, workshop=workshop)
    many = _queries_for_list(client)
    assert few == many
    assert many <= 8
