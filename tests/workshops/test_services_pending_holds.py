"""Short, capped unconfirmed holds and a public seat count that no registration can probe (issue 15.4, ADR 0016)."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from core.models import OutboxMail
from tests.factories import RegistrationFactory, WorkshopFactory, register
from workshops import services
from workshops.models import Registration, Workshop
from workshops.tokens import tokens_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def capped(settings):
    settings.WORKSHOPS_PENDING_HOLD_SHARE = 25
    return settings


def counters(workshop: Workshop) -> tuple[int, int, int]:
    workshop.refresh_from_db()
    return workshop.seats_held, workshop.seats_pending, workshop.seats_available


def test_an_unconfirmed_hold_lasts_hours_not_a_day_by_default():
    assert django_settings.WORKSHOPS_HOLD_HOURS <= 2
    registration = register(WorkshopFactory(starts_at=timezone.now() + timedelta(days=10))).registration
    assert registration.hold_expires_at <= timezone.now() + timedelta(hours=2)


def test_unconfirmed_holds_stop_at_the_share_of_the_capacity(capped):
    workshop = WorkshopFactory(capacity=8)  # 25 % of 8: two seats
    first, second, third = (register(workshop).registration for _ in range(3))
    assert (first.holds_seats, second.holds_seats, third.holds_seats) == (True, True, False)
    assert counters(workshop) == (2, 2, 8)


def test_a_registration_beyond_the_cap_is_pending_and_mailed_that_no_seat_is_held_yet(capped):
    workshop = WorkshopFactory(capacity=4)  # 25 % of 4: one seat
    register(workshop)
    result = register(workshop, email="late@example.org")
    assert (result.status, result.registration.status, result.registration.holds_seats) == ("pending", "pending", False)
    mail = OutboxMail.objects.filter(to="late@example.org").get()
    assert "noch kein Platz reserviert" in mail.body_text


def test_the_easy_language_summary_promises_a_seat_only_when_one_is_held(capped):
    workshop = WorkshopFactory(capacity=4)  # 25 % of 4: one seat
    register(workshop, email="early@example.org")
    register(workshop, email="late@example.org")
    early = OutboxMail.objects.get(to="early@example.org")
    late = OutboxMail.objects.get(to="late@example.org")
    assert "Dann ist Ihr Platz sicher." in early.body_text
    assert "Dann ist Ihr Platz sicher." not in late.body_text
    assert "Dann bekommen Sie einen Platz, wenn noch einer frei ist." in late.body_text
    assert "Dann bekommen Sie einen Platz, wenn noch einer frei ist." in late.body_html


def test_the_cap_holds_under_a_group_that_does_not_fit(capped):
    workshop = WorkshopFactory(capacity=12, max_seats_per_registration=4)  # cap three seats
    result = register(workshop, seats=4)
    assert (result.status, result.registration.holds_seats) == ("pending", False)
    assert counters(workshop) == (0, 0, 12)


def test_confirming_beyond_the_cap_takes_the_seats_then(capped):
    workshop = WorkshopFactory(capacity=4)
    register(workshop)
    late = register(workshop).registration
    services.registration_confirm(token=tokens_for(late).confirm)
    late.refresh_from_db()
    assert (late.status, late.holds_seats) == ("confirmed", True)
    assert counters(workshop) == (2, 1, 3)


def test_confirming_beyond_the_cap_when_the_seats_are_gone_puts_the_person_on_the_waiting_list(capped):
    workshop = WorkshopFactory(capacity=4)
    late = register(workshop).registration
    Registration.objects.filter(pk=late.pk).update(holds_seats=False)  # as if beyond the cap
    Workshop.objects.filter(pk=workshop.pk).update(seats_held=0, seats_pending=0)
    RegistrationFactory.create_batch(4, workshop=workshop)  # confirmed people took every seat meanwhile
    services.registration_confirm(token=tokens_for(late).confirm)
    late.refresh_from_db()
    assert (late.status, late.holds_seats) == ("waitlisted", False)
    assert OutboxMail.objects.filter(to=late.email, subject__icontains="Warteliste").exists()


def test_confirming_an_unconfirmed_hold_moves_it_out_of_the_pending_count(capped):
    workshop = WorkshopFactory(capacity=8)
    registration = register(workshop).registration
    assert counters(workshop) == (1, 1, 8)
    services.registration_confirm(token=tokens_for(registration).confirm)
    assert counters(workshop) == (1, 0, 7)


def test_expiry_frees_the_seats_and_offers_them_to_the_waiting_list(capped):
    workshop = WorkshopFactory(capacity=4, starts_at=timezone.now() + timedelta(days=5))
    pending = register(workshop).registration
    RegistrationFactory.create_batch(3, workshop=workshop)
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True)
    Registration.objects.filter(pk=pending.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    assert services.holds_expire() == 1
    waiting.refresh_from_db()
    assert waiting.status == "offered"
    assert counters(workshop) == (4, 0, 0)


def test_a_pending_registration_without_a_hold_expires_with_its_link(capped):
    workshop = WorkshopFactory(capacity=4)
    register(workshop)
    late = register(workshop).registration
    Registration.objects.filter(pk=late.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    services.holds_expire()
    late.refresh_from_db()
    assert late.status == "expired"
    assert counters(workshop)[:2] == (1, 1)


def test_a_new_unconfirmed_registration_does_not_move_the_public_seat_count(capped):
    workshop = WorkshopFactory(capacity=8)
    before = counters(workshop)[2]
    register(workshop, email="new@example.org")
    assert counters(workshop)[2] == before


def test_new_and_known_addresses_get_the_same_status_when_unconfirmed_holds_fill_the_workshop():
    workshop = WorkshopFactory(capacity=2)
    known = register(workshop, email="known@example.org")
    register(workshop, email="other@example.org")  # now every seat is held, none confirmed
    new = register(workshop, email="new@example.org")
    again = register(workshop, email="known@example.org")
    assert (known.status, new.status, again.status) == ("pending", "pending", "pending")
    assert (new.duplicate, again.duplicate) == (False, True)


def test_seats_reconcile_repairs_the_pending_counter(capped):
    workshop = WorkshopFactory(capacity=8)
    register(workshop)
    Workshop.objects.filter(pk=workshop.pk).update(seats_pending=0)
    services.seats_reconcile(workshop_id=workshop.pk)
    assert counters(workshop)[:2] == (1, 1)
