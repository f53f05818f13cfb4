"""Confirm, cancel, expire, check-in, resend: one behaviour per test."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import NotAllowed
from core.models import OutboxMail
from tests.factories import RegistrationFactory, UserFactory, WorkshopFactory, register
from workshops import selectors, services
from workshops.tokens import CHECK_IN_ALPHABET

pytestmark = pytest.mark.django_db


def seats_held(workshop):
    workshop.refresh_from_db()
    return workshop.seats_held


# --- confirm ----------------------------------------------------------------------------------------------


def test_confirm_turns_a_pending_registration_into_confirmed():
    registration = RegistrationFactory(pending=True)
    confirmed = services.registration_confirm(token=registration.confirm_token)
    assert confirmed.status == "confirmed" and confirmed.confirmed_at is not None


def test_confirm_keeps_the_seats_held():
    registration = RegistrationFactory(pending=True, seats=2)
    services.registration_confirm(token=registration.confirm_token)
    assert seats_held(registration.workshop) == 2


def test_confirm_sets_a_check_in_code_from_the_unambiguous_alphabet():
    registration = RegistrationFactory(pending=True)
    code = services.registration_confirm(token=registration.confirm_token).check_in_code
    assert 6 <= len(code) <= 8 and set(code) <= set(CHECK_IN_ALPHABET)


def test_confirm_token_is_single_use():
    registration = RegistrationFactory(pending=True)
    services.registration_confirm(token=registration.confirm_token)
    with pytest.raises(services.TokenInvalid):
        services.registration_confirm(token=registration.confirm_token)


def test_unknown_confirm_token_raises_invalid():
    with pytest.raises(services.TokenInvalid):
        services.registration_confirm(token="no-such-token")


def test_confirm_after_the_hold_expired_raises_expired_and_releases_the_seats():
    registration = RegistrationFactory(pending=True, hold_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.TokenExpired):
        services.registration_confirm(token=registration.confirm_token)
    registration.refresh_from_db()
    assert (registration.status, registration.holds_seats) == ("expired", False)
    assert seats_held(registration.workshop) == 0


def test_confirm_link_of_an_expired_hold_keeps_saying_expired():
    registration = RegistrationFactory(pending=True, hold_expires_at=timezone.now() - timedelta(seconds=1))
    services.holds_expire()
    with pytest.raises(services.TokenExpired):
        services.registration_confirm(token=registration.confirm_token)


def test_expired_confirm_offers_the_seat_to_the_waiting_list():
    workshop = WorkshopFactory(capacity=1)
    registration = RegistrationFactory(
        workshop=workshop, pending=True, hold_expires_at=timezone.now() - timedelta(seconds=1)
    )
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True)
    with pytest.raises(services.TokenExpired):
        services.registration_confirm(token=registration.confirm_token)
    waiting.refresh_from_db()
    assert waiting.status == "offered"


def test_staff_confirm_of_a_pending_registration():
    registration = RegistrationFactory(pending=True)
    assert services.registration_confirm_by_staff(registration=registration, by=UserFactory()).status == "confirmed"


def test_staff_confirm_of_a_cancelled_registration_is_not_allowed():
    with pytest.raises(NotAllowed):
        services.registration_confirm_by_staff(registration=RegistrationFactory(cancelled=True))


# --- expire -----------------------------------------------------------------------------------------------


def test_holds_expire_releases_expired_holds():
    workshop = WorkshopFactory()
    stale = RegistrationFactory(workshop=workshop, pending=True, seats=2, hold_expires_at=timezone.now())
    assert services.holds_expire() == 1
    stale.refresh_from_db()
    assert (stale.status, stale.holds_seats, seats_held(workshop)) == ("expired", False, 0)


def test_holds_expire_leaves_running_holds_alone():
    registration = RegistrationFactory(pending=True)
    assert services.holds_expire() == 0
    registration.refresh_from_db()
    assert registration.status == "pending"


def test_holds_expire_is_idempotent():
    RegistrationFactory(pending=True, hold_expires_at=timezone.now())
    services.holds_expire()
    assert services.holds_expire() == 0


def test_holds_expire_for_one_workshop_only():
    other = RegistrationFactory(pending=True, hold_expires_at=timezone.now())
    mine = RegistrationFactory(pending=True, hold_expires_at=timezone.now())
    services.holds_expire(workshop_id=mine.workshop_id)
    other.refresh_from_db()
    assert other.status == "pending"


# --- cancel -----------------------------------------------------------------------------------------------


def test_cancel_releases_the_seats():
    registration = RegistrationFactory(seats=3)
    services.registration_cancel(registration=registration)
    registration.refresh_from_db()
    assert (registration.status, registration.holds_seats) == ("cancelled", False)
    assert registration.cancelled_at is not None
    assert seats_held(registration.workshop) == 0


def test_cancel_of_a_pending_registration_invalidates_its_confirm_link():
    registration = RegistrationFactory(pending=True)
    services.registration_cancel(registration=registration)
    with pytest.raises(services.TokenInvalid):
        services.registration_confirm(token=registration.confirm_token)


def test_cancel_is_idempotent():
    registration = RegistrationFactory()
    services.registration_cancel(registration=registration)
    services.registration_cancel(registration=registration)
    assert seats_held(registration.workshop) == 0


def test_cancel_mails_a_confirmation():
    registration = RegistrationFactory(email="erika@example.org")
    services.registration_cancel(registration=registration)
    assert OutboxMail.objects.get(to="erika@example.org").topic == "cancelled"


def test_cancel_by_the_person_after_the_start_is_not_allowed():
    workshop = WorkshopFactory(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(NotAllowed):
        services.registration_cancel(registration=RegistrationFactory(workshop=workshop))


def test_cancel_by_staff_after_the_start_is_allowed():
    workshop = WorkshopFactory(starts_at=timezone.now() - timedelta(minutes=5))
    registration = RegistrationFactory(workshop=workshop)
    assert services.registration_cancel(registration=registration, by=UserFactory()).status == "cancelled"


def test_cancel_of_a_waitlisted_registration_does_not_touch_the_counter():
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop)
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True)
    services.registration_cancel(registration=waiting)
    assert seats_held(workshop) == 1


# --- check-in ---------------------------------------------------------------------------------------------


def test_check_in_marks_a_confirmed_registration_present():
    registration = services.registration_check_in(registration=RegistrationFactory())
    assert registration.checked_in_at is not None


def test_check_in_is_idempotent():
    registration = services.registration_check_in(registration=RegistrationFactory())
    again = services.registration_check_in(registration=registration)
    assert again.checked_in_at == registration.checked_in_at


def test_check_in_of_a_pending_registration_is_not_allowed():
    with pytest.raises(NotAllowed):
        services.registration_check_in(registration=RegistrationFactory(pending=True))


def test_undo_check_in():
    registration = services.registration_check_in(registration=RegistrationFactory())
    assert services.registration_undo_check_in(registration=registration).checked_in_at is None


def test_check_in_code_lookup_ignores_case_and_dashes():
    registration = RegistrationFactory(check_in_code="ACD479")
    found = selectors.registration_by_check_in_code(workshop=registration.workshop, code=" acd-479 ")
    assert found == registration


# --- resend -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trait", "topic"),
    [("pending", "confirm_request"), ("confirmed", "confirmed"), ("waitlisted", "waitlisted"), ("offered", "offer")],
)
def test_resend_sends_the_mail_that_fits_the_status(trait, topic):
    kwargs = {} if trait == "confirmed" else {trait: True}
    registration = RegistrationFactory(email="erika@example.org", **kwargs)
    services.registration_resend_mail(registration=registration)
    assert OutboxMail.objects.get(to="erika@example.org").topic == topic


def test_resend_for_a_cancelled_registration_is_not_allowed():
    with pytest.raises(NotAllowed):
        services.registration_resend_mail(registration=RegistrationFactory(cancelled=True))


def test_manage_token_finds_the_registration():
    registration = register(WorkshopFactory()).registration
    from workshops.tokens import tokens_for

    assert selectors.registration_by_manage_token(token=tokens_for(registration).manage) == registration
