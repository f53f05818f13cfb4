"""Registration engine: seats, double opt-in, waiting list, check-in, mails, reminders and retention.

Seats (DESIGN §5): `Workshop.seats_held` is a counter changed only here, by one conditional statement
(`UPDATE … SET seats_held = seats_held + n WHERE id = … AND seats_held + n <= capacity`), in the same
transaction as the registration row whose `holds_seats` flag says it is counted. Every transition runs in
one transaction that locks the workshop row first and then the registration row (one lock order for all
transitions, so they cannot deadlock) — except registration_create, whose first statement is the
conditional UPDATE itself. Mails are rendered before the seat statement or written to the outbox in the
transaction and sent after commit.
"""

import hashlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO
from types import SimpleNamespace

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import dateformat, timezone, translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError, NotAllowed
from core.models import OutboxMail
from core.services import Attachment, mail_enqueue, mail_render, outbox_write

from . import selectors
from .ics import workshop_ics
from .models import AgendaItem, ConsentRecord, Registration, Workshop, WorkshopTeamMember
from .tokens import (
    check_in_url,
    confirm_url,
    hash_token,
    manage_url,
    new_check_in_code,
    new_tokens,
    tokens_for,
    workshop_url,
)

logger = logging.getLogger(__name__)

Status = Registration.Status
MAIL = "workshops/mail/"


# --- errors -----------------------------------------------------------------------------------------------


class RegistrationClosed(ApplicationError):
    """The workshop does not take registrations (not published, outside the window, started)."""

    default_message = gettext_lazy("Für diese Werkstatt ist keine Anmeldung möglich.")
    default_code = "registration_closed"


class WorkshopFull(RegistrationClosed):
    """No seat is free and the waiting list is closed."""

    default_message = gettext_lazy("Leider sind alle Plätze vergeben, und die Warteliste ist geschlossen.")
    default_code = "workshop_full"


class InvalidSeats(ApplicationError):
    default_message = gettext_lazy("Diese Anzahl an Plätzen ist nicht möglich.")
    default_code = "invalid_seats"


class ConsentMissing(ApplicationError):
    default_message = gettext_lazy("Bitte stimmen Sie den Datenschutzhinweisen zu.")
    default_code = "consent_missing"


class InvalidInput(ApplicationError):
    """A required value is missing or malformed (name, e-mail address)."""


class TokenInvalid(ApplicationError):
    default_message = gettext_lazy("Dieser Link ist ungültig oder wurde bereits verwendet.")
    default_code = "token_invalid"


class TokenExpired(ApplicationError):
    default_message = gettext_lazy("Dieser Link ist abgelaufen. Die Reservierung wurde freigegeben.")
    default_code = "token_expired"


class OfferExpired(ApplicationError):
    default_message = gettext_lazy("Das Angebot ist abgelaufen; der Platz wurde weitergegeben.")
    default_code = "offer_expired"


class TransitionNotAllowed(NotAllowed):
    """The registration's current state does not allow this step."""


# --- value objects ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportNeeds:
    step_free: bool = False
    sign_language: bool = False
    induction_loop: bool = False
    easy_language: bool = False
    childcare: bool = False
    other: str = ""

    def any(self) -> bool:
        return any(
            [
                self.step_free,
                self.sign_language,
                self.induction_loop,
                self.easy_language,
                self.childcare,
                self.other.strip(),
            ]
        )


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    status: str  # "pending" | "waitlisted" — identical shape for a duplicate address
    duplicate: bool  # True when an active registration for this address existed (no new seat)


# --- seat counter -----------------------------------------------------------------------------------------


def _now() -> datetime:
    return timezone.now()


def _seats_take(*, workshop: Workshop, seats: int) -> bool:
    """Hold `seats` seats if they are free: one conditional UPDATE; one row affected means they are held."""
    if settings.WORKSHOPS_SEAT_GUARD == "unsafe":
        return _seats_take_unsafe(workshop=workshop, seats=seats)
    # The status is part of the condition: a registration that waited for the row lock of a concurrent
    # workshop_cancel must not take seats of the workshop that was cancelled meanwhile.
    updated = Workshop.objects.filter(
        pk=workshop.pk, status=Workshop.Status.PUBLISHED, seats_held__lte=F("capacity") - seats
    ).update(seats_held=F("seats_held") + seats)
    return updated == 1


