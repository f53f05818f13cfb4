"""The charts of the reflections app: the insight dashboard's SVG charts and the month chart the reports share.

The SVGs come from core.charts (matplotlib); here is what goes into them. Charts are deterministic, so the
dashboard's are cached by their input and the version of the chart code."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core import charts

from . import selectors

# Charts are deterministic: cached by their input and the version of the chart code.
_CHARTS_VERSION = hashlib.sha256(Path(charts.__file__).read_bytes()).hexdigest()[:12]


def _chart(function: Callable[..., str], **kwargs) -> str:
    key = "reflections:chart:" + hashlib.sha256(repr((_CHARTS_VERSION, function.__name__, kwargs)).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = function(**kwargs)
        cache.set(key, svg, 60 * 60 * 24)
    return svg


def _round(value: float | None, digits: int = 2) -> float | None:
    return round(value, digits) if value is not None else None


def _one_period(data: selectors.Dashboard) -> bool:
    """Only one quarter of data: a line through one point says nothing, bars for that quarter do."""
    return len(data.periods) == 1


def _criteria_time_chart(data: selectors.Dashboard, scope_label: str) -> str | None:
    """The criteria over time (quarters); with one quarter only, its criteria as bars."""
    if not (data.periods and data.over_time):
        return None
    if _one_period(data):
        period = data.periods[0]
        rows = [
            (c.name, _round(data.over_time.get(c.pk, {}).get(period, selectors.Cell()).average)) for c in data.criteria
        ]
        return _chart(
            charts.bar_chart_svg,
            title=_("Qualitätsmerkmale %(period)s – %(scope)s")
            % {"period": data.period_labels[0], "scope": scope_label},
            data=[(name, value) for name, value in rows if value is not None],
            y_label=_("Ø Bewertung (1–5)"),
            y_max=5,
            horizontal=True,
        )
    series = {
        c.name: [
            (period_label, _round(data.over_time.get(c.pk, {}).get(p, selectors.Cell()).average))
            for p, period_label in zip(data.periods, data.period_labels, strict=True)
        ]
        for c in data.criteria
        if c.pk in data.over_time
    }
    return _chart(
        charts.line_chart_svg,
        title=_("Qualitätsmerkmale im Zeitverlauf – %(scope)s") % {"scope": scope_label},
        series=series,
        y_label=_("Ø Bewertung (1–5)"),
        y_max=5.2,
        y_min=1,
    )


def _criteria_district_chart(data: selectors.Dashboard) -> str | None:
    """One district: its criteria side by side; several: the average of all criteria per district."""
    districts_with_data = [
        d for d in data.districts if any(d.pk in data.per_district.get(c.pk, {}) for c in data.criteria)
    ]
    if len(districts_with_data) == 1:
        # One district: its criteria side by side say more than one bar.
        district = districts_with_data[0]
        rows = [
            (c.name, _round(data.per_district.get(c.pk, {}).get(district.pk, selectors.Cell()).average))
            for c in data.criteria
        ]
        return _chart(
            charts.bar_chart_svg,
            title=_("Ø je Qualitätsmerkmal – %(district)s") % {"district": district.name},
            data=[(name, value) for name, value in rows if value is not None],
            y_label=_("Ø Bewertung (1–5)"),
            y_max=5,
            horizontal=True,
        )
    if districts_with_data:
        return _chart(
            charts.bar_chart_svg,
            title=_("Ø aller Qualitätsmerkmale nach Stadtbezirk"),
            data=[
                (
                    d.name,
                    _round(
                        sum(
                            (data.per_district.get(c.pk, {}).get(d.pk, selectors.Cell()) for c in data.criteria),
                            selectors.Cell(),
                        ).average
                    ),
                )
                for d in districts_with_data
            ],
            y_label=_("Ø Bewertung (1–5)"),
            y_max=5,
            horizontal=True,
        )
    return None


def _comparison_chart(data: selectors.Dashboard) -> str | None:
    """Facilitators' and participants' view of the criteria."""
    compared = data.compared_criteria
    if not compared:
        return None
    return _chart(
        charts.grouped_bar_chart_svg,
        title=_("Einschätzung von Moderation und Teilnehmenden"),
        categories=[c.name for c in compared],
        series={
            _("Moderation"): [_round(data.facilitators.get(c.pk, selectors.Cell()).average) for c in compared],
            _("Teilnehmende"): [_round(data.participants[c.pk].public_average()) for c in compared],
        },
        y_label=_("Ø Bewertung (1–5)"),
        y_max=5,
    )


def _reach_chart(data: selectors.Dashboard) -> str | None:
    """Registered and attending people, first-timers."""
    if not data.reach:
        return None
    if len(data.reach) == 1:
        [r] = data.reach
        return _chart(
            charts.bar_chart_svg,
            title=_("Anmeldungen und Teilnahme %(period)s") % {"period": r.label},
            data=[
                (_("Personen angemeldet"), r.registered_people),
                (_("Personen teilgenommen"), r.attended_people),
                (_("erstmals dabei (Anmeldungen)"), r.first_time),
            ],
            y_label=_("Personen"),
            horizontal=True,
            y_max=count_axis_max([r.registered_people, r.attended_people, r.first_time]),
        )
    return _chart(
        charts.line_chart_svg,
        title=_("Anmeldungen und Teilnahme"),
        series={
            _("Personen angemeldet"): [(r.label, r.registered_people) for r in data.reach],
            _("Personen teilgenommen"): [(r.label, r.attended_people) for r in data.reach],
            _("erstmals dabei (Anmeldungen)"): [(r.label, r.first_time) for r in data.reach],
        },
        y_label=_("Personen"),
    )


def _eigenregie_chart(data: selectors.Dashboard) -> str | None:
    """The share of workshops run in Eigenregie."""
    if not (data.eigenregie and any(r.total for r in data.eigenregie)):
        return None
    if len(data.eigenregie) == 1:
        [r] = data.eigenregie
        return _chart(
            charts.bar_chart_svg,
            title=_("Anteil der Werkstätten in Eigenregie %(period)s") % {"period": r.label},
            data=[(_("Anteil in Eigenregie (%)"), _round(r.share * 100 if r.share is not None else None, 1) or 0)],
            y_label=_("Prozent"),
            y_max=100,
            horizontal=True,
        )
    return _chart(
        charts.line_chart_svg,
        title=_("Anteil der Werkstätten in Eigenregie"),
        series={
            _("Anteil in Eigenregie (%)"): [
                (r.label, _round(r.share * 100 if r.share is not None else None, 1)) for r in data.eigenregie
            ]
        },
        y_label=_("Prozent"),
        y_max=100,
    )


def _quarters_chart(data: selectors.Dashboard) -> str | None:
    """Participants per 10,000 inhabitants of the twenty best-reached quarters."""
    reached = [q for q in data.quarters if q.per_10000 is not None and q.people]
    if not reached:
        return None
    return _chart(
        charts.bar_chart_svg,
        title=_("Teilnehmende je 10.000 Einwohner*innen nach Stadtteil"),
        data=[
            (q.quarter.name, _round(q.per_10000, 1)) for q in sorted(reached, key=lambda q: -(q.per_10000 or 0))[:20]
        ],
        y_label=_("je 10.000 Einwohner*innen"),
        horizontal=True,
    )


def dashboard_charts(data: selectors.Dashboard, *, scope_label: str) -> dict[str, SafeString]:
    """The insight dashboard's charts by name; a chart without data is left out."""
    built = {
        "criteria_time": _criteria_time_chart(data, scope_label),
        "criteria_district": _criteria_district_chart(data),
        "comparison": _comparison_chart(data),
        "reach": _reach_chart(data),
        "eigenregie": _eigenregie_chart(data),
        "quarters": _quarters_chart(data),
    }
    # The SVG is generated by core.charts: every text in it is XML-escaped there, none is raw user input.
    return {name: mark_safe(svg) for name, svg in built.items() if svg is not None}  # nosec B308 B703


# --- workshops per month (the reports' month chart) --------------------------------------------------------------

MONTHS = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]


def month_label(month: date, *, with_year: bool = True) -> str:
    """ "Mär 26", or "Mär" where the year is clear from the context."""
    return f"{MONTHS[month.month - 1]} {str(month.year)[2:]}" if with_year else MONTHS[month.month - 1]


def count_axis_max(values) -> float | None:
    """Small counts would get ticks like 0.25; a fixed axis up to 5 keeps the ticks whole numbers."""
    values = [v for v in values if v is not None]
    return 5 if not values or max(values) < 5 else None


def workshops_per_month_svg(*, title: str, months: list[tuple[date, int]], with_year: bool = True) -> str:
    """The bar chart of held workshops per month (from selectors.held_workshops_per_month)."""
    data = [(month_label(month, with_year=with_year), n) for month, n in months]
    return charts.bar_chart_svg(
        title=title, data=data, y_label=_("Anzahl"), height=3.0, y_max=count_axis_max(n for _label, n in data)
    )
