"""Calendar files (RFC 5545) for workshops: one per workshop, feeds per district, attachments of mails."""

from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from core.links import absolute_url

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Landeshauptstadt Hannover//Bezirkswerkstaetten//DE"
_SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def workshop_uid(workshop) -> str:
    """Stable per workshop, so calendars update (moved, cancelled) instead of adding a second entry."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"bezirkswerkstatt-{workshop.pk}@{host}"


# A person's entry for one workshop moves through these stages (hold → confirmed → cancelled); each stage
# is part of the SEQUENCE, so a calendar takes the later file even when the workshop itself did not change.
# A cancellation undone within minutes (workshops.services.changes) gets the stage after "cancelled", so the
# calendar brings the entry back instead of ignoring the older-looking file.
_STAGE_TENTATIVE, _STAGE_CONFIRMED, _STAGE_CANCELLED, _STAGE_REINSTATED = 0, 1, 2, 3
_STAGES = 4


def _sequence(workshop, *, stage: int = _STAGE_CONFIRMED) -> int:
    # Grows with every change of the workshop (a reschedule, a new text): calendars take the newer version.
    changed = workshop.updated_at or _SEQUENCE_EPOCH
    return max(int((changed - _SEQUENCE_EPOCH).total_seconds() // 60), 0) * _STAGES + stage


def _organizer() -> vCalAddress:
    """RFC 5546 wants an ORGANIZER on published and cancelled events: the team's sender address."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'beteiligung@example.org'}")
    if name:
        organizer.params["cn"] = vText(name)
    return organizer


def _event(
    workshop, *, cancelled: bool, tentative: str = "", reinstated: bool = False, with_access: bool = False
) -> Event:
    is_cancelled = cancelled or workshop.status == workshop.Status.CANCELLED
    if is_cancelled:
        status, stage = "CANCELLED", _STAGE_CANCELLED
    elif tentative:
        status, stage = "TENTATIVE", _STAGE_TENTATIVE
    else:
        status, stage = "CONFIRMED", _STAGE_CONFIRMED
    if reinstated and not is_cancelled:
        stage = _STAGE_REINSTATED
    event = Event()
    event.add("uid", workshop_uid(workshop))
    event.add("dtstamp", (workshop.updated_at or datetime.now(UTC)).astimezone(UTC))
    event.add("sequence", _sequence(workshop, stage=stage))
    event.add("organizer", _organizer())
    event.add("summary", f"{tentative}: {workshop.title}" if tentative and not is_cancelled else workshop.title)
    event.add("dtstart", workshop.starts_at.astimezone(BERLIN))
    event.add("dtend", workshop.ends_at.astimezone(BERLIN))
    location = ", ".join(part for part in (workshop.venue_name, workshop.venue_address) if part)
    if location:
        event.add("location", location)
    url = absolute_url("workshops:detail", slug=workshop.slug)
    event.add("url", url)
    description = workshop.description
    if workshop.online_url and with_access:  # the access link is for confirmed participants only
        description = f"{description}\n\nOnline: {workshop.online_url}"
    event.add("description", f"{description}\n\n{url}".strip())
    event.add("status", status)
    if status == "TENTATIVE":
        event.add("transp", "TRANSPARENT")  # not confirmed: the time is not blocked as busy
    return event


def workshop_ics(
    *workshops,
    cancelled: bool = False,
    tentative: str = "",
    name: str = "",
    reinstated: bool = False,
    with_access: bool = False,
) -> bytes:
    """An iCalendar file with one event per workshop (Europe/Berlin, UID stable per workshop).

    cancelled=True marks the events cancelled with METHOD:CANCEL (a person's cancellation: the entry leaves
    their calendar). tentative="Vorläufig" (a label in the reader's language) makes a STATUS:TENTATIVE
    event titled with that label, for people whose seat is not confirmed (an unconfirmed hold, an offer).
    reinstated=True: the entry after an undone cancellation (a SEQUENCE above the cancellation's).
    with_access=True adds an online workshop's access link (a confirmed participant's own entry only; public
    downloads and feeds never carry it).
    A single workshop's file is cached per process (by its state), since every mail about it attaches it."""
    if len(workshops) == 1 and not name:
        workshop = workshops[0]
        key = (
            workshop.pk,
            workshop.updated_at,
            workshop.status,
            workshop.starts_at,
            workshop.ends_at,
            cancelled,
            tentative,
            reinstated,
            with_access,
            settings.SITE_URL,
        )
        cached = _CACHE.get(key)
        if cached is None:
            cached = _build(
                workshops,
                cancelled=cancelled,
                tentative=tentative,
                name=name,
                reinstated=reinstated,
                with_access=with_access,
            )
            _CACHE[key] = cached
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        return cached
    return _build(
        workshops, cancelled=cancelled, tentative=tentative, name=name, reinstated=reinstated, with_access=with_access
    )


_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 256


def _build(
    workshops, *, cancelled: bool, tentative: str = "", name: str, reinstated: bool = False, with_access: bool = False
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for workshop in workshops:
        calendar.add_component(
            _event(workshop, cancelled=cancelled, tentative=tentative, reinstated=reinstated, with_access=with_access)
        )
    if workshops:
        # VTIMEZONE only for the span of the events: the full 1970–2038 table costs ~25 ms per file.
        first = min(w.starts_at for w in workshops).astimezone(BERLIN).date() - timedelta(days=1)
        last = max(w.ends_at for w in workshops).astimezone(BERLIN).date() + timedelta(days=1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()
