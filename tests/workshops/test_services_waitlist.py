"""Waiting list: offers in order, group size, deadlines, accept, decline, expiry, leaving."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import NotAllowed
from core.models import OutboxMail
from tests.factories import RegistrationFactory, WorkshopFactory
from workshops import selectors, services

pytestmark = pytest.mark.django_db


def seats_held(workshop):
    workshop.refresh_from_db()
    return workshop.seats_held


def waitlisted(workshop, minutes_ago, **kwargs):
    return RegistrationFactory(
        workshop=workshop, waitlisted=True, waitlisted_at=timezone.now() - timedelta(minutes=minutes_ago), **kwargs
    )


def statuses(*registrations):
    for registration in registrations:
        registration.refresh_from_db()
    return [registration.status for registration in registrations]


def test_cancel_offers_the_freed_seat_to_the_first_in_line():
    workshop = WorkshopFactory(capacity=1)
    seated = RegistrationFactory(workshop=workshop)
    first, second = waitlisted(workshop, 20), waitlisted(workshop, 10)
    services.registration_cancel(registration=seated)
    assert statuses(first, second) == ["offered", "waitlisted"]
    assert seats_held(workshop) == 1


def test_offer_holds_the_seats():
    workshop = WorkshopFactory(capacity=2)
    waiting = waitlisted(workshop, 5, seats=2)
    assert services.waitlist_offer_next(workshop_id=workshop.pk) == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.holds_seats, seats_held(workshop)) == ("offered", True, 2)


def test_a_group_that_does_not_fit_is_skipped_for_the_next_that_fits():
    workshop = WorkshopFactory(capacity=3)
    RegistrationFactory(workshop=workshop, seats=2)
    group, single = waitlisted(workshop, 20, seats=3), waitlisted(workshop, 10, seats=1)
    services.waitlist_offer_next(workshop_id=workshop.pk)
    assert statuses(group, single) == ["waitlisted", "offered"]


def test_several_free_seats_go_to_several_people_in_order():
    workshop = WorkshopFactory(capacity=2)
    a, b, c = waitlisted(workshop, 30), waitlisted(workshop, 20), waitlisted(workshop, 10)
    assert services.waitlist_offer_next(workshop_id=workshop.pk) == 2
    assert statuses(a, b, c) == ["offered", "offered", "waitlisted"]


def test_offer_lasts_the_configured_hours(settings):
    settings.WORKSHOPS_OFFER_HOURS = 48
    workshop = WorkshopFactory(capacity=1, starts_at=timezone.now() + timedelta(days=10))
    waiting = waitlisted(workshop, 5)
    services.waitlist_offer_next(workshop_id=workshop.pk)
    waiting.refresh_from_db()
    assert abs(waiting.offer_expires_at - (timezone.now() + timedelta(hours=48))) < timedelta(minutes=1)


def test_offer_close_to_the_start_is_shorter_and_ends_before_the_start():
    workshop = WorkshopFactory(capacity=1, starts_at=timezone.now() + timedelta(hours=10))
    waiting = waitlisted(workshop, 5)
    services.waitlist_offer_next(workshop_id=workshop.pk)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at < workshop.starts_at
    assert abs(waiting.offer_expires_at - (timezone.now() + timedelta(hours=5))) < timedelta(minutes=1)


def test_no_offers_shortly_before_the_start(settings):
    settings.WORKSHOPS_OFFER_MIN_MINUTES = 60
    workshop = WorkshopFactory(capacity=1, starts_at=timezone.now() + timedelta(minutes=100))
    waitlisted(workshop, 5)
    assert selectors.offer_deadline(workshop=workshop) is None
    assert services.waitlist_offer_next(workshop_id=workshop.pk) == 0


def test_no_offers_for_a_cancelled_workshop():
    workshop = WorkshopFactory(capacity=1, cancelled=True)
    waitlisted(workshop, 5)
    assert services.waitlist_offer_next(workshop_id=workshop.pk) == 0


def test_offer_is_mailed_with_the_manage_link():
    workshop = WorkshopFactory(capacity=1)
    waiting = waitlisted(workshop, 5, email="erika@example.org")
    services.waitlist_offer_next(workshop_id=workshop.pk)
    mail = OutboxMail.objects.get(to="erika@example.org")
    assert mail.topic == "offer"
    assert f"/werkstaetten/anmeldung/{waiting.manage_token}/" in mail.body_text


def test_accept_confirms_the_offer_with_a_check_in_code():
    registration = RegistrationFactory(offered=True)
    accepted = services.offer_accept(registration=registration)
    assert (accepted.status, accepted.holds_seats, bool(accepted.check_in_code)) == ("confirmed", True, True)
    assert seats_held(registration.workshop) == 1


def test_accept_after_the_deadline_raises_and_passes_the_seat_on():
    workshop = WorkshopFactory(capacity=1)
    late = RegistrationFactory(workshop=workshop, offered=True, offer_expires_at=timezone.now() - timedelta(seconds=1))
    next_in_line = waitlisted(workshop, 5)
    with pytest.raises(services.OfferExpired):
        services.offer_accept(registration=late)
    assert statuses(late, next_in_line) == ["expired", "offered"]
    assert seats_held(workshop) == 1


def test_accept_without_an_offer_is_not_allowed():
    with pytest.raises(NotAllowed):
        services.offer_accept(registration=RegistrationFactory(waitlisted=True))


def test_decline_passes_the_seat_to_the_next_in_line():
    workshop = WorkshopFactory(capacity=1)
    offered = RegistrationFactory(workshop=workshop, offered=True)
    next_in_line = waitlisted(workshop, 5)
    services.offer_decline(registration=offered)
    assert statuses(offered, next_in_line) == ["declined", "offered"]


def test_decline_without_next_in_line_frees_the_seat():
    offered = RegistrationFactory(offered=True)
    services.offer_decline(registration=offered)
    assert seats_held(offered.workshop) == 0


def test_offers_expire_passes_the_seat_on():
    workshop = WorkshopFactory(capacity=1)
    late = RegistrationFactory(workshop=workshop, offered=True, offer_expires_at=timezone.now())
    next_in_line = waitlisted(workshop, 5)
    assert services.offers_expire() == 1
    assert statuses(late, next_in_line) == ["expired", "offered"]


def test_offers_process_offers_seats_freed_while_nobody_was_offered():
    workshop = WorkshopFactory(capacity=1)
    waiting = waitlisted(workshop, 5)  # a free seat and a waiting person: e.g. the capacity was raised
    assert services.offers_process() == 1
    assert statuses(waiting) == ["offered"]


def test_leave_waitlist_cancels_without_touching_seats():
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop)
    waiting = waitlisted(workshop, 5)
    services.registration_leave_waitlist(registration=waiting)
    assert statuses(waiting) == ["cancelled"]
    assert seats_held(workshop) == 1


def test_leave_waitlist_is_idempotent():
    waiting = RegistrationFactory(waitlisted=True)
    services.registration_leave_waitlist(registration=waiting)
    assert services.registration_leave_waitlist(registration=waiting).status == "cancelled"


def test_leave_waitlist_of_a_confirmed_registration_is_not_allowed():
    with pytest.raises(NotAllowed):
        services.registration_leave_waitlist(registration=RegistrationFactory())


def test_waitlist_closes_with_the_registration():
    workshop = WorkshopFactory(registration_closes_at=timezone.now() - timedelta(minutes=1))
    assert not selectors.workshop_waitlist_open(workshop=workshop)
