"""Register, confirm and cancel: the double opt-in path of one registration."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.services import outbox_write

from .. import selectors
from ..exceptions import (
    ConsentMissing,
    InvalidInput,
    InvalidSeats,
    NotEnoughSeats,
    RegistrationClosed,
    TokenExpired,
    TokenInvalid,
    TransitionNotAllowed,
    WorkshopFull,
)
from ..models import ConsentRecord, Registration, SupportStatus, Workshop
from ..tokens import (
    hash_token,
    new_tokens,
)
from ._transitions import _confirm_locked, _deactivate_locked, _expire_locked
from .mails import (
    _confirm_request_mail,
    _resend,
    _send_cancelled,
    _send_waitlisted,
)
from .seats import _lock, _now, _seats_take, _seats_take_unsafe
from .support import support_is_urgent
from .support_needs import SupportNeeds
from .waitlist import holds_expire, offers_expire, waitlist_offer_next

Status = Registration.Status


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    status: str  # "pending" | "waitlisted" — identical shape for a duplicate address
    duplicate: bool  # True when an active registration for this address existed (no new seat)


def registration_language(code: str | None) -> str:
    """One of settings.LANGUAGES for a language code ("en-GB" → "en"); the site's language otherwise."""
    known = {code for code, _name in settings.LANGUAGES}
    code = (code or "").lower()
    if code in known:
        return code
    base = code.split("-")[0]
    return base if base in known else settings.LANGUAGE_CODE


def _normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(_("Bitte geben Sie eine gültige E-Mail-Adresse an."), code="email_invalid") from exc
    return email


def _consents(*, registration: Registration, support: bool, status_updates: bool, now: datetime) -> list:
    version = settings.WORKSHOPS_PRIVACY_TEXT_VERSION
    purposes = [ConsentRecord.Purpose.PRIVACY]
    if support:
        purposes.append(ConsentRecord.Purpose.SUPPORT_NEEDS)
    if status_updates:
        purposes.append(ConsentRecord.Purpose.STATUS_UPDATES)
    return [
        ConsentRecord(registration=registration, user=registration.user, purpose=p, text_version=version, given_at=now)
        for p in purposes
    ]


