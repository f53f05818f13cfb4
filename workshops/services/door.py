"""The door: part of a group arrives, people come without registering (walk-ins).

Seats are taken through the seat counter (seats.py), so the capacity holds at the door too."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..exceptions import InvalidInput, InvalidSeats, NotEnoughSeats, TransitionNotAllowed
from ..models import ConsentRecord, Registration, Workshop
from ..tokens import new_tokens
from ._transitions import _assign_check_in_code, _confirm_locked
from .mails import _send_walk_in
from .registration import _normalise_email, registration_language
from .seats import _lock, _now, _seats_take

Status = Registration.Status


def _check_arrived(arrived: int | None, *, seats: int) -> int:
    if arrived is None:
        return seats
    if not isinstance(arrived, int) or arrived < 1 or arrived > seats:
        raise InvalidSeats(_("Bitte wählen Sie, wie viele Personen da sind (1 bis %(max)d).") % {"max": seats})
    return arrived


def registration_admit_arrived(*, registration: Registration, arrived: int | None = None, by=None) -> Registration:
    """Check in the people of a registration who came (`arrived`, default all; 2 of 4 is fine).

    Confirmed: checked in with that number (the others keep their seats and can be checked in later by
    calling this again with the new total). Pending hold or offer: confirmed, then checked in. Waiting list:
    only the people who came get seats — the registration shrinks to them, and if they do not fit,
    NotEnoughSeats names the free number. Raises TransitionNotAllowed for inactive registrations."""
    with transaction.atomic():
        locked = _lock(registration)
        if locked.status in Registration.INACTIVE_STATUSES or locked.anonymised_at:
            raise TransitionNotAllowed(_("Diese Anmeldung ist nicht mehr aktiv."))
        count = _check_arrived(arrived, seats=locked.seats)
        now = _now()
        if locked.status == Status.WAITLISTED:
            if not _seats_take(workshop=locked.workshop, seats=count):
                locked.workshop.refresh_from_db(fields=["seats_held", "capacity"])
                raise NotEnoughSeats(seats_available=locked.workshop.seats_available, seats_requested=count)
            locked.seats = count
            locked.holds_seats = True
            locked.save(update_fields=["seats", "holds_seats", "updated_at"])
            _confirm_locked(locked, now=now)
        elif locked.status in (Status.PENDING, Status.OFFERED):
            _confirm_locked(locked, now=now)
        locked.checked_in_at = locked.checked_in_at or now
        locked.checked_in_seats = count
        locked.save(update_fields=["checked_in_at", "checked_in_seats", "updated_at"])
    return locked


def registration_walk_in(
    *,
    workshop: Workshop,
    name: str,
    seats: int = 1,
    email: str = "",
    mail_consent: bool = False,
    status_updates_opt_in: bool = False,
    by=None,
    language: str = "",
) -> Registration:
    """Admit people who come to the door without registering: a confirmed, checked-in registration with a
    name only (counted like everyone else). Seats are taken through the seat counter: NotEnoughSeats when
    the room is full. No mail unless an address is given (with the person's consent to mails about this
    workshop): then a welcome with the manage link goes out, and the person gets what every checked-in
    attendee with an address gets afterwards (the feedback invitation) — and, with `status_updates_opt_in`
    (consent recorded like at registration), the documentation review and the news about the results."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Bitte geben Sie einen Namen an."), code="name_required")
    if not isinstance(seats, int) or seats < 1 or seats > workshop.max_seats_per_registration:
        raise InvalidSeats(
            _("Sie können 1 bis %(max)s Plätze anmelden.") % {"max": workshop.max_seats_per_registration}
        )
    email = (email or "").strip()
    if email:
        email = _normalise_email(email)
        if not mail_consent:
            raise InvalidInput(
                _("Bitte fragen Sie, ob die Person E-Mails zu dieser Werkstatt bekommen möchte."),
                code="mail_consent_missing",
            )
    elif status_updates_opt_in:
        raise InvalidInput(_("Für E-Mails über die Ergebnisse braucht es eine E-Mail-Adresse."), code="email_required")
    tokens = new_tokens()
    now = _now()
    registration = Registration(
        workshop=workshop,
        name=name[:150],
        email=email,
        seats=seats,
        status=Status.CONFIRMED,
        holds_seats=True,
        walk_in=True,
        token_seed=tokens.seed,
        manage_token_hash=tokens.manage_hash,
        confirmed_at=now,
        checked_in_at=now,
        checked_in_seats=seats,
        status_updates_opt_in=bool(email) and status_updates_opt_in,
        language=registration_language(language),
    )
    with transaction.atomic():
        locked = Workshop.objects.select_for_update(no_key=True).get(pk=workshop.pk)
        if not _seats_take(workshop=locked, seats=seats):
            locked.refresh_from_db(fields=["seats_held", "capacity"])
            raise NotEnoughSeats(seats_available=locked.seats_available, seats_requested=seats)
        registration.workshop = locked
        _assign_check_in_code(registration)
        try:
            with transaction.atomic():
                registration.save(force_insert=True)
        except IntegrityError as exc:
            # Staff at the door may know this: the person is registered already, so look them up instead.
            raise InvalidInput(
                _("Mit dieser Adresse gibt es schon eine Anmeldung. Bitte suchen Sie nach dem Namen."),
                code="email_registered",
            ) from exc
        if email:
            purposes = [ConsentRecord.Purpose.PRIVACY]
            if registration.status_updates_opt_in:
                purposes.append(ConsentRecord.Purpose.STATUS_UPDATES)
            ConsentRecord.objects.bulk_create(
                ConsentRecord(
                    registration=registration,
                    purpose=purpose,
                    text_version=settings.WORKSHOPS_PRIVACY_TEXT_VERSION,
                    given_at=now,
                )
                for purpose in purposes
            )
            _send_walk_in(registration)
    return registration
