"""State changes of a locked registration, shared by the registration and waiting-list services."""

from datetime import datetime

from ..exceptions import NotEnoughSeats
from ..models import Registration, Workshop
from ..tokens import (
    new_check_in_code,
)
from .mails import (
    _send_confirmed,
)
from .seats import _now, _pending_seats, _seats_release, _seats_take
from .support import support_notify_team

Status = Registration.Status


def _assign_check_in_code(registration: Registration) -> None:
    for _attempt in range(8):
        code = new_check_in_code()
        if not Registration.objects.filter(workshop_id=registration.workshop_id, check_in_code=code).exists():
            registration.check_in_code = code
            return
    raise RuntimeError("no free check-in code after 8 attempts")  # 25**6 codes: practically impossible


def _take_for_confirmation_locked(registration: Registration) -> bool:
    """Make sure a registration about to be confirmed holds its seats: an unconfirmed registration beyond the
    cap of unconfirmed holds (ADR 0016) takes them now, if free (no cap: the address is proven). An
    unconfirmed hold moves out of `seats_pending` in _confirm_locked. False: not enough seats free."""
    if registration.holds_seats:
        return True
    if not _seats_take(workshop=registration.workshop, seats=registration.seats):
        return False
    registration.holds_seats = True
    registration.save(update_fields=["holds_seats", "updated_at"])
    return True


def _confirm_locked(registration: Registration, *, now: datetime) -> None:
    """pending/offered → confirmed (seats stay held), with check-in code and the confirmation mail.

    A pending registration without a hold takes its seats first (raises NotEnoughSeats when they are not
    free); an unconfirmed hold leaves `seats_pending` (the seats stay held, now firmly)."""
    pending = _pending_seats(registration)  # read before a seat is taken below: that one is firm at once
    if not _take_for_confirmation_locked(registration):
        free = Workshop.objects.filter(pk=registration.workshop_id).values_list("capacity", "seats_held").get()
        raise NotEnoughSeats(seats_available=max(free[0] - free[1], 0), seats_requested=registration.seats)
    if pending:
        _seats_release(workshop_id=registration.workshop_id, seats=0, pending=pending)
    registration.status = Status.CONFIRMED
    registration.confirmed_at = now
    registration.confirm_token_hash = ""
    registration.hold_expires_at = None
    registration.offer_expires_at = None
    if not registration.check_in_code:
        _assign_check_in_code(registration)
    registration.save(
        update_fields=[
            "status",
            "confirmed_at",
            "confirm_token_hash",
            "hold_expires_at",
            "offer_expires_at",
            "check_in_code",
            "updated_at",
        ]
    )
    _send_confirmed(registration)
    # The team hears of support needs once the seat is firm (a hold that expires needs no interpreter).
    support_notify_team(registration=registration)


def _expire_locked(registration: Registration) -> None:
    """pending/offered → expired, seats released (the confirm hash stays, so its link says "expired")."""
    pending = _pending_seats(registration)
    registration.status = Status.EXPIRED
    if registration.holds_seats:
        _seats_release(workshop_id=registration.workshop_id, seats=registration.seats, pending=pending)
    registration.holds_seats = False
    registration.save(update_fields=["status", "holds_seats", "updated_at"])


def _deactivate_locked(registration: Registration, *, status: str) -> None:
    if registration.holds_seats:
        _seats_release(
            workshop_id=registration.workshop_id, seats=registration.seats, pending=_pending_seats(registration)
        )
    registration.status = status
    registration.holds_seats = False
    registration.cancelled_at = _now() if status == Status.CANCELLED else registration.cancelled_at
    registration.confirm_token_hash = ""
    registration.hold_expires_at = None
    registration.offer_expires_at = None
    registration.save(
        update_fields=[
            "status",
            "holds_seats",
            "cancelled_at",
            "confirm_token_hash",
            "hold_expires_at",
            "offer_expires_at",
            "updated_at",
        ]
    )
