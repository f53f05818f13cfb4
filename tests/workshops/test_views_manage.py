"""The token pages from the mails: confirmation (GET shows a button, POST confirms) and the manage page."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import OutboxMail
from tests.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Registration

pytestmark = pytest.mark.django_db


def confirm_url(registration) -> str:
    return f"/werkstaetten/bestaetigen/{registration.confirm_token}/"


def manage_url(registration) -> str:
    return f"/werkstaetten/anmeldung/{registration.manage_token}/"


# --- confirmation -------------------------------------------------------------------------------------------


def test_confirm_get_shows_a_button_and_confirms_nothing(client):
    registration = RegistrationFactory(pending=True)
    response = client.get(confirm_url(registration))
    assert response.status_code == 200
    assert '<button type="submit">Anmeldung bestätigen</button>' in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING


def test_confirm_post_confirms_and_redirects_to_the_confirmed_page(client):
    registration = RegistrationFactory(pending=True)
    response = client.post(confirm_url(registration))
    assert response.status_code == 302
    assert response["Location"] == f"/werkstaetten/{registration.workshop.slug}/bestaetigt/"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.check_in_code
    assert "Ihre Anmeldung ist bestätigt" in client.get(response["Location"]).content.decode()


def test_confirm_link_works_only_once(client):
    registration = RegistrationFactory(pending=True)
    client.post(confirm_url(registration))
    again = client.post(confirm_url(registration))
    assert again.status_code == 404
    assert "Der Link ist ungültig" in again.content.decode()


def test_expired_confirm_link_says_so_and_offers_to_register_again(client):
    registration = RegistrationFactory(pending=True, hold_expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(confirm_url(registration))
    assert response.status_code == 410
    assert "Der Link ist abgelaufen" in response.content.decode()
    assert client.post(confirm_url(registration)).status_code == 410
    registration.refresh_from_db()
    assert registration.status == Registration.Status.EXPIRED


def test_unknown_confirm_token_is_not_found(client):
    assert client.get("/werkstaetten/bestaetigen/nonsense/").status_code == 404
    assert client.post("/werkstaetten/bestaetigen/nonsense/").status_code == 404


# --- manage page --------------------------------------------------------------------------------------------


def test_manage_page_shows_status_and_check_in_code(client):
    registration = RegistrationFactory(name="Ada Lovelace", seats=2)
    content = client.get(manage_url(registration)).content.decode()
    assert "Ada Lovelace" in content
    assert "bestätigt" in content
    assert registration.check_in_code in content
    assert '<meta name="robots" content="noindex">' in content


def test_unknown_manage_token_is_not_found(client):
    assert client.get("/werkstaetten/anmeldung/nonsense/").status_code == 404


def test_cancel_frees_the_seats_and_reports_it(client):
    registration = RegistrationFactory(seats=2)
    response = client.post(manage_url(registration), {"action": "cancel", "confirm_cancel": "yes"}, follow=True)
    registration.refresh_from_db()
    registration.workshop.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert registration.workshop.seats_held == 0
    assert "Ihre Anmeldung ist storniert." in response.content.decode()


def test_cancel_of_a_pending_registration_frees_its_hold(client):
    registration = RegistrationFactory(pending=True)
    client.post(manage_url(registration), {"action": "cancel", "confirm_cancel": "yes"})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_manage_get_changes_nothing(client):
    registration = RegistrationFactory()
    client.get(manage_url(registration) + "?action=cancel")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_action_that_does_not_fit_the_status_is_refused(client):
    registration = RegistrationFactory(waitlisted=True)
    response = client.post(manage_url(registration), {"action": "accept_offer"}, follow=True)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.WAITLISTED
    assert "gerade nicht möglich" in response.content.decode()


def test_waiting_list_position_is_shown(client):
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop)
    RegistrationFactory(workshop=workshop, waitlisted=True)
    second = RegistrationFactory(workshop=workshop, waitlisted=True)
    assert "Sie stehen auf Platz 2 der Warteliste." in client.get(manage_url(second)).content.decode()


def test_leave_waiting_list(client):
    registration = RegistrationFactory(waitlisted=True)
    client.post(manage_url(registration), {"action": "leave_waitlist"})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_accept_offer_confirms(client):
    registration = RegistrationFactory(offered=True)
    content = client.get(manage_url(registration)).content.decode()
    assert "Platz annehmen" in content
    client.post(manage_url(registration), {"action": "accept_offer"})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_decline_offer_frees_the_seat(client):
    registration = RegistrationFactory(offered=True)
    client.post(manage_url(registration), {"action": "decline_offer"})
    registration.refresh_from_db()
    registration.workshop.refresh_from_db()
    assert registration.status == Registration.Status.DECLINED
    assert registration.workshop.seats_held == 0


def test_no_actions_after_the_workshop(client):
    workshop = WorkshopFactory(past=True)
    registration = RegistrationFactory(workshop=workshop)
    assert "Anmeldung stornieren" not in client.get(manage_url(registration)).content.decode()
    client.post(manage_url(registration), {"action": "cancel", "confirm_cancel": "yes"})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_download_my_data_returns_json_with_the_registration(client):
    registration = RegistrationFactory(email="ada@example.org")
    response = client.post(manage_url(registration), {"action": "export_data"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "ada@example.org"
    assert registration.workshop.slug in response.content.decode()


def test_delete_my_data_needs_the_confirmation_checkbox(client):
    registration = RegistrationFactory()
    response = client.post(manage_url(registration), {"action": "erase_data"}, follow=True)
    assert "Bitte bestätigen Sie" in response.content.decode()
    registration.refresh_from_db()
    assert registration.anonymised_at is None


def test_delete_my_data_erases_and_releases_the_seat(client):
    registration = RegistrationFactory(email="ada@example.org")
    response = client.post(manage_url(registration), {"action": "erase_data", "confirm_erase": "yes"})
    assert response.status_code == 302
    assert response["Location"] == "/werkstaetten/daten-geloescht/"
    assert not Registration.objects.filter(email="ada@example.org").exists()
    registration.workshop.refresh_from_db()
    assert registration.workshop.seats_held == 0
    assert client.get(manage_url(registration)).status_code == 404


def test_cancel_mail_is_written_to_the_outbox(client):
    registration = RegistrationFactory(email="ada@example.org")
    client.post(manage_url(registration), {"action": "cancel", "confirm_cancel": "yes"})
    assert OutboxMail.objects.filter(to="ada@example.org").exists()


def test_token_pages_are_never_cached(client):
    registration = RegistrationFactory(pending=True)
    for url in (confirm_url(registration), manage_url(registration)):
        assert "no-store" in client.get(url)["Cache-Control"]
