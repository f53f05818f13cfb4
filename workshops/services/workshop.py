"""Workshops as a whole: create, update, cancel, duplicate, and their team and agenda.

The admin is a client of these services (docs/adr): it never saves a Workshop row itself, because a full
save would write back the seat counter it loaded (`seats_held`) and lose registrations committed since.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import hooks
from core.links import absolute_url
from core.services import mail_enqueue

from ..exceptions import WorkshopInvalid
from ..models import AgendaItem, Registration, Workshop, WorkshopTeamMember
from .mails import (
    MAIL,
    _ics_attachment,
    _mail_context,
    mail_language,
)
from .seats import _now, _pending_seats, _seats_release
from .waitlist import waitlist_offer_next

Status = Registration.Status

# Path segments under /werkstaetten/ that are not workshop pages.
RESERVED_SLUGS = frozenset({"bestaetigen", "anmeldung", "daten-geloescht"})
# Written only by the registration services (the counter) or by workshop_cancel (the reason).
# run_by is a cache of the derivation in planning (planning.services.run_by_refresh is its only writer).
_NOT_WRITABLE = frozenset(
    {
        "id",
        "pk",
        "seats_held",
        "seats_pending",
        "run_by",
        "cancellation_reason",
        "created_by",
        "created_at",
        "updated_at",
    }
)


# --- rules ------------------------------------------------------------------------------------------------


def _status_error(*, previous: str | None, status: str) -> str | None:
    # Cancelling mails everyone registered: only workshop_cancel (the admin action) does it.
    if status == Workshop.Status.CANCELLED and previous != Workshop.Status.CANCELLED:
        return _("Bitte sagen Sie die Werkstatt mit der Aktion „Werkstatt absagen“ in der Liste ab.")
    if previous == Workshop.Status.CANCELLED and status != Workshop.Status.CANCELLED:
        return _("Eine abgesagte Werkstatt kann nicht wieder geöffnet werden. Bitte kopieren Sie sie.")
    return None


def _quarters_error(*, district: Any, quarters: Iterable[Any]) -> str | None:
    foreign = [q.name for q in quarters if q.district_id != district.pk]
    if not foreign:
        return None
    return _("Nicht im Stadtbezirk %(district)s: %(quarters)s") % {
        "district": district.name,
        "quarters": ", ".join(foreign),
    }


def workshop_rule_errors(*, workshop: Workshop | None, values: Mapping[str, Any]) -> dict[str, str]:
    """The rules of a workshop write, field by field: {field: message} (empty when the write is allowed).

    `workshop` is the current row (None when creating), `values` the new values (a subset on update).
    The capacity is checked against `workshop.seats_held` as given: the services pass the locked row;
    forms may call this early for messages next to the fields."""
    errors: dict[str, str] = {}
    slug = values.get("slug")
    if slug in RESERVED_SLUGS:
        errors["slug"] = _("Diese Kennung ist für andere Seiten reserviert.")
    if "status" in values:
        message = _status_error(previous=workshop.status if workshop else None, status=values["status"])
        if message:
            errors["status"] = message
    capacity = values.get("capacity")
    if workshop is not None and capacity is not None and capacity < workshop.seats_held:
        errors["capacity"] = _("Es sind schon %(held)d Plätze belegt; weniger Plätze gehen nicht.") % {
            "held": workshop.seats_held
        }
    district = values.get("district", workshop.district if workshop else None)
    if district is not None and ("district" in values or "quarters" in values):
        quarters = values["quarters"] if "quarters" in values else (workshop.quarters.all() if workshop else [])
        message = _quarters_error(district=district, quarters=quarters)
        if message:
            errors["quarters"] = message
    starts_at = values.get("starts_at", workshop.starts_at if workshop else None)
    ends_at = values.get("ends_at", workshop.ends_at if workshop else None)
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("Das Ende muss nach dem Beginn liegen.")
    return errors


def _refuse_unwritable(values: Mapping[str, Any]) -> None:
    unwritable = sorted(set(values) & _NOT_WRITABLE)
    if unwritable:
        raise ValueError(f"workshop services do not write {', '.join(unwritable)}")


# --- create, update ---------------------------------------------------------------------------------------


def workshop_create(*, values: Mapping[str, Any], by: Any = None) -> Workshop:
    """Create a workshop from field values (`quarters` may be among them); the seat counter starts at 0.

    Raises WorkshopInvalid when a rule is broken (workshop_rule_errors)."""
    _refuse_unwritable(values)
    errors = workshop_rule_errors(workshop=None, values=values)
    if errors:
        raise WorkshopInvalid(errors)
    fields = {name: value for name, value in values.items() if name != "quarters"}
    created_by = by if by is not None and getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        workshop = Workshop(**fields, created_by=created_by, seats_held=0)
        workshop.save(force_insert=True)
        if "quarters" in values:
            workshop.quarters.set(values["quarters"])
    return workshop


def workshop_update(*, workshop: Workshop, changes: Mapping[str, Any], by: Any = None) -> Workshop:
    """Change some fields of a workshop (`quarters` may be among them) and write only those.

    Never writes the seat counter: the row is locked and the capacity checked against the counter as it is
    now, not as a form loaded it. Reducing the capacity below the held seats raises WorkshopInvalid, as does
    any other broken rule. New seats (a larger capacity) are offered to the waiting list after commit.
    Returns the fresh row."""
    _refuse_unwritable(changes)
    with transaction.atomic():
        locked = Workshop.objects.select_for_update(no_key=True).get(pk=workshop.pk)
        errors = workshop_rule_errors(workshop=locked, values=changes)
        if errors:
            raise WorkshopInvalid(errors)
        grew = "capacity" in changes and changes["capacity"] > locked.capacity
        fields = [name for name in changes if name != "quarters"]
        for name in fields:
            setattr(locked, name, changes[name])
        if fields:
            locked.save(update_fields=[*fields, "updated_at"])
        if "quarters" in changes:
            locked.quarters.set(changes["quarters"])
        if grew:
            transaction.on_commit(lambda: waitlist_offer_next(workshop_id=locked.pk))
    return locked


# --- team, agenda -----------------------------------------------------------------------------------------


def workshop_team_member_save(*, member: WorkshopTeamMember, by: Any = None) -> WorkshopTeamMember:
    """Add a person to a workshop's team or change their role (the team decides who may see what)."""
    with transaction.atomic():
        member.full_clean(exclude=["workshop"])
        member.save()
    return member