def registration_create(
    *,
    workshop: Workshop,
    name: str,
    email: str,
    seats: int = 1,
    quarter=None,
    support: SupportNeeds | None = None,
    support_consent: bool = False,
    privacy_consent: bool,
    status_updates_opt_in: bool = False,
    user=None,
    waitlist: bool = False,
    language: str = "",
) -> RegistrationResult:
    """Register a person (and companions: `seats`) for a workshop.

    Holds the seats for WORKSHOPS_HOLD_HOURS and mails the confirmation link (double opt-in); without a
    free seat — after releasing that workshop's expired holds and offers once — puts the person on the
    waiting list and mails that. When some seats are free but fewer than `seats`, raises NotEnoughSeats
    (with the free number) unless `waitlist` is True: then the whole group goes on the waiting list.
    An address with an active registration gets the same answer and no
    second seat or row (its pending mail is sent again, at most once an hour). Raises RegistrationClosed,
    WorkshopFull, InvalidSeats, ConsentMissing or InvalidInput for bad input. `language` (the one the person
    used; default the site's) is stored, and every mail to the person is written in it."""
    if not privacy_consent:
        raise ConsentMissing()
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Bitte geben Sie Ihren Namen an."), code="name_required")
    email = _normalise_email(email)
    if not isinstance(seats, int) or seats < 1 or seats > workshop.max_seats_per_registration:
        raise InvalidSeats(
            _("Sie können 1 bis %(max)s Plätze anmelden.") % {"max": workshop.max_seats_per_registration}
        )
    support = support or SupportNeeds()
    if support.any() and not support_consent:
        raise ConsentMissing(
            _(
                "Bitte willigen Sie ein, dass wir Ihren Unterstützungsbedarf speichern, "
                "oder lassen Sie die Angaben leer."
            ),
            code="support_consent_missing",
        )
    now = _now()
    if not selectors.workshop_registration_open(workshop=workshop, now=now):
        raise RegistrationClosed()

    tokens = new_tokens()
    keep_support = support.any() and support_consent
    registration = Registration(
        workshop=workshop,
        user=user if user is not None and user.is_authenticated else None,
        name=name,
        email=email,
        seats=seats,
        quarter=quarter,
        status=Status.PENDING,
        holds_seats=True,
        token_seed=tokens.seed,
        confirm_token_hash=tokens.confirm_hash,
        manage_token_hash=tokens.manage_hash,
        hold_expires_at=selectors.hold_deadline(workshop=workshop, now=now),
        status_updates_opt_in=status_updates_opt_in,
        language=registration_language(language),
        support_step_free=keep_support and support.step_free,
        support_sign_language=keep_support and support.sign_language,
        support_induction_loop=keep_support and support.induction_loop,
        support_easy_language=keep_support and support.easy_language,
        support_childcare=keep_support and support.childcare,
        support_other=support.other.strip() if keep_support else "",
        support_consent_at=now if keep_support else None,
        support_status=SupportStatus.OPEN if keep_support else "",
        support_urgent=keep_support and support_is_urgent(workshop=workshop, now=now),
    )
    consents = _consents(registration=registration, support=keep_support, status_updates=status_updates_opt_in, now=now)
    # Rendered before the transaction: inside it only the seat statement, two inserts and the outbox row.
    confirm_mail = _confirm_request_mail(registration)
    try:
        if _register_with_seat(registration=registration, consents=consents, mail=confirm_mail):
            return RegistrationResult(registration=registration, status=Status.PENDING, duplicate=False)
        # No hold: release this workshop's expired holds and offers (they go to the waiting list first),
        # then try once more.
        released = holds_expire(workshop_id=workshop.pk) + offers_expire(workshop_id=workshop.pk)
        if released and _register_with_seat(registration=registration, consents=consents, mail=confirm_mail):
            return RegistrationResult(registration=registration, status=Status.PENDING, duplicate=False)
        # Seats are free as the public sees them, but unconfirmed registrations hold them or their cap is
        # reached: registered without a hold; the confirmation takes the seats if they are still free.
        if _register_without_seat(registration=registration, consents=consents, now=_now()):
            return RegistrationResult(registration=registration, status=Status.PENDING, duplicate=False)
        free = _seats_free(workshop_id=workshop.pk)
        if 0 < free < seats and not waitlist:
            raise NotEnoughSeats(seats_available=free, seats_requested=seats)
        _register_on_waitlist(registration=registration, consents=consents, now=_now())
        return RegistrationResult(registration=registration, status=Status.WAITLISTED, duplicate=False)
    except IntegrityError:
        # The partial unique index (one active registration per address and workshop) caught a duplicate,
        # also under concurrency. Anything else is a bug and goes on up.
        if not Registration.objects.active().filter(workshop=workshop, email=email).exists():
            raise
    return _registration_duplicate(workshop=workshop, email=email, seats=seats, waitlist=waitlist)


def registration_answer(*, workshop: Workshop, seats: int = 1, waitlist: bool = False) -> str:
    """What a registration for a new address would be told right now ("pending" or "waitlisted"; raises
    NotEnoughSeats like registration_create), from the public seat count — without storing anything.

    The answer for an address already registered, and for one whose mail budget is used up (a third party
    must not be able to flood it), so that neither can be told apart from a new registration."""
    free = _seats_free(workshop_id=workshop.pk)
    if 0 < free < seats and not waitlist:
        raise NotEnoughSeats(seats_available=free, seats_requested=seats)
    return Status.PENDING if free >= seats else Status.WAITLISTED


def _seats_free(*, workshop_id: int) -> int:
    """Free seats as the public sees them (Workshop.seats_available: unconfirmed holds not subtracted)."""
    row = Workshop.objects.filter(pk=workshop_id).values_list("capacity", "seats_held", "seats_pending").first()
    return max(row[0] - (row[1] - row[2]), 0) if row else 0


