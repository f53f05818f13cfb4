"""Template helpers of the workshop pages: dates in German, the seat state and step lists."""

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def when(workshop) -> str:
    """ "Dienstag, 9. Dezember 2026, 17:00–19:00 Uhr" (the end's date is added when it differs)."""
    starts = timezone.localtime(workshop.starts_at)
    ends = timezone.localtime(workshop.ends_at)
    day = formats.date_format(starts, "l, j. F Y")
    if ends.date() == starts.date():
        return _("%(day)s, %(start)s–%(end)s Uhr") % {
            "day": day,
            "start": formats.time_format(starts, "H:i"),
            "end": formats.time_format(ends, "H:i"),
        }
    return _("%(day)s, %(start)s Uhr bis %(end)s Uhr") % {
        "day": day,
        "start": formats.time_format(starts, "H:i"),
        "end": formats.date_format(ends, "j. F Y, H:i"),
    }


@register.filter
def short_date(value) -> str:
    """ "Di., 9.12.2026, 17:00 Uhr"."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return _("%(date)s, %(time)s Uhr") % {
        "date": formats.date_format(local, "D, j.n.Y"),
        "time": formats.time_format(local, "H:i"),
    }


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
