"""Template helpers for reflection figures: averages with the decimal mark of the active language, suppressed
cells."""

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def avg(cell, digits: int = 1) -> str:
    """The average of a Cell (or a number) as "3,8" (German) / "3.8" (English); "–" when there is none."""
    value = getattr(cell, "average", cell)
    if value is None or value == "":
        return "–"
    return formats.number_format(round(float(value), int(digits)), decimal_pos=int(digits), use_l10n=True)


@register.filter
def public_avg(cell, digits: int = 1) -> str:
    """Like avg, but "weniger als N Antworten" when fewer than N = PUBLIC_MIN_COUNT values are behind it."""
    if cell is None or not getattr(cell, "n", 0):
        return "–"
    if cell.suppressed:
        return _("weniger als %(n)d Antworten") % {"n": _min()}
    return avg(cell, digits)


@register.filter
def public_count(value) -> str:
    """A count for public display: counts from 1 to below N = PUBLIC_MIN_COUNT become "weniger als N"."""
    value = int(value or 0)
    if 0 < value < _min():
        return _("weniger als %(n)d") % {"n": _min()}
    return str(value)


@register.filter
def percent(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{float(value) * 100:.{int(digits)}f}".replace(".", ",") + " %"


@register.filter
def number(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{float(value):.{int(digits)}f}".replace(".", ",")


@register.filter
def cell_n(cell) -> int:
    return getattr(cell, "n", 0) or 0


def _min() -> int:
    from ..selectors import min_count

    return min_count()
