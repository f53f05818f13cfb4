"""Mails of the registration engine: rendered before the seat transaction or written to the outbox in it."""

import functools
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from types import SimpleNamespace
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.services import Attachment, mail_enqueue, mail_render, outbox_write

from ..dates import moment_text
from ..exceptions import (
    TransitionNotAllowed,
)
from ..ics import workshop_ics
from ..models import Registration, Workshop
from ..selectors import support_answer_due
from ..tokens import (
    check_in_url,
    confirm_url,
    manage_url,
    tokens_for,
    workshop_url,
)

Status = Registration.Status
MAIL = "workshops/mail/"


def _ics_attachment(
    workshop: Workshop, *, cancelled: bool = False, tentative: str = "", reinstated: bool = False
) -> Attachment:
    """The calendar entry of a mail. Only confirmed people get a CONFIRMED event; an unconfirmed hold or
    an offer gets a TENTATIVE one titled with `tentative`; a cancellation METHOD:CANCEL with the same UID."""
    return Attachment(
        filename=f"{workshop.slug}.ics",
        content=workshop_ics(
            workshop,
            cancelled=cancelled,
            tentative=tentative,
            reinstated=reinstated,
            with_access=not (cancelled or tentative),
        ),
        mimetype="text/calendar",
    )


def _tentative_hold_label() -> str:
    return _("Vorläufig, noch nicht bestätigt")


def _tentative_offer_label() -> str:
    return _("Platz angeboten, noch nicht angenommen")


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
    """ "24. Dezember 2026, 18:00" / "24 December 2026, 6 pm" in Hannover's time, in the active language."""
    return moment_text(moment)


def mail_language(registration: Registration) -> str:
    """The language every mail to this person is written in (the one used to register)."""
    return getattr(registration, "language", "") or settings.LANGUAGE_CODE


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


def _confirm_request_skeleton(workshop: Workshop, *, held: bool = True) -> tuple[str, str, str]:
    """The confirm-request mail of a workshop rendered once with placeholders, cached per workshop state:
    rendering three templates was the largest CPU cost of a registration."""
    key = (
        workshop.pk,
        workshop.updated_at,
        workshop.status,
        workshop.starts_at,
        workshop.ends_at,
        settings.SITE_URL,
        translation.get_language(),
        held,
    )
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
            "calendar": "tentative",
            "unheld": not held,
        }
        skeleton = mail_render(template=MAIL + "confirm_request", context=context, language=translation.get_language())
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
    """Everything of the confirm-request mail, rendered (before the seat transaction), in the person's
    language."""
    with translation.override(mail_language(registration)):
        return _confirm_request_mail_now(registration)


def _confirm_request_mail_now(registration: Registration) -> dict:
    values = {
        "seats": registration.seats,
        "deadline": _deadline_text(registration.hold_expires_at),
        "confirm_url": confirm_url(tokens_for(registration).confirm),
        "manage_url": manage_url(registration),
        "name": registration.name,
    }
    # Beyond the cap of unconfirmed holds (ADR 0016) the mail says truthfully that no seat is held yet.
    subject, text, html = _confirm_request_skeleton(registration.workshop, held=registration.holds_seats)
    return {
        "to": registration.email,
        "subject": _fill(subject, values, html=False),
        "body_text": _fill(text, values, html=False),
        "body_html": _fill(html, values, html=True),
        "attachments": [_ics_attachment(registration.workshop, tentative=_tentative_hold_label())],
        "topic": "confirm_request",
    }


def _confirm_request_mail_uncached(registration: Registration) -> dict:
    """The same mail rendered directly (the reference the cached path is tested against)."""
    with translation.override(mail_language(registration)):
        return _confirm_request_mail_uncached_now(registration)


def _confirm_request_mail_uncached_now(registration: Registration) -> dict:
    context = _mail_context(
        registration,
        confirm_url=confirm_url(tokens_for(registration).confirm),
        deadline=_deadline_text(registration.hold_expires_at),
        calendar="tentative",
        unheld=not registration.holds_seats,
    )
    subject, text, html = mail_render(
        template=MAIL + "confirm_request", context=context, language=translation.get_language()
    )
    return {"subject": subject, "body_text": text, "body_html": html}