def _seats_take_unsafe(*, workshop: Workshop, seats: int) -> bool:
    """Test-only control (WORKSHOPS_SEAT_GUARD = "unsafe"): check, then insert — racy on purpose.

    Leaves the counter alone (its CHECK constraint would turn the race into errors); the overbooking
    shows in the registrations that hold seats."""
    held = selectors.workshop_seats_recount(workshop_id=workshop.pk)
    if settings.WORKSHOPS_UNSAFE_RACE_SECONDS:
        time.sleep(settings.WORKSHOPS_UNSAFE_RACE_SECONDS)
    return held + seats <= workshop.capacity


def _seats_release(*, workshop_id: int, seats: int) -> None:
    if seats and settings.WORKSHOPS_SEAT_GUARD != "unsafe":
        Workshop.objects.filter(pk=workshop_id).update(seats_held=F("seats_held") - seats)


def _lock(registration: Registration) -> Registration:
    """Lock the workshop row, then the registration row (the one lock order of all transitions).

    Returns the fresh registration with its freshly read workshop attached."""
    workshop = Workshop.objects.select_for_update(no_key=True).get(pk=registration.workshop_id)
    locked = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
    locked.workshop = workshop
    return locked


# --- mails ------------------------------------------------------------------------------------------------


def _ics_attachment(workshop: Workshop, *, cancelled: bool = False) -> Attachment:
    return Attachment(
        filename=f"{workshop.slug}.ics",
        content=workshop_ics(workshop, cancelled=cancelled),
        mimetype="text/calendar",
    )


def _qr_png(url: str) -> bytes:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def _mail_context(registration: Registration, **extra) -> dict:
    workshop = registration.workshop
    return {
        "registration": registration,
        "workshop": workshop,
        "manage_url": manage_url(registration),
        "workshop_url": workshop_url(workshop),
        **extra,
    }


def _deadline_text(moment: datetime | None) -> str:
    """ "24. Dezember 2026, 18:00" in Hannover's time (German month names)."""
    if moment is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return dateformat.format(timezone.localtime(moment), "j. F Y, H:i")


# Placeholders of the per-registration values in a cached confirm-request mail (private-use characters:
# they survive rendering and HTML escaping unchanged and never occur in the templates themselves).
_PLACEHOLDERS = {
    "seats": "\ue000seats\ue001",
    "deadline": "\ue000deadline\ue001",
    "confirm_url": "\ue000confirm\ue001",
    "manage_url": "\ue000manage\ue001",
    "name": "\ue000name\ue001",  # last: a name is inserted after every other value, never re-scanned
}
_SKELETONS: OrderedDict = OrderedDict()
_SKELETONS_SIZE = 256


def _confirm_request_skeleton(workshop: Workshop) -> tuple[str, str, str]:
    """The confirm-request mail of a workshop rendered once with placeholders, cached per workshop state:
    rendering three templates was the largest CPU cost of a registration."""
    key = (workshop.pk, workshop.updated_at, workshop.status, workshop.starts_at, workshop.ends_at, settings.SITE_URL)
    skeleton = _SKELETONS.get(key)
    if skeleton is None:
        stand_in = SimpleNamespace(name=_PLACEHOLDERS["name"], seats=_PLACEHOLDERS["seats"], workshop=workshop)
        context = {
            "registration": stand_in,
            "workshop": workshop,
            "workshop_url": workshop_url(workshop),
            "manage_url": _PLACEHOLDERS["manage_url"],
            "confirm_url": _PLACEHOLDERS["confirm_url"],
            "deadline": _PLACEHOLDERS["deadline"],
        }
        skeleton = mail_render(template=MAIL + "confirm_request", context=context)
        _SKELETONS[key] = skeleton
        while len(_SKELETONS) > _SKELETONS_SIZE:
            _SKELETONS.popitem(last=False)
    return skeleton


def _fill(text: str, values: dict, *, html: bool) -> str:
    for field, placeholder in _PLACEHOLDERS.items():
        value = str(values[field])
        text = text.replace(placeholder, escape(value) if html else value)
    return text