class _NoSeat(Exception):
    """Rolls the registration's transaction back when the seat statement found no free seat."""


def _register_with_seat(*, registration: Registration, consents: list, mail: dict) -> bool:
    """Insert the registration, its consents and its mail, then hold the seats — all or nothing.

    The conditional UPDATE is the last statement before COMMIT on purpose: the workshop row is locked
    from that statement to the commit, so concurrent registrations for one workshop wait only for one
    round trip instead of the whole transaction. No seat: everything is rolled back."""
    unsafe = settings.WORKSHOPS_SEAT_GUARD == "unsafe"
    try:
        with transaction.atomic():
            if unsafe and not _seats_take_unsafe(workshop=registration.workshop, seats=registration.seats):
                raise _NoSeat
            registration.save(force_insert=True)
            for consent in consents:
                consent.registration = registration
            ConsentRecord.objects.bulk_create(consents)
            outbox_write(**mail)
            if not unsafe and not _seats_take(workshop=registration.workshop, seats=registration.seats, pending=True):
                raise _NoSeat
    except _NoSeat:
        for obj in (registration, *consents):
            obj.pk = None
            obj._state.adding = True
        return False
    return True


def _register_without_seat(*, registration: Registration, consents: list, now: datetime) -> bool:
    """Register as pending without holding seats when the public count still has room for the group (the
    seats are held by other unconfirmed registrations, or their cap is reached). False: no room."""
    registration.holds_seats = False
    with transaction.atomic():
        # Locked and read afresh: the workshop may have been cancelled, closed or filled meanwhile.
        workshop = Workshop.objects.select_for_update(no_key=True).get(pk=registration.workshop_id)
        if workshop.status != Workshop.Status.PUBLISHED or not selectors.workshop_registration_open(
            workshop=workshop, now=now
        ):
            raise RegistrationClosed()
        if workshop.seats_available < registration.seats:
            registration.holds_seats = True
            return False
        registration.workshop = workshop
        registration.save(force_insert=True)
        for consent in consents:
            consent.registration = registration
        ConsentRecord.objects.bulk_create(consents)
        outbox_write(**_confirm_request_mail(registration))
    return True


def _register_on_waitlist(*, registration: Registration, consents: list, now: datetime) -> None:
    """On the waiting list with an unproven address: the confirm token stays (the waiting-list mail carries
    its link) and the entry gets no offer until the link is used (issue 15.4, see waitlist_offer_next)."""
    registration.status = Status.WAITLISTED
    registration.holds_seats = False
    registration.hold_expires_at = None
    registration.waitlisted_at = now
    with transaction.atomic():
        # Locked and read afresh: the workshop may have been cancelled or closed since the request began.
        workshop = Workshop.objects.select_for_update(no_key=True).get(pk=registration.workshop_id)
        if workshop.status != Workshop.Status.PUBLISHED or not selectors.workshop_registration_open(
            workshop=workshop, now=now
        ):
            raise RegistrationClosed()
        if not selectors.workshop_waitlist_open(workshop=workshop, now=now):
            raise WorkshopFull()
        registration.workshop = workshop  # the mail says whether seats are free (a group chose the list)
        registration.save(force_insert=True)
        for consent in consents:
            consent.registration = registration
        ConsentRecord.objects.bulk_create(consents)
        _send_waitlisted(registration)


def _waitlist_locked(registration: Registration, *, now: datetime) -> None:
    """pending without a hold → waitlisted (locked; the address is proven by the confirmation link)."""
    registration.status = Status.WAITLISTED
    registration.confirm_token_hash = ""
    registration.hold_expires_at = None
    registration.waitlisted_at = now
    registration.save(update_fields=["status", "confirm_token_hash", "hold_expires_at", "waitlisted_at", "updated_at"])
    _send_waitlisted(registration)


