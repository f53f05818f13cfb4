"""What a person changes from the manage link after registering: the number of seats, undoing a
cancellation within a few minutes, and withdrawing a consent per purpose.

Every seat change goes through the seat counter (seats.py) in one transaction with the registration row,
like the transitions of registration.py and waitlist.py; seats given back are offered to the waiting list
after commit."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core import hooks
from core.services import mail_enqueue

from .. import selectors
from ..exceptions import InvalidInput, InvalidSeats, NotEnoughSeats, TransitionNotAllowed
from ..models import ConsentRecord, Registration, SupportStatus
from ..tokens import hash_token, tokens_for
from .mails import MAIL, _send_confirm_request, _send_confirmed
from .seats import _lock, _now, _seats_release, _seats_take
from .support import _team_addresses, registration_support_update
from .support_needs import SupportNeeds
from .waitlist import waitlist_offer_next

Status = Registration.Status
CHANGEABLE_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.OFFERED, Status.WAITLISTED)


class CancelUndoNotPossible(TransitionNotAllowed):
    default_code = "cancel_undo_not_possible"


def _free_seats(registration: Registration) -> int:
    workshop = registration.workshop
    workshop.refresh_from_db(fields=["seats_held", "capacity"])
    return max(workshop.capacity - workshop.seats_held, 0)


def registration_seats_change(*, registration: Registration, seats: int) -> Registration:
    """Change the number of people of a registration (within the free seats, up to the workshop's maximum
    per registration). More seats are taken through the seat counter (NotEnoughSeats names how many the
    group can be at most); seats given back are offered to the waiting list. On the waiting list only the
    number changes. Raises InvalidSeats, NotEnoughSeats or TransitionNotAllowed."""
    freed = False
    with transaction.atomic():
        locked = _lock(registration)
        workshop = locked.workshop
        if locked.status not in CHANGEABLE_STATUSES or locked.anonymised_at:
            raise TransitionNotAllowed(_("Diese Anmeldung ist nicht mehr aktiv."))
        if workshop.starts_at <= _now():
            raise TransitionNotAllowed(_("Die Werkstatt hat bereits begonnen."))
        if not isinstance(seats, int) or seats < 1 or seats > workshop.max_seats_per_registration:
            raise InvalidSeats(
                _("Sie können 1 bis %(max)s Plätze anmelden.") % {"max": workshop.max_seats_per_registration}
            )
        difference = seats - locked.seats
        if difference == 0:
            return locked
        # An unconfirmed hold also counts in seats_pending and stays under its cap (ADR 0016).
        unconfirmed = locked.status == Status.PENDING
        if locked.holds_seats and difference > 0:
            if not _seats_take(workshop=workshop, seats=difference, pending=unconfirmed):
                raise NotEnoughSeats(seats_available=locked.seats + _free_seats(locked), seats_requested=seats)
        elif locked.holds_seats:
            _seats_release(workshop_id=workshop.pk, seats=-difference, pending=-difference if unconfirmed else 0)
            freed = True
        locked.seats = seats
        locked.save(update_fields=["seats", "updated_at"])
    if freed:
        waitlist_offer_next(workshop_id=locked.workshop_id)
    return locked


def cancel_undo_deadline(registration: Registration) -> datetime | None:
    """Until when a cancellation can be undone (None: it cannot, e.g. not cancelled)."""
    if registration.status != Status.CANCELLED or registration.cancelled_at is None:
        return None
    return registration.cancelled_at + timedelta(minutes=settings.WORKSHOPS_CANCEL_UNDO_MINUTES)


def registration_cancel_undo(*, registration: Registration) -> Registration:
    """Take back a cancellation within WORKSHOPS_CANCEL_UNDO_MINUTES: the seats are taken again through the
    seat counter if they are still free (a confirmed registration is confirmed again, an unconfirmed hold
    is held again with its confirmation link working again) and the fitting mail goes out. If the seats
    went to someone else meanwhile it says so (CancelUndoNotPossible); nothing is changed then."""
    with transaction.atomic():
        locked = _lock(registration)
        workshop = locked.workshop
        now = _now()
        deadline = cancel_undo_deadline(locked)
        if deadline is None or deadline < now or locked.anonymised_at:
            raise CancelUndoNotPossible(
                _("Die Stornierung kann nicht mehr rückgängig gemacht werden. Bitte melden Sie sich neu an.")
            )
        if workshop.starts_at <= now or workshop.status != workshop.Status.PUBLISHED:
            raise CancelUndoNotPossible(_("Für diese Werkstatt ist keine Anmeldung mehr möglich."))
        # An unconfirmed registration is held again as such: counted in seats_pending, under its cap (ADR 0016).
        if not _seats_take(workshop=workshop, seats=locked.seats, pending=locked.confirmed_at is None):
            raise CancelUndoNotPossible(
                translation.ngettext(
                    "Ihr Platz ist inzwischen an jemand anderen gegangen. Die Stornierung lässt sich deshalb "
                    "nicht rückgängig machen. Sie können sich auf die Warteliste setzen lassen.",
                    "Ihre %(count)d Plätze sind nicht mehr alle frei. Die Stornierung lässt sich deshalb nicht "
                    "rückgängig machen. Sie können sich neu anmelden, für weniger Personen oder auf der Warteliste.",
                    locked.seats,
                )
                % {"count": locked.seats}
            )
        locked.holds_seats = True
        locked.cancelled_at = None
        was_confirmed = locked.confirmed_at is not None
        if was_confirmed:
            locked.status = Status.CONFIRMED
        else:
            locked.status = Status.PENDING
            locked.hold_expires_at = selectors.hold_deadline(workshop=workshop, now=now)
            locked.confirm_token_hash = hash_token(tokens_for(locked).confirm)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as exc:
            # The person registered again with this address meanwhile: that registration stands.
            raise CancelUndoNotPossible(
                _("Sie haben sich inzwischen neu angemeldet. Diese neue Anmeldung gilt.")
            ) from exc
        key = f"workshops:cancel-undo:{locked.pk}:{now:%Y%m%d%H%M%S}"
        if was_confirmed:
            _send_confirmed(locked, dedupe_key=key, reinstated=True)
        else:
            _send_confirm_request(locked, dedupe_key=key, reinstated=True)
    return locked


# --- consent withdrawal (per purpose) ----------------------------------------------------------------------

WITHDRAWABLE_PURPOSES = (ConsentRecord.Purpose.SUPPORT_NEEDS, ConsentRecord.Purpose.STATUS_UPDATES)


def registration_consents_active(*, registration: Registration) -> list[str]:
    """The purposes of this registration a person can withdraw now (given and not withdrawn)."""
    purposes: list[str] = []
    if registration.has_support_needs and registration.support_consent_at:
        purposes.append(ConsentRecord.Purpose.SUPPORT_NEEDS)
    if registration.status_updates_opt_in:
        purposes.append(ConsentRecord.Purpose.STATUS_UPDATES)
    return purposes


def _tell_team_support_withdrawn(registration: Registration, *, now: datetime) -> int:
    """Tell the team (lead and co-facilitators) that they need not arrange anything any more; no needs in
    the mail (they are deleted), German like every team mail."""
    written = 0
    for address in _team_addresses(registration.workshop):
        mail = mail_enqueue(
            to=address,
            template=MAIL + "support_withdrawn",
            context={"registration": registration, "workshop": registration.workshop},
            dedupe_key=f"workshops:support-withdrawn:{registration.pk}:{now:%Y%m%d%H%M%S}:{address}",
            language=settings.LANGUAGE_CODE,
        )
        written += mail is not None
    return written


def registration_consent_withdraw(*, registration: Registration, purpose: str) -> Registration:
    """Withdraw one consent of a registration (self-service, from the manage link or the account page).

    support_needs: the needs are deleted, the consent record gets `withdrawn_at`, and — when the team had
    been told about them (confirmed registration) — the team is told that they are withdrawn.
    status_updates: no more mails about the results (the opt-in is cleared, the consent record gets
    `withdrawn_at`, and higher apps end what they built on it, e.g. an imported subscription, through the
    REGISTRATION_CONSENT_WITHDRAWN hook). Idempotent."""
    if purpose not in WITHDRAWABLE_PURPOSES:
        raise InvalidInput(_("Diese Einwilligung kann hier nicht widerrufen werden."), code="consent_purpose")
    now = _now()
    if purpose == ConsentRecord.Purpose.SUPPORT_NEEDS:
        with transaction.atomic():
            locked = (
                Registration.objects.select_for_update(no_key=True).select_related("workshop").get(pk=registration.pk)
            )
            team_knew = (
                locked.has_support_needs
                and locked.status == Status.CONFIRMED
                and locked.support_status in (SupportStatus.OPEN, SupportStatus.ARRANGED, SupportStatus.NOT_POSSIBLE)
            )
            if locked.has_support_needs:
                if locked.status in Registration.INACTIVE_STATUSES or locked.anonymised_at:
                    _delete_support_needs(locked, now=now)
                else:
                    locked = registration_support_update(registration=locked, support=SupportNeeds(), consent=False)
                Registration.objects.filter(pk=locked.pk).update(support_deleted_at=now)
                locked.support_deleted_at = now
            ConsentRecord.objects.filter(registration=locked, purpose=purpose, withdrawn_at__isnull=True).update(
                withdrawn_at=now
            )
            if team_knew:
                _tell_team_support_withdrawn(locked, now=now)
        return locked
    with transaction.atomic():
        locked = Registration.objects.select_for_update(no_key=True).select_related("workshop").get(pk=registration.pk)
        if locked.status_updates_opt_in:
            locked.status_updates_opt_in = False
            locked.save(update_fields=["status_updates_opt_in", "updated_at"])
        ConsentRecord.objects.filter(registration=locked, purpose=purpose, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        )
        for handler in hooks.REGISTRATION_CONSENT_WITHDRAWN:
            handler(registration=locked, purpose=purpose)
    return locked


def _delete_support_needs(registration: Registration, *, now: datetime) -> None:
    registration.support_step_free = False
    registration.support_sign_language = False
    registration.support_induction_loop = False
    registration.support_easy_language = False
    registration.support_childcare = False
    registration.support_other = ""
    registration.support_consent_at = None
    registration.support_status = ""
    registration.support_note = ""
    registration.support_answered_at = None
    registration.support_urgent = False
    registration.save()
