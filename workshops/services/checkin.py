"""Check-in at the door."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..exceptions import (
    NotEnoughSeats,
    TransitionNotAllowed,
)
from ..models import Registration
from ._transitions import _confirm_locked
from .seats import _lock, _now, _seats_take

Status = Registration.Status


def registration_check_in(*, registration: Registration, by=None) -> Registration:
    """Mark a confirmed registration as present. Idempotent."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        if registration.checked_in_at:
            return registration
        if registration.status != Status.CONFIRMED:
            raise TransitionNotAllowed(_("Nur bestätigte Anmeldungen können eingecheckt werden."))
        registration.checked_in_at = _now()
        registration.save(update_fields=["checked_in_at", "updated_at"])
    return registration


def registration_undo_check_in(*, registration: Registration, by=None) -> Registration:
    """Take back a check-in (wrong person tapped). Idempotent."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        if registration.checked_in_at is not None:
            registration.checked_in_at = None
            registration.save(update_fields=["checked_in_at", "updated_at"])
    return registration


def registration_admit(*, registration: Registration, by=None) -> Registration:
    """Admit a person at the door who is not confirmed yet: a pending hold or an offer is confirmed; a person
    on the waiting list gets seats if enough are free (through the seat counter, so the capacity holds).
    Then they are checked in. Raises NotEnoughSeats when the waiting-list group does not fit."""
    with transaction.atomic():
        locked = _lock(registration)
        if locked.status == Status.WAITLISTED:
            if not _seats_take(workshop=locked.workshop, seats=locked.seats):
                locked.workshop.refresh_from_db(fields=["seats_held", "capacity"])
                raise NotEnoughSeats(seats_available=locked.workshop.seats_available, seats_requested=locked.seats)
            locked.holds_seats = True
            locked.save(update_fields=["holds_seats", "updated_at"])
            _confirm_locked(locked, now=_now())
        elif locked.status in (Status.PENDING, Status.OFFERED):
            _confirm_locked(locked, now=_now())
        elif locked.status != Status.CONFIRMED:
            raise TransitionNotAllowed(_("Diese Anmeldung ist nicht mehr aktiv."))
        if not locked.checked_in_at:
            locked.checked_in_at = _now()
            locked.save(update_fields=["checked_in_at", "updated_at"])
    return locked