def _in_language(send: Callable[..., None]) -> Callable[..., None]:
    """Render the mail in the language of the registration it is about."""

    @functools.wraps(send)
    def wrapper(registration: Registration, *args: Any, **kwargs: Any) -> None:
        with translation.override(mail_language(registration)):
            send(registration, *args, **kwargs)

    return wrapper


@_in_language
def _send_confirmed(registration: Registration, *, dedupe_key: str | None = None, reinstated: bool = False) -> None:
    workshop = registration.workshop
    door_url = check_in_url(workshop, registration.check_in_code)
    mail_enqueue(
        to=registration.email,
        language=mail_language(registration),
        template=MAIL + "confirmed",
        context=_mail_context(
            registration,
            check_in_url=door_url,
            needs=registration.support_needs_labels(),
            support_due=support_answer_due(registration=registration) if registration.has_support_needs else None,
        ),
        attachments=[
            _ics_attachment(workshop, reinstated=reinstated),
            Attachment(filename="einlass-code.png", content=_qr_png(door_url), mimetype="image/png"),
        ],
        dedupe_key=dedupe_key,
    )


@_in_language
def _send_walk_in(registration: Registration, *, dedupe_key: str | None = None) -> None:
    """The welcome of a walk-in who gave an address: no entry code or calendar entry (they are inside), the
    manage link for their data and consents."""
    mail_enqueue(
        to=registration.email,
        language=mail_language(registration),
        template=MAIL + "walk_in",
        context=_mail_context(registration, calendar="none"),
        attachments=[],
        dedupe_key=dedupe_key,
    )


@_in_language
def _send_waitlisted(registration: Registration, *, dedupe_key: str | None = None) -> None:
    mail_enqueue(
        to=registration.email,
        language=mail_language(registration),
        template=MAIL + "waitlisted",
        # No calendar entry: a place on the waiting list is not an appointment. An unproven address gets
        # the confirmation link: offers come only once it is used (issue 15.4).
        context=_mail_context(
            registration,
            calendar="none",
            confirm_url=confirm_url(tokens_for(registration).confirm) if registration.confirm_token_hash else "",
        ),
        attachments=[],
        dedupe_key=dedupe_key,
    )


@_in_language
def _send_offer(registration: Registration, *, dedupe_key: str | None = None) -> None:
    mail_enqueue(
        to=registration.email,
        language=mail_language(registration),
        template=MAIL + "offer",
        context=_mail_context(registration, calendar="tentative"),
        attachments=[_ics_attachment(registration.workshop, tentative=_tentative_offer_label())],
        dedupe_key=dedupe_key,
    )


@_in_language
def _send_cancelled(registration: Registration, *, kind: str) -> None:
    """kind: "cancelled" (registration cancelled), "left_waitlist", "declined".

    Whoever got an entry (hold, confirmation, offer) gets METHOD:CANCEL with the same UID; a person who
    only left the waiting list never had one. An anonymised registration (staff cancel it after the
    workshop) has neither an address nor links any more: nothing is sent."""
    if registration.anonymised_at:
        return
    had_entry = kind != "left_waitlist"
    mail_enqueue(
        to=registration.email,
        language=mail_language(registration),
        template=MAIL + "cancelled",
        context=_mail_context(registration, kind=kind, calendar="cancel" if had_entry else "none"),
        attachments=[_ics_attachment(registration.workshop, cancelled=True)] if had_entry else [],
    )


def _send_confirm_request(
    registration: Registration, *, dedupe_key: str | None = None, reinstated: bool = False
) -> None:
    fields = _confirm_request_mail(registration)
    if reinstated:
        with translation.override(mail_language(registration)):
            fields["attachments"] = [
                _ics_attachment(registration.workshop, tentative=_tentative_hold_label(), reinstated=True)
            ]
    outbox_write(dedupe_key=dedupe_key, **fields)


def _resend(registration: Registration, *, dedupe_key: str | None = None) -> None:
    if registration.anonymised_at:
        raise TransitionNotAllowed(_("Diese Anmeldung wurde anonymisiert."))
    if registration.status == Status.PENDING:
        _send_confirm_request(registration, dedupe_key=dedupe_key)
    elif registration.status == Status.CONFIRMED and registration.walk_in:
        _send_walk_in(registration, dedupe_key=dedupe_key)
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