def _confirm_request_mail(registration: Registration) -> dict:
    """Everything of the confirm-request mail, rendered (before the seat transaction)."""
    values = {
        "seats": registration.seats,
        "deadline": _deadline_text(registration.hold_expires_at),
        "confirm_url": confirm_url(tokens_for(registration).confirm),
        "manage_url": manage_url(registration),
        "name": registration.name,
    }
    subject, text, html = _confirm_request_skeleton(registration.workshop)
    return {
        "to": registration.email,
        "subject": _fill(subject, values, html=False),
        "body_text": _fill(text, values, html=False),
        "body_html": _fill(html, values, html=True),
        "attachments": [_ics_attachment(registration.workshop)],
        "topic": "confirm_request",
    }


def _confirm_request_mail_uncached(registration: Registration) -> dict:
    """The same mail rendered directly (the reference the cached path is tested against)."""
    context = _mail_context(
        registration,
        confirm_url=confirm_url(tokens_for(registration).confirm),
        deadline=_deadline_text(registration.hold_expires_at),
    )
    subject, text, html = mail_render(template=MAIL + "confirm_request", context=context)
    return {"subject": subject, "body_text": text, "body_html": html}


def _send_confirmed(registration: Registration, *, dedupe_key: str | None = None) -> None:
    workshop = registration.workshop
    door_url = check_in_url(workshop, registration.check_in_code)
    mail_enqueue(
        to=registration.email,
        template=MAIL + "confirmed",
        context=_mail_context(registration, check_in_url=door_url),
        attachments=[
            _ics_attachment(workshop),
            Attachment(filename="einlass-code.png", content=_qr_png(door_url), mimetype="image/png"),
        ],
        dedupe_key=dedupe_key,
    )


def _send_waitlisted(registration: Registration, *, dedupe_key: str | None = None) -> None:
    mail_enqueue(
        to=registration.email,
        template=MAIL + "waitlisted",
        context=_mail_context(registration),
        attachments=[_ics_attachment(registration.workshop)],
        dedupe_key=dedupe_key,
    )


def _send_offer(registration: Registration, *, dedupe_key: str | None = None) -> None:
    mail_enqueue(
        to=registration.email,
        template=MAIL + "offer",
        context=_mail_context(registration),
        attachments=[_ics_attachment(registration.workshop)],
        dedupe_key=dedupe_key,
    )


def _send_cancelled(registration: Registration, *, kind: str) -> None:
    """kind: "cancelled" (registration cancelled), "left_waitlist", "declined"."""
    mail_enqueue(
        to=registration.email,
        template=MAIL + "cancelled",
        context=_mail_context(registration, kind=kind),
        attachments=[_ics_attachment(registration.workshop, cancelled=True)],
    )


def _send_confirm_request(registration: Registration, *, dedupe_key: str | None = None) -> None:
    fields = _confirm_request_mail(registration)
    outbox_write(dedupe_key=dedupe_key, **fields)