def _registration_duplicate(*, workshop: Workshop, email: str, seats: int, waitlist: bool) -> RegistrationResult:
    """Same answer as for a new address: no second seat, no second row; the fitting mail goes out again
    (at most once an hour per registration, so the form cannot be used to flood someone's inbox)."""
    existing = Registration.objects.active().select_related("workshop").filter(workshop=workshop, email=email).first()
    if existing is None:  # the other registration was cancelled in the meantime: plain retry is not worth it
        raise ApplicationError(_("Bitte versuchen Sie es noch einmal."), code="retry")
    hour = _now().strftime("%Y%m%d%H")
    try:
        with transaction.atomic():
            _resend(existing, dedupe_key=f"workshops:duplicate:{existing.pk}:{hour}")
    except ApplicationError:
        pass
    # What a new address would have been told right now.
    status = registration_answer(workshop=workshop, seats=seats, waitlist=waitlist)
    return RegistrationResult(registration=existing, status=status, duplicate=True)


def registration_confirm(*, token: str) -> Registration:
    """Confirm a pending registration by its confirmation token (POST only; the GET page shows a button).

    Single use; expires with the hold (then the seats are released and offered on). A registration without
    a hold (beyond the cap of unconfirmed holds, ADR 0016) takes its seats now if they are free, else it
    goes on the waiting list (the returned registration's status says which; the person gets that mail).
    A waiting-list entry's link proves its address: the entry keeps its place and may now get offers (one
    is made at once if seats are free; the returned registration is then "offered").
    Raises TokenInvalid or TokenExpired."""
    found = selectors.registration_by_confirm_token(token=token)
    if found is None:
        raise TokenInvalid()
    expired = False
    with transaction.atomic():
        registration = _lock(found)
        if registration.confirm_token_hash != hash_token(token):
            raise TokenInvalid()
        if registration.status == Status.EXPIRED:
            raise TokenExpired()
        if registration.status == Status.WAITLISTED:
            registration.confirm_token_hash = ""  # the address is proven: offers may come (waitlist_offer_next)
            registration.save(update_fields=["confirm_token_hash", "updated_at"])
        elif registration.status != Status.PENDING:
            raise TokenInvalid()
        elif registration.hold_expires_at and registration.hold_expires_at <= _now():
            _expire_locked(registration)
            expired = True
        else:
            try:
                _confirm_locked(registration, now=_now())
            except NotEnoughSeats:  # raised before any write
                # Registered beyond the cap of unconfirmed holds, and the seats went to others meanwhile:
                # the waiting list, as the confirm-request mail said.
                _waitlist_locked(registration, now=_now())
    if expired:
        waitlist_offer_next(workshop_id=registration.workshop_id)
        raise TokenExpired()
    if registration.status == Status.WAITLISTED and waitlist_offer_next(workshop_id=registration.workshop_id):
        registration.refresh_from_db()
    return registration


def registration_confirm_by_staff(*, registration: Registration, by=None) -> Registration:
    """Staff confirm a pending registration (e.g. the person arrived without clicking the link) or accept
    an offer on someone's behalf. Idempotent for confirmed registrations."""
    with transaction.atomic():
        registration = _lock(registration)
        if registration.status == Status.CONFIRMED:
            return registration
        if registration.status not in (Status.PENDING, Status.OFFERED):
            raise TransitionNotAllowed(_("Nur offene Anmeldungen und Angebote können bestätigt werden."))
        _confirm_locked(registration, now=_now())
    return registration


def registration_cancel(*, registration: Registration, by=None) -> Registration:
    """Cancel a registration (any active state). Frees its seats and offers them to the waiting list.

    Idempotent for registrations that are no longer active. A person (by=None) can cancel until the
    workshop starts; staff (by=user) also later."""
    with transaction.atomic():
        registration = _lock(registration)
        if registration.status in Registration.INACTIVE_STATUSES:
            return registration
        if by is None and registration.workshop.starts_at <= _now():
            raise TransitionNotAllowed(_("Die Werkstatt hat bereits begonnen."))
        freed = registration.holds_seats
        _deactivate_locked(registration, status=Status.CANCELLED)
        _send_cancelled(registration, kind="cancelled")
    if freed:
        waitlist_offer_next(workshop_id=registration.workshop_id)
    return registration