def workshop_team_member_remove(*, member: WorkshopTeamMember, by: Any = None) -> None:
    """Remove a person from a workshop's team."""
    with transaction.atomic():
        WorkshopTeamMember.objects.filter(pk=member.pk).delete()


def agenda_item_save(*, item: AgendaItem, by: Any = None) -> AgendaItem:
    """Add or change an item of a workshop's agenda."""
    with transaction.atomic():
        item.full_clean(exclude=["workshop"])
        item.save()
    return item


def agenda_item_delete(*, item: AgendaItem, by: Any = None) -> None:
    """Delete an item of a workshop's agenda."""
    with transaction.atomic():
        AgendaItem.objects.filter(pk=item.pk).delete()


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
        released = pending = 0
        # Only people who got a calendar entry (hold, confirmation, offer) get its cancellation.
        had_entry = {r.pk for r in registrations if r.status != Status.WAITLISTED}
        for registration in registrations:
            registration.workshop = locked
            if registration.holds_seats:
                released += registration.seats
                pending += _pending_seats(registration)
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
        _seats_release(workshop_id=locked.pk, seats=released, pending=pending)
        locked.refresh_from_db(fields=["seats_held", "seats_pending"])
        attachment = _ics_attachment(locked, cancelled=True)
        for registration in registrations:
            if registration.anonymised_at or not registration.email:  # a walk-in without an address
                continue
            with translation.override(mail_language(registration)):
                mail_enqueue(
                    to=registration.email,
                    language=mail_language(registration),
                    template=MAIL + "workshop_cancelled",
                    context=_mail_context(
                        registration,
                        reason=reason,
                        list_url=absolute_url("workshops:list"),
                        calendar="cancel" if registration.pk in had_entry else "none",
                    ),
                    attachments=[attachment] if registration.pk in had_entry else [],
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
        copy.seats_pending = 0
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
        # Higher apps keep their links (planning: the concept version the source was planned from).
        for callback in hooks.WORKSHOP_DUPLICATED:
            callback(source=source, copy=copy, by=by)
    return copy