# --- register ---------------------------------------------------------------------------------------------


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
) -> RegistrationResult:
    """Register a person (and companions: `seats`) for a workshop.

    Holds the seats for WORKSHOPS_HOLD_HOURS and mails the confirmation link (double opt-in); without a
    free seat — after releasing that workshop's expired holds and offers once — puts the person on the
    waiting list and mails that. An address with an active registration gets the same answer and no
    second seat or row (its pending mail is sent again, at most once an hour). Raises RegistrationClosed,
    WorkshopFull, InvalidSeats, ConsentMissing or InvalidInput for bad input."""
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
        support_step_free=keep_support and support.step_free,
        support_sign_language=keep_support and support.sign_language,
        support_induction_loop=keep_support and support.induction_loop,
        support_easy_language=keep_support and support.easy_language,
        support_childcare=keep_support and support.childcare,
        support_other=support.other.strip() if keep_support else "",
        support_consent_at=now if keep_support else None,
    )
    consents = _consents(registration=registration, support=keep_support, status_updates=status_updates_opt_in, now=now)
    # Rendered before the transaction: inside it only the seat statement, two inserts and the outbox row.
    confirm_mail = _confirm_request_mail(registration)
    try:
        if _register_with_seat(registration=registration, consents=consents, mail=confirm_mail):
            return RegistrationResult(registration=registration, status=Status.PENDING, duplicate=False)
        # No seat: release this workshop's expired holds and offers (they go to the waiting list first),
        # then try once more; otherwise the waiting list.
        released = holds_expire(workshop_id=workshop.pk) + offers_expire(workshop_id=workshop.pk)
        if released and _register_with_seat(registration=registration, consents=consents, mail=confirm_mail):
            return RegistrationResult(registration=registration, status=Status.PENDING, duplicate=False)
        _register_on_waitlist(registration=registration, consents=consents, now=_now())
        return RegistrationResult(registration=registration, status=Status.WAITLISTED, duplicate=False)
    except IntegrityError:
        # The partial unique index (one active registration per address and workshop) caught a duplicate,
        # also under concurrency. Anything else is a bug and goes on up.
        if not Registration.objects.active().filter(workshop=workshop, email=email).exists():
            raise
    return _registration_duplicate(workshop=workshop, email=email, seats=seats)


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
            if not unsafe and not _seats_take(workshop=registration.workshop, seats=registration.seats):
                raise _NoSeat
    except _NoSeat:
        for obj in (registration, *consents):
            obj.pk = None
            obj._state.adding = True
        return False
    return True


def _register_on_waitlist(*, registration: Registration, consents: list, now: datetime) -> None:
    registration.status = Status.WAITLISTED
    registration.holds_seats = False
    registration.hold_expires_at = None
    registration.confirm_token_hash = ""
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
        registration.save(force_insert=True)
        for consent in consents:
            consent.registration = registration
        ConsentRecord.objects.bulk_create(consents)
        _send_waitlisted(registration)


def _registration_duplicate(*, workshop: Workshop, email: str, seats: int) -> RegistrationResult:
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
    workshop.refresh_from_db(fields=["seats_held", "capacity"])
    status = Status.PENDING if workshop.capacity - workshop.seats_held >= seats else Status.WAITLISTED
    return RegistrationResult(registration=existing, status=status, duplicate=True)


# --- confirm ----------------------------------------------------------------------------------------------


def _assign_check_in_code(registration: Registration) -> None:
    for _attempt in range(8):
        code = new_check_in_code()
        if not Registration.objects.filter(workshop_id=registration.workshop_id, check_in_code=code).exists():
            registration.check_in_code = code
            return
    raise RuntimeError("no free check-in code after 8 attempts")  # 25**6 codes: practically impossible


def _confirm_locked(registration: Registration, *, now: datetime) -> None:
    """pending/offered → confirmed (seats stay held), with check-in code and the confirmation mail."""
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


def _expire_locked(registration: Registration) -> None:
    """pending/offered → expired, seats released (the confirm hash stays, so its link says "expired")."""
    registration.status = Status.EXPIRED
    if registration.holds_seats:
        _seats_release(workshop_id=registration.workshop_id, seats=registration.seats)
    registration.holds_seats = False
    registration.save(update_fields=["status", "holds_seats", "updated_at"])


def registration_confirm(*, token: str) -> Registration:
    """Confirm a pending registration by its confirmation token (POST only; the GET page shows a button).

    Single use; expires with the hold (then the seats are released and offered on). Raises TokenInvalid
    or TokenExpired."""
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
        if registration.status != Status.PENDING:
            raise TokenInvalid()
        now = _now()
        if registration.hold_expires_at and registration.hold_expires_at <= now:
            _expire_locked(registration)
            expired = True
        else:
            _confirm_locked(registration, now=now)
    if expired:
        waitlist_offer_next(workshop_id=registration.workshop_id)
        raise TokenExpired()
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


# --- cancel, waiting list, offers -------------------------------------------------------------------------


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


