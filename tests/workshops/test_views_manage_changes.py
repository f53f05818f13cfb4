"""The manage link does what the mail says: seats, support needs, language, cancel with a confirmation step
and an undo, consent withdrawal; the confirmed page repeats the support needs."""

import pytest

from core.models import OutboxMail
from tests.factories import RegistrationFactory, WorkshopFactory, fill
from workshops.models import ConsentRecord, Registration

pytestmark = pytest.mark.django_db


def manage_url(registration) -> str:
    return f"/werkstaetten/anmeldung/{registration.manage_token}/"


def test_cancel_asks_first_and_changes_nothing():
    registration = RegistrationFactory()
    from django.test import Client

    client = Client()
    response = client.post(manage_url(registration), {"action": "cancel"})
    assert response.status_code == 302
    assert "stornieren=1" in response["Location"]
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    page = client.get(response["Location"]).content.decode()
    assert "Anmeldung wirklich stornieren?" in page
    assert 'name="confirm_cancel" value="yes"' in page


def test_after_cancelling_the_page_offers_an_undo_that_works(client):
    registration = RegistrationFactory(seats=2)
    client.post(manage_url(registration), {"action": "cancel", "confirm_cancel": "yes"})
    page = client.get(manage_url(registration)).content.decode()
    assert "Stornierung rückgängig machen" in page
    response = client.post(manage_url(registration), {"action": "undo_cancel"}, follow=True)
    assert "Ihre Anmeldung gilt wieder" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    registration.workshop.refresh_from_db()
    assert registration.workshop.seats_held == 2


def test_undo_says_so_when_the_seat_is_gone(client):
    workshop = WorkshopFactory(capacity=1)
    registration = RegistrationFactory(workshop=workshop)
    client.post(manage_url(registration), {"action": "cancel", "confirm_cancel": "yes"})
    fill(workshop)
    response = client.post(manage_url(registration), {"action": "undo_cancel"}, follow=True)
    assert "nicht rückgängig machen" in response.content.decode()


def test_change_seats_within_the_free_seats(client):
    registration = RegistrationFactory(workshop=WorkshopFactory(capacity=5), seats=1)
    response = client.post(manage_url(registration), {"action": "change_seats", "seats": "3"}, follow=True)
    assert "jetzt für 3 Personen" in response.content.decode()
    registration.refresh_from_db()
    assert registration.seats == 3


def test_change_seats_beyond_the_free_seats_is_refused_with_the_number(client):
    workshop = WorkshopFactory(capacity=3)
    registration = RegistrationFactory(workshop=workshop, seats=1)
    fill(workshop, seats=1)
    response = client.post(manage_url(registration), {"action": "change_seats", "seats": "3"}, follow=True)
    assert "Höchstens 2 Personen sind möglich" in response.content.decode()
    registration.refresh_from_db()
    assert registration.seats == 1


def test_refused_seat_change_does_not_count_ones_own_seats_as_free(client):
    workshop = WorkshopFactory(capacity=2)
    registration = RegistrationFactory(workshop=workshop, seats=2)
    response = client.post(manage_url(registration), {"action": "change_seats", "seats": "4"}, follow=True)
    page = response.content.decode()
    assert "nur noch 2 Plätze frei" not in page
    assert "Höchstens 2 Personen sind möglich" in page


def test_manage_page_offers_the_seat_change_and_the_consents(client):
    registration = RegistrationFactory(status_updates_opt_in=True)
    page = client.get(manage_url(registration)).content.decode()
    assert 'name="action" value="change_seats"' in page
    assert 'name="purpose" value="status_updates"' in page


def test_withdraw_status_updates_from_the_manage_link(client):
    registration = RegistrationFactory(status_updates_opt_in=True)
    record = ConsentRecord.objects.create(
        registration=registration, purpose=ConsentRecord.Purpose.STATUS_UPDATES, text_version="t"
    )
    response = client.post(
        manage_url(registration), {"action": "withdraw_consent", "purpose": "status_updates"}, follow=True
    )
    assert "Ihre Einwilligung ist widerrufen" in response.content.decode()
    record.refresh_from_db()
    assert record.withdrawn_at is not None
    registration.refresh_from_db()
    assert not registration.status_updates_opt_in


