"""Waiting list and offers: leave, accept, decline, offer free seats in order, expire holds and offers."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .. import selectors
from ..exceptions import (
    OfferExpired,
    TransitionNotAllowed,
)
from ..models import Registration, Workshop
from ._transitions import _confirm_locked, _deactivate_locked, _expire_locked
from .mails import (
    _send_cancelled,
    _send_offer,
)
from .seats import _lock, _now, _seats_take

Status = Registration.Status


def registration_leave_waitlist(*, registration: Registration) -> Registration:
    """Leave the waiting list (one POST from the manage page). Idempotent once left."""
    with transaction.atomic():
        registration = _lock(registration)
        if registration.status in Registration.INACTIVE_STATUSES:
            return registration
        if registration.status != Status.WAITLISTED:
            raise TransitionNotAllowed(_("Sie stehen nicht auf der Warteliste."))
        _deactivate_locked(registration, status=Status.CANCELLED)
        _send_cancelled(registration, kind="left_waitlist")
    return registration


def offer_accept(*, registration: Registration) -> Registration:
    """Accept a waiting-list offer: the held seats become a confirmed registration (the offer link came by
    mail, which proves the address). An expired offer passes on and raises OfferExpired."""
    expired = False
    with transaction.atomic():
        registration = _lock(registration)
        if registration.status == Status.CONFIRMED:
            return registration
        if registration.status != Status.OFFERED:
            raise TransitionNotAllowed(_("Für diese Anmeldung liegt kein Angebot vor."))
        now = _now()
        if registration.offer_expires_at and registration.offer_expires_at <= now:
            _expire_locked(registration)
            expired = True
        else:
            _confirm_locked(registration, now=now)
    if expired:
        waitlist_offer_next(workshop_id=registration.workshop_id)
        raise OfferExpired()
    return registration


def offer_decline(*, registration: Registration) -> Registration:
    """Decline a waiting-list offer: the seats pass to the next person on the list."""
    with transaction.atomic():
        registration = _lock(registration)
        if registration.status == Status.DECLINED:
            return registration
        if registration.status != Status.OFFERED:
            raise TransitionNotAllowed(_("Für diese Anmeldung liegt kein Angebot vor."))
        _deactivate_locked(registration, status=Status.DECLINED)
        _send_cancelled(registration, kind="declined")
    waitlist_offer_next(workshop_id=registration.workshop_id)
    return registration


def waitlist_offer_next(*, workshop_id: int) -> int:
    """Offer free seats to the waiting list in order; a group that does not fit is skipped for the next
    one that does. Each offer holds its seats until its deadline (see selectors.offer_deadline) and is
    mailed with the manage link (accept / decline). Returns the number of offers made.

    Only entries whose address is proven get offers: an entry made on the waiting list keeps its confirm
    token until its link is used (issue 15.4: invented addresses must not hold freed seats). Until then it
    is skipped and keeps its place."""
    made = 0
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update(no_key=True).filter(pk=workshop_id).first()
        if workshop is None or workshop.status != Workshop.Status.PUBLISHED:
            return 0
        now = _now()
        deadline = selectors.offer_deadline(workshop=workshop, now=now)
        free = workshop.capacity - workshop.seats_held
        if deadline is None or free <= 0:
            return 0
        waiting = (
            Registration.objects.select_for_update(no_key=True)
            .filter(workshop_id=workshop_id, status=Status.WAITLISTED, confirm_token_hash="")
            .order_by("waitlisted_at", "pk")
        )
        for registration in waiting[:500]:
            if registration.seats > free:
                continue
            if not _seats_take(workshop=workshop, seats=registration.seats):
                break
            free -= registration.seats
            registration.workshop = workshop
            registration.status = Status.OFFERED
            registration.holds_seats = True
            registration.offer_expires_at = deadline
            registration.save(update_fields=["status", "holds_seats", "offer_expires_at", "updated_at"])
            _send_offer(registration)
            made += 1
            if free <= 0:
                break
    return made


def _expire_due(*, status: str, deadline_field: str, workshop_id: int | None) -> int:
    now = _now()
    # Pending registrations without a hold (beyond the cap, ADR 0016) expire too: their link ends.
    holding = {} if status == Status.PENDING else {"holds_seats": True}
    due = Registration.objects.filter(status=status, **holding, **{f"{deadline_field}__lte": now})
    if workshop_id is not None:
        due = due.filter(workshop_id=workshop_id)
    expired = 0
    for wid in sorted(set(due.values_list("workshop_id", flat=True))):
        with transaction.atomic():
            Workshop.objects.select_for_update(no_key=True).filter(pk=wid).first()
            rows = list(
                Registration.objects.select_for_update(no_key=True).filter(
                    workshop_id=wid, status=status, **holding, **{f"{deadline_field}__lte": now}
                )
            )
            for registration in rows:
                _expire_locked(registration)
            expired += len(rows)
        if rows:
            waitlist_offer_next(workshop_id=wid)
    return expired


def holds_expire(*, workshop_id: int | None = None) -> int:
    """Expire unconfirmed holds past their deadline, release their seats, offer them on. Idempotent."""
    return _expire_due(status=Status.PENDING, deadline_field="hold_expires_at", workshop_id=workshop_id)


def offers_expire(*, workshop_id: int | None = None) -> int:
    """Expire waiting-list offers past their deadline; their seats pass to the next people. Idempotent."""
    return _expire_due(status=Status.OFFERED, deadline_field="offer_expires_at", workshop_id=workshop_id)


def offers_process() -> int:
    """The periodic offer step: expire due offers, then offer every workshop's free seats to its waiting
    list (catches seats freed while offering was not possible). Returns the number of offers made."""
    offers_expire()
    workshop_ids = (
        Registration.objects.filter(
            status=Status.WAITLISTED,
            confirm_token_hash="",
            workshop__status=Workshop.Status.PUBLISHED,
            workshop__starts_at__gt=_now(),
            workshop__seats_held__lt=F("workshop__capacity"),
        )
        .values_list("workshop_id", flat=True)
        .distinct()
    )
    return sum(waitlist_offer_next(workshop_id=wid) for wid in sorted(set(workshop_ids)))
