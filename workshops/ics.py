"""Calendar files (RFC 5545) for workshops: one per workshop, feeds per district, attachments of mails."""

from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Landeshauptstadt Hannover//Bezirkswerkstaetten//DE"
_SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def workshop_uid(workshop) -> str:
    """Stable per workshop, so calendars update (moved, cancelled) instead of adding a second entry."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"bezirkswerkstatt-{workshop.pk}@{host}"


def _sequence(workshop) -> int:
    # Grows with every change of the workshop: calendars take the newer version.
    changed = workshop.updated_at or _SEQUENCE_EPOCH
    return max(int((changed - _SEQUENCE_EPOCH).total_seconds() // 60), 0)


def _event(workshop, *, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", workshop_uid(workshop))
    event.add("dtstamp", (workshop.updated_at or datetime.now(UTC)).astimezone(UTC))
    event.add("sequence", _sequence(workshop))
    event.add("summary", workshop.title)
    event.add("dtstart", workshop.starts_at.astimezone(BERLIN))
    event.add("dtend", workshop.ends_at.astimezone(BERLIN))
    location = ", ".join(part for part in (workshop.venue_name, workshop.venue_address) if part)
    if location:
        event.add("location", location)
    url = f"{settings.SITE_URL}/werkstaetten/{workshop.slug}/"
    event.add("url", url)
    description = workshop.description
    if workshop.online_url:
        description = f"{description}\n\nOnline: {workshop.online_url}"
    event.add("description", f"{description}\n\n{url}".strip())
    is_cancelled = cancelled or workshop.status == workshop.Status.CANCELLED
    event.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    return event


def workshop_ics(*workshops, cancelled: bool = False, name: str = "") -> bytes:
    """An iCalendar file with one event per workshop (Europe/Berlin, UID stable per workshop).

    cancelled=True marks the events cancelled (a person's cancellation: the entry leaves their calendar).
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
            settings.SITE_URL,
        )
        cached = _CACHE.get(key)
        if cached is None:
            cached = _build(workshops, cancelled=cancelled, name=name)
            _CACHE[key] = cached
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        return cached
    return _build(workshops, cancelled=cancelled, name=name)


_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 256


def _build(workshops, *, cancelled: bool, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for workshop in workshops:
        calendar.add_component(_event(workshop, cancelled=cancelled))
    if workshops:
        # VTIMEZONE only for the span of the events: the full 1970–2038 table costs ~25 ms per file.
        first = min(w.starts_at for w in workshops).astimezone(BERLIN).date() - timedelta(days=1)
        last = max(w.ends_at for w in workshops).astimezone(BERLIN).date() + timedelta(days=1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()
