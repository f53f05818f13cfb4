"""Mails of the registration engine: German, text + HTML, manage link, .ics, check-in code and QR code,
reminders with a start-time checksum."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from core.models import OutboxMail
from tests.factories import RegistrationFactory, WorkshopFactory, register
from workshops import services
from workshops.services import mails
from workshops.tokens import check_in_url

pytestmark = pytest.mark.django_db


def only_mail(**filters) -> OutboxMail:
    return OutboxMail.objects.get(**filters)


def attachment(mail: OutboxMail, mimetype: str) -> bytes:
    found = [a for a in mail.attachments if a["mimetype"] == mimetype]
    assert len(found) == 1, [a["filename"] for a in mail.attachments]
    return base64.b64decode(found[0]["content"])


@pytest.mark.parametrize(
    ("make", "topic"),
    [
        (lambda: register(WorkshopFactory(), email="erika@example.org"), "confirm_request"),
        (
            lambda: services.registration_confirm(
                token=RegistrationFactory(pending=True, email="erika@example.org").confirm_token
            ),
            "confirmed",
        ),
        (
            lambda: services.waitlist_offer_next(
                workshop_id=RegistrationFactory(waitlisted=True, email="erika@example.org").workshop_id
            ),
            "offer",
        ),
        (
            lambda: services.registration_cancel(registration=RegistrationFactory(email="erika@example.org")),
            "cancelled",
        ),
        (
            lambda: services.workshop_cancel(
                workshop=RegistrationFactory(email="erika@example.org").workshop, reason="Krankheit"
            ),
            "workshop_cancelled",
        ),
    ],
)
def test_every_mail_is_german_text_and_html_with_manage_link_and_ics(make, topic):
    make()
    mail = only_mail(to="erika@example.org", topic=topic)
    assert "Guten Tag" in mail.body_text and "/werkstaetten/anmeldung/" in mail.body_text
    assert mail.body_html.startswith("<!DOCTYPE html>") and 'lang="de"' in mail.body_html
    assert "/werkstaetten/anmeldung/" in mail.body_html
    assert Calendar.from_ical(attachment(mail, "text/calendar")).walk("VEVENT")


def test_waitlisted_mail_has_manage_link_and_no_calendar_entry():
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop)
    register(workshop, email="erika@example.org")
    mail = only_mail(to="erika@example.org", topic="waitlisted")
    assert "Warteliste" in mail.subject and "/werkstaetten/anmeldung/" in mail.body_text
    assert [a for a in mail.attachments if a["mimetype"] == "text/calendar"] == []
    assert "Kalendereintrag" not in mail.body_text


def test_confirmed_mail_carries_the_check_in_code_and_a_qr_code_to_the_door_page():
    registration = RegistrationFactory(pending=True, email="erika@example.org")
    confirmed = services.registration_confirm(token=registration.confirm_token)
    mail = only_mail(to="erika@example.org", topic="confirmed")
    assert confirmed.check_in_code in mail.body_text and confirmed.check_in_code in mail.body_html
    png = attachment(mail, "image/png")
    door = check_in_url(registration.workshop, confirmed.check_in_code)
    assert door.endswith(f"/werkstaetten/{registration.workshop.slug}/einlass/?code={confirmed.check_in_code}")
    assert png == mails._qr_png(door)


def test_qr_code_encodes_the_check_in_url():
    url = "http://127.0.0.1:8000/werkstaetten/x/einlass/?code=ACD479"
    png = mails._qr_png(url)
    assert png.startswith(b"\x89PNG") and len(png) > 200


def test_text_mail_is_not_html_escaped():
    register(WorkshopFactory(title="Wege & Plätze"), email="erika@example.org", name="Anna & Ben")
    mail = only_mail(to="erika@example.org")
    assert "Wege & Plätze" in mail.subject and "Anna & Ben" in mail.body_text


def test_html_mail_escapes_user_input():
    register(WorkshopFactory(), email="erika@example.org", name="<script>x</script>")
    assert "<script>" not in only_mail(to="erika@example.org").body_html


def test_workshop_cancelled_mail_carries_the_reason():
    registration = RegistrationFactory(email="erika@example.org")
    services.workshop_cancel(workshop=registration.workshop, reason="Der Saal ist überflutet.")
    assert "Der Saal ist überflutet." in only_mail(to="erika@example.org").body_text


# --- reminders --------------------------------------------------------------------------------------------


def due_workshop(**kwargs):
    return WorkshopFactory(starts_at=timezone.now() + timedelta(hours=24), reminder_lead_hours=48, **kwargs)


def confirmed_long_ago(workshop, **kwargs):
    return RegistrationFactory(workshop=workshop, confirmed_at=timezone.now() - timedelta(days=5), **kwargs)


def test_reminder_goes_to_confirmed_participants_within_the_lead_time():
    registration = confirmed_long_ago(due_workshop(), email="erika@example.org")
    assert services.reminders_send() == 1
    mail = only_mail(to="erika@example.org", topic="reminder")
    assert registration.check_in_code in mail.body_text and "Erinnerung" in mail.subject
    attachment(mail, "text/calendar")


def test_reminder_is_sent_once():
    confirmed_long_ago(due_workshop())
    services.reminders_send()
    assert services.reminders_send() == 0


def test_reminder_not_before_the_lead_time():
    confirmed_long_ago(WorkshopFactory(starts_at=timezone.now() + timedelta(days=5), reminder_lead_hours=48))
    assert services.reminders_send() == 0


def test_no_reminder_when_switched_off():
    confirmed_long_ago(due_workshop(reminder_enabled=False))
    assert services.reminders_send() == 0


def test_no_reminder_for_pending_or_waitlisted():
    workshop = due_workshop()
    RegistrationFactory(workshop=workshop, pending=True)
    RegistrationFactory(workshop=workshop, waitlisted=True)
    assert services.reminders_send() == 0


def test_no_reminder_for_people_who_confirmed_inside_the_window():
    RegistrationFactory(workshop=due_workshop(), confirmed_at=timezone.now() - timedelta(hours=1))
    assert services.reminders_send() == 0


def test_moved_workshop_gets_a_fresh_reminder_for_its_new_time():
    workshop = due_workshop()
    confirmed_long_ago(workshop, email="erika@example.org")
    services.reminders_send()
    workshop.starts_at += timedelta(hours=3)
    workshop.ends_at += timedelta(hours=3)
    workshop.save()
    assert services.reminders_send() == 1
    keys = sorted(OutboxMail.objects.filter(topic="reminder").values_list("dedupe_key", flat=True))
    assert len(keys) == 2
    assert any(key.endswith(services.start_checksum(workshop)) for key in keys)


def test_reminder_dedupe_key_contains_the_start_checksum():
    workshop = due_workshop()
    registration = confirmed_long_ago(workshop)
    services.reminders_send()
    key = OutboxMail.objects.get(topic="reminder").dedupe_key
    assert key == f"workshops:reminder:{registration.pk}:{services.start_checksum(workshop)}"


def test_reminder_extra_text_is_included():
    confirmed_long_ago(due_workshop(reminder_text="Bitte bringen Sie einen Stift mit."), email="erika@example.org")
    services.reminders_send()
    assert "Bitte bringen Sie einen Stift mit." in only_mail(to="erika@example.org").body_text


@pytest.mark.parametrize("name", ["Erika Mustermann", 'Anna & <Ben> "Co"', "Zoë 'Ü' Ørsted"])
def test_cached_confirm_request_mail_equals_a_direct_rendering(name):
    workshop = WorkshopFactory(title="Wege & Plätze", venue_public_transport="Bus 100 <Limmerstraße>")
    for seats in (1, 3):
        registration = register(workshop, name=name, seats=seats).registration
        cached = mails._confirm_request_mail(registration)
        direct = mails._confirm_request_mail_uncached(registration)
        assert {key: cached[key] for key in direct} == direct


def test_confirm_request_mail_names_the_hold_deadline():
    registration = register(WorkshopFactory(), email="erika@example.org").registration
    deadline = mails._deadline_text(registration.hold_expires_at)
    assert deadline and f"bis {deadline} Uhr" in only_mail(to="erika@example.org").body_text
