"""registration_create: seats, waiting list, validation, duplicates, consents."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import OutboxMail
from tests.factories import QuarterFactory, RegistrationFactory, UserFactory, WorkshopFactory, fill, register
from workshops import selectors, services
from workshops.models import ConsentRecord, Registration
from workshops.tokens import hash_token, tokens_for

pytestmark = pytest.mark.django_db


def test_registration_holds_seats_and_is_pending():
    workshop = WorkshopFactory(capacity=10)
    result = register(workshop, seats=3)
    workshop.refresh_from_db()
    assert (result.status, result.duplicate, result.registration.status) == ("pending", False, "pending")
    assert result.registration.holds_seats
    assert workshop.seats_held == 3


def test_hold_lasts_the_configured_hours(settings):
    settings.WORKSHOPS_HOLD_HOURS = 24
    workshop = WorkshopFactory()
    before = timezone.now()
    registration = register(workshop).registration
    assert before + timedelta(hours=24) <= registration.hold_expires_at <= timezone.now() + timedelta(hours=24)


def test_hold_never_lasts_beyond_the_start():
    workshop = WorkshopFactory(starts_at=timezone.now() + timedelta(minutes=90))
    assert register(workshop).registration.hold_expires_at == workshop.starts_at


def test_only_token_hashes_are_stored():
    registration = register(WorkshopFactory()).registration
    tokens = tokens_for(registration)
    stored = Registration.objects.filter(pk=registration.pk).values()[0]
    assert stored["confirm_token_hash"] == hash_token(tokens.confirm)
    assert stored["manage_token_hash"] == hash_token(tokens.manage)
    assert tokens.confirm not in str(stored) and tokens.manage not in str(stored)


def test_full_workshop_puts_the_person_on_the_waiting_list():
    workshop = WorkshopFactory(capacity=2)
    fill(workshop)
    result = register(workshop)
    workshop.refresh_from_db()
    assert (result.status, result.registration.status, result.registration.holds_seats) == (
        "waitlisted",
        "waitlisted",
        False,
    )
    assert workshop.seats_held == 2
    assert result.registration.waitlisted_at is not None


def test_group_larger_than_the_free_seats_is_told_how_many_are_free():
    workshop = WorkshopFactory(capacity=4)
    fill(workshop, seats=1)
    with pytest.raises(services.NotEnoughSeats) as caught:
        register(workshop, seats=4)
    assert (caught.value.code, caught.value.seats_available, caught.value.seats_requested) == (
        "not_enough_seats",
        3,
        4,
    )
    assert not Registration.objects.filter(workshop=workshop, seats=4).exists()


def test_group_larger_than_the_free_seats_goes_to_the_waiting_list_when_it_asks_to():
    workshop = WorkshopFactory(capacity=4)
    fill(workshop, seats=1)
    result = register(workshop, seats=4, waitlist=True)
    workshop.refresh_from_db()
    assert (result.status, workshop.seats_held) == ("waitlisted", 1)


def test_group_waitlist_mail_does_not_claim_the_workshop_is_full():
    workshop = WorkshopFactory(capacity=4)
    fill(workshop, seats=1)
    register(workshop, seats=4, waitlist=True, email="group@example.org")
    mail = OutboxMail.objects.get(to="group@example.org")
    assert "alle Plätze vergeben" not in mail.body_text
    assert "ganze Gruppe auf die Warteliste" in mail.body_text


def test_group_when_no_seat_is_free_goes_to_the_waiting_list():
    workshop = WorkshopFactory(capacity=4)
    fill(workshop)
    assert register(workshop, seats=3).status == "waitlisted"


def test_no_seat_releases_expired_holds_first(monkeypatch):
    workshop = WorkshopFactory(capacity=1)
    stale = RegistrationFactory(workshop=workshop, pending=True, hold_expires_at=timezone.now() - timedelta(minutes=1))
    result = register(workshop)
    stale.refresh_from_db()
    assert result.status == "pending"
    assert stale.status == "expired"


def test_released_seats_go_to_the_waiting_list_before_a_newcomer():
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop, pending=True, hold_expires_at=timezone.now() - timedelta(minutes=1))
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True)
    result = register(workshop)
    waiting.refresh_from_db()
    assert waiting.status == "offered"
    assert result.status == "waitlisted"


def test_full_workshop_with_closed_waiting_list_raises(settings):
    settings.WORKSHOPS_OFFER_MIN_MINUTES = 60
    workshop = WorkshopFactory(capacity=1, starts_at=timezone.now() + timedelta(minutes=90))
    fill(workshop)
    with pytest.raises(services.WorkshopFull):
        register(workshop)


def test_missing_privacy_consent_raises():
    with pytest.raises(services.ConsentMissing):
        register(WorkshopFactory(), privacy_consent=False)


def test_support_needs_without_their_consent_raise():
    with pytest.raises(services.ConsentMissing) as info:
        register(WorkshopFactory(), support=services.SupportNeeds(step_free=True))
    assert info.value.code == "support_consent_missing"


@pytest.mark.parametrize("seats", [0, -1, 5])
def test_seats_outside_one_to_max_raise(seats):
    with pytest.raises(services.InvalidSeats):
        register(WorkshopFactory(max_seats_per_registration=4), seats=seats)


def test_invalid_email_raises():
    with pytest.raises(services.InvalidInput):
        register(WorkshopFactory(), email="not-an-address")


def test_blank_name_raises():
    with pytest.raises(services.InvalidInput):
        register(WorkshopFactory(), name="  ")


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "draft"},
        {"status": "cancelled"},
        {"registration_opens_at": "future"},
        {"registration_closes_at": "past"},
        {"starts_at": "past"},
    ],
)
def test_closed_registration_raises(overrides):
    now = timezone.now()
    values = {
        "future": now + timedelta(days=1),
        "past": now - timedelta(hours=1),
    }
    kwargs = {key: values.get(value, value) for key, value in overrides.items()}
    if "starts_at" in kwargs:
        kwargs["ends_at"] = kwargs["starts_at"] + timedelta(hours=2)
    workshop = WorkshopFactory(**kwargs)
    assert not selectors.workshop_registration_open(workshop=workshop)
    with pytest.raises(services.RegistrationClosed):
        register(workshop)


def test_email_is_normalised_to_lower_case():
    registration = register(WorkshopFactory(), email="  Erika.M@Example.ORG ").registration
    assert registration.email == "erika.m@example.org"


def test_duplicate_address_gets_the_same_answer_and_no_second_seat():
    workshop = WorkshopFactory(capacity=10)
    first = register(workshop, email="erika@example.org", seats=2)
    again = register(workshop, email="ERIKA@example.org", seats=2)
    workshop.refresh_from_db()
    assert (again.status, again.duplicate) == ("pending", True)
    assert again.registration.pk == first.registration.pk
    assert Registration.objects.filter(workshop=workshop).count() == 1
    assert workshop.seats_held == 2


def test_duplicate_of_a_confirmed_registration_answers_like_a_new_address():
    workshop = WorkshopFactory(capacity=10)
    RegistrationFactory(workshop=workshop, email="erika@example.org")
    result = register(workshop, email="erika@example.org")
    assert (result.status, result.duplicate) == ("pending", True)


def test_duplicate_on_a_full_workshop_answers_waitlisted():
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop, email="erika@example.org")
    result = register(workshop, email="erika@example.org")
    assert (result.status, result.duplicate) == ("waitlisted", True)
    assert Registration.objects.filter(workshop=workshop).count() == 1


def test_duplicate_resends_the_pending_mail_at_most_once_an_hour():
    workshop = WorkshopFactory()
    register(workshop, email="erika@example.org")
    register(workshop, email="erika@example.org")
    register(workshop, email="erika@example.org")
    assert OutboxMail.objects.filter(to="erika@example.org", topic="confirm_request").count() == 2


def test_after_cancelling_the_address_can_register_again():
    workshop = WorkshopFactory()
    RegistrationFactory(workshop=workshop, email="erika@example.org", cancelled=True)
    result = register(workshop, email="erika@example.org")
    assert (result.status, result.duplicate) == ("pending", False)


def test_privacy_consent_is_recorded_with_text_version(settings):
    settings.WORKSHOPS_PRIVACY_TEXT_VERSION = "2026-03"
    registration = register(WorkshopFactory()).registration
    consent = ConsentRecord.objects.get(registration=registration)
    assert (consent.purpose, consent.text_version) == ("privacy", "2026-03")


def test_support_needs_are_stored_with_their_own_consent():
    registration = register(
        WorkshopFactory(),
        support=services.SupportNeeds(sign_language=True, other="Sitzplatz nahe der Tür"),
        support_consent=True,
    ).registration
    registration.refresh_from_db()
    assert registration.support_sign_language and registration.support_other == "Sitzplatz nahe der Tür"
    assert registration.support_consent_at is not None
    assert set(ConsentRecord.objects.filter(registration=registration).values_list("purpose", flat=True)) == {
        "privacy",
        "support_needs",
    }


def test_support_consent_without_needs_stores_nothing():
    registration = register(WorkshopFactory(), support_consent=True).registration
    assert registration.support_consent_at is None
    assert list(ConsentRecord.objects.filter(registration=registration).values_list("purpose", flat=True)) == [
        "privacy"
    ]


def test_status_updates_opt_in_is_recorded():
    registration = register(WorkshopFactory(), status_updates_opt_in=True).registration
    assert registration.status_updates_opt_in
    assert ConsentRecord.objects.filter(registration=registration, purpose="status_updates").exists()


def test_quarter_and_user_are_kept():
    user = UserFactory()
    quarter = QuarterFactory()
    registration = register(WorkshopFactory(), quarter=quarter, user=user).registration
    registration.refresh_from_db()
    assert (registration.quarter, registration.user) == (quarter, user)


def test_confirm_request_mail_is_written_to_the_outbox():
    registration = register(WorkshopFactory(), email="erika@example.org").registration
    mail = OutboxMail.objects.get(to="erika@example.org")
    assert mail.topic == "confirm_request"
    assert f"/werkstaetten/bestaetigen/{tokens_for(registration).confirm}/" in mail.body_text
    assert f"/werkstaetten/anmeldung/{tokens_for(registration).manage}/" in mail.body_text


def test_waitlisted_mail_is_written_to_the_outbox():
    workshop = WorkshopFactory(capacity=1)
    fill(workshop)
    register(workshop, email="erika@example.org")
    assert OutboxMail.objects.get(to="erika@example.org").topic == "waitlisted"


def test_no_seat_is_taken_once_the_workshop_was_cancelled_meanwhile():
    workshop = WorkshopFactory(capacity=5)
    stale = workshop.__class__.objects.get(pk=workshop.pk)  # read by the request before the cancellation
    services.workshop_cancel(workshop=workshop, reason="Krankheit")
    with pytest.raises(services.RegistrationClosed):
        register(stale)
    workshop.refresh_from_db()
    assert workshop.seats_held == 0
    assert not Registration.objects.active().filter(workshop=workshop).exists()
