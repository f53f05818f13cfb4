"""Dates and times as people read them in their language: German "Donnerstag, 7. Januar 2027,
18:00–20:00 Uhr", English "Thursday, 7 January 2027, 6–8 pm". Always in Hannover's time; the active
language (translation.override in mails) decides."""

from datetime import date, datetime, time

from django.utils import formats, timezone, translation


def _english() -> bool:
    return (translation.get_language() or "de").startswith("en")


def _clock_en(moment: datetime | time, *, meridiem: bool = True) -> str:
    hour = moment.hour % 12 or 12
    text = f"{hour}:{moment.minute:02d}" if moment.minute else str(hour)
    return f"{text} {'am' if moment.hour < 12 else 'pm'}" if meridiem else text


def when_text(starts: datetime, ends: datetime) -> str:
    """The date and time span of a workshop (the end's date is added when it differs)."""
    starts, ends = timezone.localtime(starts), timezone.localtime(ends)
    if _english():
        day = formats.date_format(starts, "l, j F Y")
        if ends.date() != starts.date():
            return f"{day}, {_clock_en(starts)} to {formats.date_format(ends, 'j F Y')}, {_clock_en(ends)}"
        same_half = (starts.hour < 12) == (ends.hour < 12)
        return f"{day}, {_clock_en(starts, meridiem=not same_half)}–{_clock_en(ends)}"
    day = formats.date_format(starts, "l, j. F Y")
    if ends.date() != starts.date():
        return f"{day}, {starts:%H:%M} Uhr bis {formats.date_format(ends, 'j. F Y')}, {ends:%H:%M} Uhr"
    return f"{day}, {starts:%H:%M}–{ends:%H:%M} Uhr"


def day_text(value: date | datetime | None) -> str:
    """A day: "24. Oktober 2026" / "24 October 2026" ("" for none)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, "j F Y" if _english() else "j. F Y")


def moment_text(moment: datetime | None) -> str:
    """A deadline inside a sentence: "24. Dezember 2026, 18:00" (the German sentence says "Uhr" after it) /
    "24 December 2026, 6 pm"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if _english():
        return f"{formats.date_format(local, 'j F Y')}, {_clock_en(local)}"
    return f"{formats.date_format(local, 'j. F Y')}, {local:%H:%M}"


def short_text(moment: datetime | None) -> str:
    """ "Di., 9.12.2026, 17:00 Uhr" / "Tue, 9 Dec 2026, 5 pm"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if _english():
        return f"{formats.date_format(local, 'D, j M Y')}, {_clock_en(local)}"
    return f"{formats.date_format(local, 'D, j.n.Y')}, {local:%H:%M} Uhr"


def clock_text(value: datetime | time | None) -> str:
    """A time of day inside a sentence: "18:03" (the German sentence says "Uhr" after it) / "6:03 pm"."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    if _english():
        return _clock_en(value)
    return f"{value:%H:%M}"