def _deactivate_locked(registration: Registration, *, status: str) -> None:
    if registration.holds_seats:
        _seats_release(workshop_id=registration.workshop_id, seats=registration.seats)
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
    mailed with the manage link (accept / decline). Returns the number of offers made."""
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
            .filter(workshop_id=workshop_id, status=Status.WAITLISTED)
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
    due = Registration.objects.filter(status=status, holds_seats=True, **{f"{deadline_field}__lte": now})
    if workshop_id is not None:
        due = due.filter(workshop_id=workshop_id)
    expired = 0
    for wid in sorted(set(due.values_list("workshop_id", flat=True))):
        with transaction.atomic():
            Workshop.objects.select_for_update(no_key=True).filter(pk=wid).first()
            rows = list(
                Registration.objects.select_for_update(no_key=True).filter(
                    workshop_id=wid, status=status, holds_seats=True, **{f"{deadline_field}__lte": now}
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
            workshop__status=Workshop.Status.PUBLISHED,
            workshop__starts_at__gt=_now(),
            workshop__seats_held__lt=F("workshop__capacity"),
        )
        .values_list("workshop_id", flat=True)
        .distinct()
    )
    return sum(waitlist_offer_next(workshop_id=wid) for wid in sorted(set(workshop_ids)))


# --- check-in ---------------------------------------------------------------------------------------------


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


# --- mails on request -------------------------------------------------------------------------------------


def _resend(registration: Registration, *, dedupe_key: str | None = None) -> None:
    if registration.anonymised_at:
        raise TransitionNotAllowed(_("Diese Anmeldung wurde anonymisiert."))
    if registration.status == Status.PENDING:
        _send_confirm_request(registration, dedupe_key=dedupe_key)
    elif registration.status == Status.CONFIRMED:
        _send_confirmed(registration, dedupe_key=dedupe_key)
    elif registration.status == Status.WAITLISTED:
        _send_waitlisted(registration, dedupe_key=dedupe_key)
    elif registration.status == Status.OFFERED:
        _send_offer(registration, dedupe_key=dedupe_key)
    else:
        raise TransitionNotAllowed(_("Für diese Anmeldung gibt es keine E-Mail zu senden."))


def registration_resend_mail(*, registration: Registration) -> None:
    """Send the mail that fits the registration's status again (confirm request, confirmation with code,
    waiting list, offer). Raises TransitionNotAllowed for inactive or anonymised registrations."""
    registration = Registration.objects.select_related("workshop").get(pk=registration.pk)
    with transaction.atomic():
        _resend(registration)


# --- workshops --------------------------------------------------------------------------------------------


def workshop_cancel(*, workshop: Workshop, reason: str, by=None) -> Workshop:
    """The city cancels a workshop: every active registration is cancelled and mailed (with the reason and
    a calendar file that removes the entry); the seats are released. Idempotent."""
    with transaction.atomic():
        locked = Workshop.objects.select_for_update(no_key=True).get(pk=workshop.pk)
        if locked.status == Workshop.Status.CANCELLED:
            return locked
        locked.status = Workshop.Status.CANCELLED
        locked.cancellation_reason = reason
        locked.save(update_fields=["status", "cancellation_reason", "updated_at"])
        registrations = list(Registration.objects.select_for_update(no_key=True).active().filter(workshop=locked))
        now = _now()
        released = 0
        for registration in registrations:
            registration.workshop = locked
            if registration.holds_seats:
                released += registration.seats
            registration.status = Status.CANCELLED
            registration.holds_seats = False
            registration.cancelled_at = now
            registration.confirm_token_hash = ""
            registration.hold_expires_at = None
            registration.offer_expires_at = None
        Registration.objects.bulk_update(
            registrations,
            ["status", "holds_seats", "cancelled_at", "confirm_token_hash", "hold_expires_at", "offer_expires_at"],
        )
        _seats_release(workshop_id=locked.pk, seats=released)
        locked.refresh_from_db(fields=["seats_held"])
        attachment = _ics_attachment(locked, cancelled=True)
        for registration in registrations:
            if registration.anonymised_at:
                continue
            mail_enqueue(
                to=registration.email,
                template=MAIL + "workshop_cancelled",
                context=_mail_context(registration, reason=reason),
                attachments=[attachment],
                dedupe_key=f"workshops:workshop-cancelled:{registration.pk}",
            )
    return locked


def _unique_slug(base: str) -> str:
    base = slugify(base)[:200] or "werkstatt"
    slug, n = base, 2
    while Workshop.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def workshop_duplicate(*, workshop: Workshop, by=None) -> Workshop:
    """Copy a workshop as a draft (same texts, venue, times, capacity, quarters, agenda and team); no
    registrations, seat counter at zero."""
    with transaction.atomic():
        source = Workshop.objects.get(pk=workshop.pk)
        copy = Workshop.objects.get(pk=workshop.pk)
        copy.pk = None
        copy.id = None
        copy._state.adding = True
        copy.title = _("%(title)s (Kopie)") % {"title": source.title}
        copy.title = copy.title[:200]
        copy.slug = _unique_slug(f"{source.slug}-kopie")
        copy.status = Workshop.Status.DRAFT
        copy.seats_held = 0
        copy.cancellation_reason = ""
        copy.created_by = by if by is not None and getattr(by, "is_authenticated", False) else None
        copy.save(force_insert=True)
        copy.quarters.set(source.quarters.all())
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    workshop=copy,
                    order=item.order,
                    start_time=item.start_time,
                    duration_minutes=item.duration_minutes,
                    title=item.title,
                    description=item.description,
                    method_id=item.method_id,
                )
                for item in source.agenda.all()
            ]
        )
        WorkshopTeamMember.objects.bulk_create(
            [WorkshopTeamMember(workshop=copy, user_id=m.user_id, role=m.role) for m in source.team.all()]
        )
    return copy


def seats_reconcile(*, workshop_id: int | None = None) -> dict[int, tuple[int, int]]:
    """Recount held seats from the registrations and repair any drift of the counter (logged as a
    warning: drift means a bug). Returns {workshop_id: (counter before, recount)} for repaired ones."""
    repaired: dict[int, tuple[int, int]] = {}
    workshops = Workshop.objects.all() if workshop_id is None else Workshop.objects.filter(pk=workshop_id)
    counted = dict(
        Registration.objects.filter(holds_seats=True)
        .values("workshop_id")
        .annotate(total=Sum("seats"))
        .values_list("workshop_id", "total")
    )
    for wid, held in workshops.values_list("pk", "seats_held"):
        if held == counted.get(wid, 0):
            continue
        with transaction.atomic():
            locked = Workshop.objects.select_for_update(no_key=True).get(pk=wid)
            recount = selectors.workshop_seats_recount(workshop_id=wid)
            if locked.seats_held != recount:
                logger.warning("seat counter of workshop %s drifted: %s, recount %s", wid, locked.seats_held, recount)
                Workshop.objects.filter(pk=wid).update(seats_held=min(recount, locked.capacity))
                repaired[wid] = (locked.seats_held, recount)
    return repaired


# --- reminders --------------------------------------------------------------------------------------------


def start_checksum(workshop: Workshop) -> str:
    """Short checksum of the start time: part of a reminder's dedupe key, so a moved workshop gets a fresh
    reminder for its new time and never one for the old time."""
    return hashlib.sha256(workshop.starts_at.isoformat().encode()).hexdigest()[:12]


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind confirmed participants `reminder_lead_hours` before the start (once per start time).

    People who confirmed inside the reminder window get none (their confirmation was the reminder).
    Returns the number of reminders written to the outbox. Idempotent."""
    now = now or _now()
    candidates = Workshop.objects.filter(
        status=Workshop.Status.PUBLISHED, reminder_enabled=True, starts_at__gt=now
    ).only("pk", "starts_at", "reminder_lead_hours")
    due = {w.pk: w for w in candidates if w.starts_at - timedelta(hours=w.reminder_lead_hours) <= now}
    if not due:
        return 0
    workshops = {w.pk: w for w in Workshop.objects.filter(pk__in=due)}
    registrations = list(
        Registration.objects.filter(workshop_id__in=due, status=Status.CONFIRMED, anonymised_at__isnull=True)
    )
    keys = {r.pk: f"workshops:reminder:{r.pk}:{start_checksum(workshops[r.workshop_id])}" for r in registrations}
    sent_before = set(OutboxMail.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key", flat=True))
    attachments: dict[int, Attachment] = {}
    written = 0
    for registration in registrations:
        workshop = workshops[registration.workshop_id]
        registration.workshop = workshop
        key = keys[registration.pk]
        window_start = workshop.starts_at - timedelta(hours=workshop.reminder_lead_hours)
        if key in sent_before or (registration.confirmed_at and registration.confirmed_at >= window_start):
            continue
        if workshop.pk not in attachments:
            attachments[workshop.pk] = _ics_attachment(workshop)
        with transaction.atomic():
            mail = mail_enqueue(
                to=registration.email,
                template=MAIL + "reminder",
                context=_mail_context(registration),
                attachments=[attachments[workshop.pk]],
                dedupe_key=key,
            )
        written += mail is not None
    return written


# --- privacy ----------------------------------------------------------------------------------------------


def registration_anonymise(*, registration: Registration) -> Registration:
    """Erase a registration's personal data while its counts stay (status, seats, quarter, check-in).

    An active registration of a workshop that has not ended is cancelled first through the normal path
    (seats released and offered on; no mail). Blanks name, e-mail, support needs, tokens and check-in code;
    sets anonymised_at. Idempotent."""
    freed = False
    with transaction.atomic():
        registration = _lock(registration)
        if registration.anonymised_at:
            return registration
        now = _now()
        if registration.status not in Registration.INACTIVE_STATUSES and registration.workshop.ends_at > now:
            freed = registration.holds_seats
            _deactivate_locked(registration, status=Status.CANCELLED)
        registration.name = ""
        registration.email = f"anonymisiert-{registration.pk}@anonymisiert.invalid"
        registration.user = None
        registration.token_seed = ""
        registration.confirm_token_hash = ""
        registration.manage_token_hash = hash_token(f"anonymised:{registration.pk}:{new_tokens().seed}")
        registration.check_in_code = ""
        _blank_support(registration, now=now)
        registration.anonymised_at = now
        registration.save()
    if freed:
        waitlist_offer_next(workshop_id=registration.workshop_id)
    return registration


def _blank_support(registration: Registration, *, now: datetime) -> None:
    had = registration.has_support_needs
    registration.support_step_free = False
    registration.support_sign_language = False
    registration.support_induction_loop = False
    registration.support_easy_language = False
    registration.support_childcare = False
    registration.support_other = ""
    if had:
        registration.support_deleted_at = now


def _months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 - months, 12)
    year += moment.year
    month += 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def retention_run(*, now: datetime | None = None) -> dict:
    """Apply the retention rules (idempotent):
    support needs deleted WORKSHOPS_SUPPORT_RETENTION_DAYS after the workshop; unconfirmed and expired
    registrations purged after WORKSHOPS_PURGE_UNCONFIRMED_DAYS; personal data anonymised
    WORKSHOPS_ANONYMISE_AFTER_MONTHS after the workshop (counts stay)."""
    now = now or _now()
    support_cutoff = now - timedelta(days=settings.WORKSHOPS_SUPPORT_RETENTION_DAYS)
    support_deleted = (
        Registration.objects.filter(workshop__ends_at__lte=support_cutoff, support_deleted_at__isnull=True)
        .exclude(
            support_step_free=False,
            support_sign_language=False,
            support_induction_loop=False,
            support_easy_language=False,
            support_childcare=False,
            support_other="",
        )
        .update(
            support_step_free=False,
            support_sign_language=False,
            support_induction_loop=False,
            support_easy_language=False,
            support_childcare=False,
            support_other="",
            support_deleted_at=now,
            updated_at=now,
        )
    )
    purge_cutoff = now - timedelta(days=settings.WORKSHOPS_PURGE_UNCONFIRMED_DAYS)
    _total, deleted = Registration.objects.filter(
        status=Status.EXPIRED, holds_seats=False, confirmed_at__isnull=True, updated_at__lte=purge_cutoff
    ).delete()
    purged = deleted.get(Registration._meta.label, 0)
    anonymise_cutoff = _months_before(now, settings.WORKSHOPS_ANONYMISE_AFTER_MONTHS)
    anonymised = 0
    for registration in Registration.objects.filter(
        workshop__ends_at__lte=anonymise_cutoff, anonymised_at__isnull=True
    ).only("pk", "workshop_id")[:5000]:
        registration_anonymise(registration=registration)
        anonymised += 1
    return {"support_deleted": support_deleted, "purged": purged, "anonymised": anonymised}
