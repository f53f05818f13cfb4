"""Changes from the manage link: seats, undoing a cancellation, withdrawing a consent per purpose."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import OutboxMail
from tests.factories import RegistrationFactory, WorkshopFactory, WorkshopTeamMemberFactory, fill, register
from workshops import services
from workshops.models import ConsentRecord, Registration, WorkshopTeamMember
from workshops.selectors import workshop_seats_recount
from workshops.services import SupportNeeds
from workshops.tokens import tokens_for

pytestmark = pytest.mark.django_db


def held(workshop) -> int:
    workshop.refresh_from_db()
    assert workshop.seats_held == workshop_seats_recount(workshop_id=workshop.pk)
    return workshop.seats_held


def test_more_seats_are_taken_when_free():
    registration = RegistrationFactory(workshop=WorkshopFactory(capacity=5), seats=1)
    services.registration_seats_change(registration=registration, seats=3)
    registration.refresh_from_db()
    assert registration.seats == 3
    assert held(registration.workshop) == 3


def test_more_seats_than_free_are_refused_with_the_possible_number():
    workshop = WorkshopFactory(capacity=4)
    registration = RegistrationFactory(workshop=workshop, seats=2)
    fill(workshop, seats=1)
    with pytest.raises(services.NotEnoughSeats) as error:
        services.registration_seats_change(registration=registration, seats=4)
    assert error.value.seats_available == 3
    registration.refresh_from_db()
    assert registration.seats == 2
    assert held(workshop) == 3


def test_seats_given_back_are_offered_to_the_waiting_list():
    workshop = WorkshopFactory(capacity=3)
    registration = RegistrationFactory(workshop=workshop, seats=3)
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True, seats=1)
    services.registration_seats_change(registration=registration, seats=2)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED
    assert held(workshop) == 3


def test_on_the_waiting_list_only_the_number_changes():
    workshop = WorkshopFactory(capacity=2)
    fill(workshop)
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True, seats=1)
    services.registration_seats_change(registration=waiting, seats=3)
    waiting.refresh_from_db()
    assert waiting.seats == 3
    assert held(workshop) == 2


def test_seats_beyond_the_maximum_per_registration_are_refused():
    registration = RegistrationFactory(workshop=WorkshopFactory(capacity=50, max_seats_per_registration=4))
    with pytest.raises(services.InvalidSeats):
        services.registration_seats_change(registration=registration, seats=5)


def test_undo_of_a_cancellation_confirms_again_and_takes_the_seats():
    registration = RegistrationFactory(seats=2)
    services.registration_cancel(registration=registration)
    services.registration_cancel_undo(registration=registration)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.holds_seats
    assert held(registration.workshop) == 2


def test_undo_of_a_cancelled_hold_makes_the_confirm_link_work_again():
    workshop = WorkshopFactory(capacity=5)
    registration = register(workshop).registration
    services.registration_cancel(registration=registration)
    services.registration_cancel_undo(registration=registration)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert services.registration_confirm(token=tokens_for(registration).confirm).status == "confirmed"
    assert held(workshop) == 1


def test_undo_says_honestly_when_the_seat_went_to_someone_else():
    workshop = WorkshopFactory(capacity=1)
    registration = RegistrationFactory(workshop=workshop)
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True)
    services.registration_cancel(registration=registration)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED
    with pytest.raises(services.CancelUndoNotPossible, match="an jemand anderen"):
        services.registration_cancel_undo(registration=registration)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert held(workshop) == 1


def test_undo_is_possible_only_for_a_few_minutes(settings):
    settings.WORKSHOPS_CANCEL_UNDO_MINUTES = 10
    registration = RegistrationFactory(cancelled=True, cancelled_at=timezone.now() - timedelta(minutes=11))
    with pytest.raises(services.CancelUndoNotPossible):
        services.registration_cancel_undo(registration=registration)


def _with_support(workshop=None, **kwargs):
    workshop = workshop or WorkshopFactory(capacity=5)
    result = register(
        workshop,
        support=SupportNeeds(sign_language=True),
        support_consent=True,
        status_updates_opt_in=True,
        **kwargs,
    )
    services.registration_confirm_by_staff(registration=result.registration)
    return Registration.objects.get(pk=result.registration.pk)


def test_withdrawing_the_support_consent_deletes_the_needs_and_tells_the_team():
    workshop = WorkshopFactory(capacity=5)
    lead = WorkshopTeamMemberFactory(workshop=workshop, role=WorkshopTeamMember.Role.LEAD).user
    registration = _with_support(workshop)
    services.registration_consent_withdraw(registration=registration, purpose=ConsentRecord.Purpose.SUPPORT_NEEDS)
    registration.refresh_from_db()
    assert not registration.has_support_needs
    assert registration.support_consent_at is None
    assert registration.support_deleted_at is not None
    record = ConsentRecord.objects.get(registration=registration, purpose=ConsentRecord.Purpose.SUPPORT_NEEDS)
    assert record.withdrawn_at is not None
    team_mail = OutboxMail.objects.filter(to=lead.email, subject__contains="zurückgezogen").get()
    assert "Gebärdensprach" not in team_mail.subject + team_mail.body_text


def test_withdrawing_status_updates_stops_the_result_mails():
    registration = _with_support()
    services.registration_consent_withdraw(registration=registration, purpose=ConsentRecord.Purpose.STATUS_UPDATES)
    registration.refresh_from_db()
    assert registration.status_updates_opt_in is False
    record = ConsentRecord.objects.get(registration=registration, purpose=ConsentRecord.Purpose.STATUS_UPDATES)
    assert record.withdrawn_at is not None
    assert services.registration_consents_active(registration=registration) == [ConsentRecord.Purpose.SUPPORT_NEEDS]


def test_withdrawing_status_updates_ends_the_imported_subscription():
    from notifications.models import Subscription
    from notifications.services import subscriptions_import_from_registrations

    registration = _with_support()
    assert subscriptions_import_from_registrations() == 1
    services.registration_consent_withdraw(registration=registration, purpose=ConsentRecord.Purpose.STATUS_UPDATES)
    assert Subscription.objects.get().status == Subscription.Status.UNSUBSCRIBED


def test_privacy_consent_is_not_withdrawn_here():
    registration = RegistrationFactory()
    with pytest.raises(services.InvalidInput):
        services.registration_consent_withdraw(registration=registration, purpose=ConsentRecord.Purpose.PRIVACY)


def _event_of(mail):
    import base64

    from icalendar import Calendar

    raw = next(a for a in mail.attachments if a["mimetype"] == "text/calendar")["content"]
    return Calendar.from_ical(base64.b64decode(raw)).walk("VEVENT")[0]


@pytest.mark.parametrize("confirmed", [True, False])
def test_undo_sends_a_calendar_entry_that_wins_over_the_cancellation(confirmed):
    workshop = WorkshopFactory(capacity=5)
    registration = register(workshop, email="u@example.org").registration
    if confirmed:
        services.registration_confirm(token=tokens_for(registration).confirm)
    services.registration_cancel(registration=registration)
    services.registration_cancel_undo(registration=registration)
    mails = list(OutboxMail.objects.filter(to="u@example.org").order_by("pk"))
    cancel, undo = mails[-2], mails[-1]
    assert cancel.topic == "cancelled"
    assert str(_event_of(undo)["status"]) == ("CONFIRMED" if confirmed else "TENTATIVE")
    assert str(_event_of(undo)["uid"]) == str(_event_of(cancel)["uid"])
    assert int(_event_of(undo)["sequence"]) > int(_event_of(cancel)["sequence"])
