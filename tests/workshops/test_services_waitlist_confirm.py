"""Waiting-list entries made by the form or the API prove their address before they can get an offer
(issue 15.4): invented addresses on a full workshop's list must not hold freed seats."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import OutboxMail
from tests.factories import RegistrationFactory, WorkshopFactory, fill, register
from workshops import services
from workshops.models import Registration
from workshops.tokens import tokens_for

pytestmark = pytest.mark.django_db


def full_workshop(capacity=1):
    workshop = WorkshopFactory(capacity=capacity)
    seated = fill(workshop)
    return workshop, seated


def on_waitlist(workshop, email):
    result = register(workshop, email=email)
    assert result.status == "waitlisted"
    return Registration.objects.get(pk=result.registration.pk)


def fresh(registration):
    return Registration.objects.get(pk=registration.pk)


def test_a_new_waitlist_entry_is_unconfirmed():
    workshop, _seated = full_workshop()
    entry = on_waitlist(workshop, "erika@example.org")
    assert entry.confirm_token_hash != ""


def test_an_unconfirmed_waitlist_entry_gets_no_offer():
    workshop, seated = full_workshop()
    entry = on_waitlist(workshop, "invented@example.org")
    services.registration_cancel(registration=seated[0])
    entry = fresh(entry)
    workshop.refresh_from_db()
    assert (entry.status, entry.holds_seats, workshop.seats_held) == ("waitlisted", False, 0)


def test_an_unconfirmed_entry_is_skipped_for_the_next_confirmed_one():
    workshop, seated = full_workshop()
    unconfirmed = on_waitlist(workshop, "invented@example.org")
    confirmed = RegistrationFactory(workshop=workshop, waitlisted=True)
    services.registration_cancel(registration=seated[0])
    assert (fresh(unconfirmed).status, fresh(confirmed).status) == ("waitlisted", "offered")


def test_the_waitlist_mail_carries_the_confirmation_link():
    workshop, _seated = full_workshop()
    entry = on_waitlist(workshop, "erika@example.org")
    mail = OutboxMail.objects.filter(to="erika@example.org").latest("pk")
    assert f"/werkstaetten/bestaetigen/{tokens_for(entry).confirm}/" in mail.body_text
    assert f"/werkstaetten/bestaetigen/{tokens_for(entry).confirm}/" in mail.body_html


def test_confirming_a_waitlist_entry_keeps_its_place():
    workshop, _seated = full_workshop()
    entry = on_waitlist(workshop, "erika@example.org")
    waited_since = entry.waitlisted_at
    services.registration_confirm(token=tokens_for(entry).confirm)
    entry = fresh(entry)
    assert (entry.status, entry.confirm_token_hash, entry.waitlisted_at) == ("waitlisted", "", waited_since)


def test_confirming_a_waitlist_entry_gets_the_free_seat_offered():
    workshop, seated = full_workshop()
    entry = on_waitlist(workshop, "erika@example.org")
    services.registration_cancel(registration=seated[0])
    confirmed = services.registration_confirm(token=tokens_for(entry).confirm)
    workshop.refresh_from_db()
    assert (confirmed.status, fresh(entry).holds_seats, workshop.seats_held) == ("offered", True, 1)


def test_a_confirmed_entry_keeps_its_place_ahead_of_later_ones():
    workshop, seated = full_workshop()
    early = on_waitlist(workshop, "early@example.org")
    late = RegistrationFactory(workshop=workshop, waitlisted=True)
    services.registration_confirm(token=tokens_for(early).confirm)
    services.registration_cancel(registration=seated[0])
    assert (fresh(early).status, fresh(late).status) == ("offered", "waitlisted")


def test_the_waitlist_confirmation_link_works_once():
    workshop, _seated = full_workshop()
    entry = on_waitlist(workshop, "erika@example.org")
    services.registration_confirm(token=tokens_for(entry).confirm)
    with pytest.raises(services.TokenInvalid):
        services.registration_confirm(token=tokens_for(entry).confirm)


def test_periodic_offers_skip_unconfirmed_entries():
    workshop, seated = full_workshop()
    entry = on_waitlist(workshop, "invented@example.org")
    services.registration_cancel(registration=seated[0])
    assert services.offers_process() == 0
    assert fresh(entry).status == "waitlisted"


def test_a_pending_registration_moved_to_the_waitlist_on_confirmation_is_confirmed():
    # Its address is proven by the confirmation link it clicked.
    workshop = WorkshopFactory(capacity=1)
    pending = RegistrationFactory(workshop=workshop, pending=True, holds_seats=False)
    fill(workshop)
    services.registration_confirm(token=pending.confirm_token)
    pending = fresh(pending)
    assert (pending.status, pending.confirm_token_hash) == ("waitlisted", "")


def test_the_waitlist_confirmation_link_does_not_expire_while_waiting():
    workshop, _seated = full_workshop()
    entry = on_waitlist(workshop, "erika@example.org")
    Registration.objects.filter(pk=entry.pk).update(waitlisted_at=timezone.now() - timedelta(days=5))
    services.registration_confirm(token=tokens_for(entry).confirm)
    assert fresh(entry).confirm_token_hash == ""