def test_emptying_the_support_needs_deletes_them_and_tells_the_team(client):
    from tests.factories import WorkshopTeamMemberFactory
    from workshops.models import WorkshopTeamMember

    registration = RegistrationFactory(support_sign_language=True, support_status="open")
    lead = WorkshopTeamMemberFactory(workshop=registration.workshop, role=WorkshopTeamMember.Role.LEAD).user
    client.post(manage_url(registration), {"action": "support_update"})
    registration.refresh_from_db()
    assert not registration.has_support_needs
    assert OutboxMail.objects.filter(to=lead.email, subject__contains="zurückgezogen").exists()


def test_support_consent_text_names_the_real_retention_period(client, settings):
    settings.WORKSHOPS_SUPPORT_RETENTION_DAYS = 14
    registration = RegistrationFactory()
    page = client.get(manage_url(registration)).content.decode()
    assert "14 Tage nach der Werkstatt gelöscht" in page
    workshop_page = client.get(registration.workshop.get_absolute_url()).content.decode()
    assert "14 Tage nach der Werkstatt gelöscht" in workshop_page


def test_confirmed_page_repeats_the_support_needs_with_the_due_date(client):
    registration = RegistrationFactory(
        pending=True, support_sign_language=True, support_status="open", support_consent_at="2026-01-01T10:00Z"
    )
    response = client.post(f"/werkstaetten/bestaetigen/{registration.confirm_token}/", follow=True)
    page = response.content.decode()
    assert "Gebärdensprachdolmetschung (DGS)" in page
    assert "sagt Ihnen bis" in page
    assert "ändern oder zurückziehen" in page


def test_confirmed_page_shows_no_needs_to_someone_else(client):
    registration = RegistrationFactory(support_sign_language=True, support_status="open")
    page = client.get(f"/werkstaetten/{registration.workshop.slug}/bestaetigt/").content.decode()
    assert "Gebärdensprachdolmetschung" not in page


def test_confirmation_mail_repeats_the_needs_in_the_html_body():
    from workshops import services

    registration = RegistrationFactory(pending=True, support_sign_language=True, support_status="open")
    services.registration_confirm(token=registration.confirm_token)
    mail = OutboxMail.objects.get(subject__startswith="Anmeldung bestätigt")
    body = mail.body_html.split("<title>")[1].split("</title>")
    assert "Gebärdensprach" not in body[0]
    assert "Gebärdensprachdolmetschung (DGS)" in body[1]
    assert "sagt Ihnen bis" in body[1]


def test_each_mail_type_has_its_own_footer():
    from workshops import services

    registration = RegistrationFactory(pending=True)
    services.registration_confirm(token=registration.confirm_token)
    services.registration_cancel(registration=registration)
    confirmed, cancelled = OutboxMail.objects.order_by("pk")
    assert "weil Sie Ihre Anmeldung bestätigt haben" in confirmed.body_text
    assert "Diese E-Mail bestätigt Ihre Absage" in cancelled.body_text
    assert "In Leichter Sprache" in confirmed.body_text
    assert "In Leichter Sprache" in cancelled.body_html


def test_account_page_lists_consents_and_withdraws_them(client):
    from tests.factories import UserFactory

    user = UserFactory()
    registration = RegistrationFactory(user=user, status_updates_opt_in=True)
    client.force_login(user)
    page = client.get("/konto/").content.decode()
    assert "Meine Einwilligungen" in page
    assert 'name="purpose" value="status_updates"' in page
    response = client.post(
        "/konto/anmeldungen/",
        {"registration": registration.pk, "action": "withdraw_consent", "purpose": "status_updates", "back": "konto"},
    )
    assert response["Location"] == "/konto/"
    registration.refresh_from_db()
    assert not registration.status_updates_opt_in


def test_seat_help_says_plainly_when_no_further_seat_is_free(client):
    registration = RegistrationFactory(workshop=WorkshopFactory(capacity=2), seats=2)
    page = client.get(manage_url(registration)).content.decode()
    assert "gerade noch 0" not in page
    assert "Gerade ist kein weiterer Platz frei." in page


def test_cancelled_registration_does_not_promise_help_once_confirmed(client):
    registration = RegistrationFactory(support_sign_language=True, support_status="open")
    client.post(manage_url(registration), {"action": "cancel", "confirm_cancel": "yes"})
    page = client.get(manage_url(registration)).content.decode()
    assert "Gebärdensprachdolmetschung (DGS)" in page
    assert "Sobald Ihre Anmeldung bestätigt ist" not in page
