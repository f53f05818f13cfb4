"""Pages of the waiting list's address confirmation (issue 15.4): what a person is asked to do, and where the
confirmation link leads."""

import time

import pytest

from tests.factories import WorkshopFactory, fill, register
from workshops import services
from workshops.forms import make_form_stamp
from workshops.models import Registration
from workshops.tokens import tokens_for

pytestmark = pytest.mark.django_db


def waitlist_entry(capacity=1):
    workshop = WorkshopFactory(capacity=capacity)
    seated = fill(workshop)
    result = register(workshop, email="erika@example.org")
    assert result.status == "waitlisted"
    return Registration.objects.get(pk=result.registration.pk), seated


def confirm_path(registration) -> str:
    return f"/werkstaetten/bestaetigen/{tokens_for(registration).confirm}/"


def manage_path(registration) -> str:
    return f"/werkstaetten/anmeldung/{tokens_for(registration).manage}/"


def test_the_page_after_a_waitlist_registration_asks_to_confirm_the_address(client):
    workshop = WorkshopFactory(capacity=1)
    fill(workshop)
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "seats": "1",
        "privacy_consent": "on",
        "website": "",
        "stamp": make_form_stamp(workshop_id=workshop.pk, at=time.time() - 60),
    }
    response = client.post(f"/werkstaetten/{workshop.slug}/", data, follow=True)
    assert "bestätigen Sie Ihre E-Mail-Adresse" in response.content.decode()


def test_the_confirm_page_of_a_waitlist_entry_offers_to_confirm_the_address(client):
    entry, _seated = waitlist_entry()
    content = client.get(confirm_path(entry)).content.decode()
    assert "E-Mail-Adresse bestätigen" in content
    assert "fest reserviert" not in content


def test_confirming_a_waitlist_entry_leads_to_its_manage_page(client):
    entry, _seated = waitlist_entry()
    response = client.post(confirm_path(entry), follow=True)
    assert response.redirect_chain[-1][0] == manage_path(entry)
    assert "Ihre E-Mail-Adresse ist bestätigt" in response.content.decode()


def test_confirming_with_a_free_seat_shows_the_offer(client):
    entry, seated = waitlist_entry()
    services.registration_cancel(registration=seated[0])  # the seat stays free: nobody confirmed waits
    response = client.post(confirm_path(entry), follow=True)
    assert Registration.objects.get(pk=entry.pk).status == "offered"
    assert 'value="accept_offer"' in response.content.decode()


def test_the_manage_page_of_an_unconfirmed_waitlist_entry_links_to_the_confirmation(client):
    entry, _seated = waitlist_entry()
    content = client.get(manage_path(entry)).content.decode()
    assert confirm_path(entry) in content


def test_the_manage_page_of_a_confirmed_waitlist_entry_has_no_confirmation_link(client):
    entry, _seated = waitlist_entry()
    client.post(confirm_path(entry))
    content = client.get(manage_path(entry)).content.decode()
    assert "/werkstaetten/bestaetigen/" not in content
