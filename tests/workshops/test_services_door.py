"""At the door: part of a group, waiting-list people when seats are free, walk-ins (through the seat counter)."""

import pytest

from core.models import OutboxMail
from tests.factories import RegistrationFactory, WorkshopFactory, fill
from workshops import services
from workshops.models import ConsentRecord, Registration
from workshops.selectors import workshop_seats_recount
from workshops.tokens import tokens_for

pytestmark = pytest.mark.django_db


def held(workshop) -> int:
    workshop.refresh_from_db()
    assert workshop.seats_held == workshop_seats_recount(workshop_id=workshop.pk)
    return workshop.seats_held


def test_part_of_a_group_is_checked_in():
    registration = RegistrationFactory(seats=4)
    services.registration_admit_arrived(registration=registration, arrived=2)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.arrived_seats == 2
    assert registration.seats == 4


def test_more_arrived_than_registered_is_refused():
    registration = RegistrationFactory(seats=2)
    with pytest.raises(services.InvalidSeats):
        services.registration_admit_arrived(registration=registration, arrived=3)


def test_waiting_list_group_gets_only_the_seats_of_those_who_came():
    workshop = WorkshopFactory(capacity=3)
    fill(workshop, seats=1)
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True, seats=4)
    services.registration_admit_arrived(registration=waiting, arrived=2)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert waiting.seats == 2
    assert waiting.arrived_seats == 2
    assert held(workshop) == 3


def test_waiting_list_people_are_not_admitted_beyond_capacity():
    workshop = WorkshopFactory(capacity=2)
    fill(workshop)
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True, seats=1)
    with pytest.raises(services.NotEnoughSeats):
        services.registration_admit_arrived(registration=waiting)
    assert held(workshop) == 2


def test_walk_in_is_counted_and_gets_no_mail_without_an_address():
    workshop = WorkshopFactory(capacity=5)
    walk_in = services.registration_walk_in(workshop=workshop, name="Kim", seats=2)
    assert walk_in.walk_in
    assert walk_in.status == Registration.Status.CONFIRMED
    assert walk_in.arrived_seats == 2
    assert held(workshop) == 2
    assert not OutboxMail.objects.exists()


def test_several_walk_ins_without_address_are_possible():
    workshop = WorkshopFactory(capacity=5)
    services.registration_walk_in(workshop=workshop, name="Kim")
    services.registration_walk_in(workshop=workshop, name="Lu")
    assert held(workshop) == 2


def test_walk_in_with_an_address_gets_the_confirmation():
    workshop = WorkshopFactory(capacity=5)
    walk_in = services.registration_walk_in(workshop=workshop, name="Kim", email="kim@example.org", mail_consent=True)
    assert OutboxMail.objects.filter(to="kim@example.org").count() == 1
    assert ConsentRecord.objects.filter(registration=walk_in, purpose=ConsentRecord.Purpose.PRIVACY).exists()


def test_walk_in_stores_the_language_of_the_check_in_page():
    walk_in = services.registration_walk_in(workshop=WorkshopFactory(), name="Kim", language="en-GB")
    assert walk_in.language == "en"


def test_walk_in_without_a_language_is_german():
    assert services.registration_walk_in(workshop=WorkshopFactory(), name="Kim").language == "de"


def test_walk_in_address_needs_the_persons_consent():
    with pytest.raises(services.InvalidInput):
        services.registration_walk_in(workshop=WorkshopFactory(), name="Kim", email="kim@example.org")


def test_walk_ins_respect_the_capacity():
    workshop = WorkshopFactory(capacity=2)
    fill(workshop, seats=1)
    with pytest.raises(services.NotEnoughSeats):
        services.registration_walk_in(workshop=workshop, name="Kim", seats=2)
    assert held(workshop) == 1


def test_partial_check_in_counts_only_those_who_came_in_the_attendance_figures():
    from reflections.services import checked_in_count

    workshop = WorkshopFactory(capacity=10)
    services.registration_admit_arrived(registration=RegistrationFactory(workshop=workshop, seats=4), arrived=2)
    services.registration_walk_in(workshop=workshop, name="Kim")
    assert checked_in_count(workshop=workshop) == 3


def test_walk_ins_without_address_get_no_cancellation_mail():
    workshop = WorkshopFactory(capacity=10)
    services.registration_walk_in(workshop=workshop, name="Kim")
    services.workshop_cancel(workshop=workshop, reason="Krank")
    assert not OutboxMail.objects.filter(to="").exists()


# --- follow-up mails of walk-ins (issue 10.6: "no mail unless given") ---------------------------------------


def walk_in_with_address(workshop=None, **kwargs):
    return services.registration_walk_in(
        workshop=workshop or WorkshopFactory(capacity=5),
        name="Kim",
        email="kim@example.org",
        mail_consent=True,
        **kwargs,
    )


def test_walk_in_mail_welcomes_instead_of_promising_a_seat_and_an_entry_code():
    walk_in = walk_in_with_address()
    mail = OutboxMail.objects.get(to="kim@example.org")
    assert mail.topic == "walk_in"
    assert walk_in.check_in_code not in mail.body_text
    assert "Einlass-Code" not in mail.body_text
    assert mail.attachments == []
    assert f"/werkstaetten/anmeldung/{tokens_for(walk_in).manage}/" in mail.body_text


def test_walk_in_mail_is_plural_correct_for_a_group():
    walk_in_with_address(seats=3)
    assert "mit 3 Personen" in OutboxMail.objects.get(to="kim@example.org").body_text


def test_walk_in_may_ask_to_hear_about_the_results():
    walk_in = walk_in_with_address(status_updates_opt_in=True)
    assert walk_in.status_updates_opt_in
    consent = ConsentRecord.objects.get(registration=walk_in, purpose=ConsentRecord.Purpose.STATUS_UPDATES)
    assert consent.text_version
    assert "was aus den Ergebnissen" in OutboxMail.objects.get(to="kim@example.org").body_text


def test_walk_in_without_an_address_cannot_ask_for_result_mails():
    with pytest.raises(services.InvalidInput):
        services.registration_walk_in(workshop=WorkshopFactory(), name="Kim", status_updates_opt_in=True)


def _held(workshop):
    from workshops.models import Workshop

    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.HELD)
    workshop.refresh_from_db()
    return workshop


def test_walk_in_with_an_address_is_invited_to_the_feedback_like_every_attendee(settings):
    from datetime import timedelta

    from reflections.services import feedback_invitations_send

    workshop = WorkshopFactory(capacity=5)
    walk_in_with_address(workshop)
    services.registration_walk_in(workshop=workshop, name="Lu")
    _held(workshop)
    after = workshop.ends_at + timedelta(hours=settings.FEEDBACK_SEND_AFTER_HOURS + 1)
    assert feedback_invitations_send(now=after, workshop_id=workshop.pk) == 1
    assert OutboxMail.objects.filter(to="kim@example.org", topic="feedback_invitation").exists()


def test_walk_in_who_asked_for_results_reviews_the_documentation():
    from reflections.services import review_reviewers

    workshop = WorkshopFactory(capacity=5)
    walk_in = walk_in_with_address(workshop, status_updates_opt_in=True)
    services.registration_walk_in(workshop=workshop, name="Lu", email="lu@example.org", mail_consent=True)
    assert list(review_reviewers(workshop=_held(workshop))) == [walk_in]
