"""Calendar files (RFC 5545) for workshops: one per workshop, feeds per district, attachments of mails."""

from datetime import UTC, datetime
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

    cancelled=True marks the events cancelled (a person's cancellation: the entry leaves their calendar)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for workshop in workshops:
        calendar.add_component(_event(workshop, cancelled=cancelled))
    calendar.add_missing_timezones()
    return calendar.to_ical()
