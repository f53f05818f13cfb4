"""The access link of an online workshop reaches confirmed participants only: not the public page, API or
calendar downloads, and not people whose seat is not confirmed (the page promises it "with the confirmation")."""

import pytest

from tests.factories import RegistrationFactory, WorkshopFactory
from workshops import ics
from workshops.models import Registration

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/raum-42"


@pytest.fixture
def online():
    return WorkshopFactory(online_url=LINK, capacity=10)


def test_public_detail_page_does_not_show_the_link(client, online):
    page = client.get(online.get_absolute_url()).content.decode()
    assert LINK not in page and "Videokonferenz" in page


def test_api_says_online_without_the_link(client, online):
    venue = client.get(f"/api/v1/workshops/{online.slug}/").json()["venue"]
    assert (venue["online"], venue["online_url"]) == (True, "")


def test_api_list_says_online_without_the_link(client, online):
    venue = client.get("/api/v1/workshops/").json()["results"][0]["venue"]
    assert (venue["online"], venue["online_url"]) == (True, "")


def test_public_calendar_download_has_no_link(client, online):
    assert LINK.encode() not in client.get(f"/werkstaetten/{online.slug}/kalender.ics").content


def test_confirmed_participant_calendar_entry_has_the_link(online):
    assert LINK.encode() in ics.workshop_ics(online, with_access=True)


def test_tentative_calendar_entry_has_no_link(online):
    assert LINK.encode() not in ics.workshop_ics(online, tentative="Vorläufig")


def _manage_page(client, registration) -> str:
    return client.get(f"/werkstaetten/anmeldung/{registration.manage_token}/").content.decode()


def test_manage_page_of_a_confirmed_participant_shows_the_link(client, online):
    registration = RegistrationFactory(workshop=online, status=Registration.Status.CONFIRMED)
    assert LINK in _manage_page(client, registration)


def test_manage_page_of_a_waiting_person_does_not_show_the_link(client, online):
    registration = RegistrationFactory(workshop=online, status=Registration.Status.WAITLISTED, holds_seats=False)
    assert LINK not in _manage_page(client, registration)
