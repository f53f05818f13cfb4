"""Template helpers of the workshop pages: dates in German, the seat state and step lists."""

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..dates import clock_text, day_text, moment_text, short_text, when_text

register = template.Library()


@register.filter
def when(workshop) -> str:
    """ "Dienstag, 9. Dezember 2026, 17:00–19:00 Uhr" / "Tuesday, 9 December 2026, 5–7 pm"."""
    return when_text(workshop.starts_at, workshop.ends_at)


@register.filter
def short_date(value) -> str:
    """ "Di., 9.12.2026, 17:00 Uhr" / "Tue, 9 Dec 2026, 5 pm"."""
    return short_text(value)


@register.filter
def day(value) -> str:
    """ "24. Oktober 2026" / "24 October 2026"."""
    return day_text(value)


@register.filter
def moment(value) -> str:
    """A deadline inside a sentence: "24. Dezember 2026, 18:00" / "24 December 2026, 6 pm"."""
    return moment_text(value)


@register.filter
def clock(value) -> str:
    """A time of day inside a sentence: "18:03" / "6:03 pm"."""
    return clock_text(value)


@register.filter
def seats_text(workshop) -> str:
    """How many seats are left, in words."""
    free = workshop.seats_available
    if free == 0:
        return _("ausgebucht")
    return _("noch %(free)d von %(capacity)d Plätzen frei") % {"free": free, "capacity": workshop.capacity}


@register.filter
def lines(value) -> list[str]:
    """The non-empty lines of a text (method steps are stored one per line)."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@register.simple_tag
def de_lang() -> str:
    """` lang="de"` on German content (titles, descriptions, venues entered by the team) shown on a page in
    another language, so screen readers pronounce it in German (WCAG 3.1.2)."""
    if (translation.get_language() or "de").startswith("de"):
        return ""
    return mark_safe(' lang="de"')  # nosec B308 B703 - a constant, no user input
