"""Server-rendered SVG charts (matplotlib, Agg) for pages and PDFs.

Every chart is an accessible, self-contained SVG string: `role="img"`, `<title>` and `<desc>` referenced by
`aria-labelledby`, no external references (text stays text, so there are no shared glyph definitions), and
deterministic output (ids salted with a digest of the chart's own content, no date metadata), so the same
data always gives the same bytes and two charts on one page never share an id. Pages show a data table
beside every chart; the `desc` only summarises it.

    line_chart_svg(title=..., series={"Reihe": [("2025 Q1", 3.5), ...]}, y_label="Ø", y_max=5)
    bar_chart_svg(title=..., data=[("Linden-Limmer", 12), ...])
    grouped_bar_chart_svg(title=..., categories=[...], series={"A": [..], "B": [..]})
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections.abc import Sequence
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

Number = float | int | None

# Colour-blind safe (Okabe–Ito), each at least 3:1 against white; markers and hatches differ too.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#5B4F00", "#56B4E9", "#E69F00", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
HATCHES = ["", "//", "..", "xx", "\\\\", "++", "oo", "--"]
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#d0d0d0"

_RC: dict[Any, Any] = {  # keys are matplotlib rc names (a Literal type in its stubs)
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "svg.fonttype": "none",
    "svg.hashsalt": "",
    "axes.edgecolor": "#555555",
    "axes.labelcolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "text.color": TEXT_COLOUR,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_lock = threading.Lock()  # rc_context changes global state


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:12]


def _text(value: object) -> str:
    """A label as plain text: matplotlib would read "$…$" as math."""
    return str(value).replace("$", r"\$")


def _fmt(value: Number) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".replace(".", ",")
    return str(int(value))


def _finish(fig: Figure, *, title: str, desc: str, salt: str) -> str:
    buffer = io.StringIO()
    FigureCanvasSVG(fig)
    with _lock, matplotlib.rc_context({**_RC, "svg.hashsalt": salt}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    svg = buffer.getvalue()
    # Inline use: drop the XML prolog, the DOCTYPE and comments.
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.DOTALL)
    # matplotlib writes its own <title> inside <metadata>; replace the metadata block entirely.
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    ident = f"chart-{salt}"
    svg = _csp_safe(svg, ident=ident)
    svg = re.sub(
        r"<svg ",
        f'<svg role="img" aria-labelledby="{ident}-title {ident}-desc" class="chart" focusable="false" ',
        svg,
        count=1,
    )
    svg = re.sub(
        r"(<svg[^>]*>)",
        rf'\1<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>',
        svg,
        count=1,
    )
    return svg.strip()


_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_ID_ATTR = re.compile(r'\sid="([^"]*)"')
_REF = re.compile(r'(xlink:href="#|href="#|url\(#)([^")]+)')


def _style_to_attributes(match: re.Match) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        if re.fullmatch(r"[a-z-]+", name):
            attributes.append(f' {name}="{escape(value.replace(chr(39), ""), quote=True)}"')
    return "".join(attributes)


def _csp_safe(svg: str, *, ident: str) -> str:
    """Make the SVG work under `style-src 'self'` and inline beside other charts.

    Inline `style` attributes and `<style>` elements are blocked by our CSP, so declarations become SVG
    presentation attributes (which CSP allows); matplotlib's fixed ids (figure_1, axes_1, …) would repeat
    across charts on one page, so unreferenced ids are dropped and referenced ones get the chart's prefix."""
    svg = re.sub(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', svg, count=1)
    svg = _STYLE_ATTR.sub(_style_to_attributes, svg)
    referenced = {m.group(2) for m in _REF.finditer(svg)}
    svg = _ID_ATTR.sub(lambda m: f' id="{ident}-{m.group(1)}"' if m.group(1) in referenced else "", svg)
    return _REF.sub(lambda m: f"{m.group(1)}{ident}-{m.group(2)}", svg)


def _new_figure(width: float, height: float) -> Figure:
    with _lock, matplotlib.rc_context(_RC):
        # Constrained layout keeps title, tick labels and a legend below the axes from overlapping.
        fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig


def _style_axes(ax, *, title: str, x_label: str, y_label: str) -> None:
    ax.set_title(_text(title), loc="left", fontsize=11, fontweight="bold", color=TEXT_COLOUR, family="DejaVu Sans")
    if x_label:
        ax.set_xlabel(_text(x_label), family="DejaVu Sans")
    if y_label:
        ax.set_ylabel(_text(y_label), family="DejaVu Sans")
    ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.6)
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_family("DejaVu Sans")


def _legend_below(fig: Figure, count: int) -> None:
    fig.legend(
        loc="outside lower center",
        ncols=min(count, 2 if count > 3 else 3),
        frameon=False,
        fontsize=9,
        prop={"family": "DejaVu Sans"},
    )


def line_chart_svg(
    *,
    title: str,
    series: dict[str, Sequence[tuple[str, Number]]],
    y_label: str = "",
    x_label: str = "",
    y_max: float | None = None,
    y_min: float | None = 0,
    desc: str | None = None,
    width: float = 7.0,
    height: float = 3.6,
) -> str:
    """A line chart: one line per series over shared category labels (e.g. quarters). None = gap."""
    labels: list[str] = []
    for points in series.values():
        for label, _value in points:
            if label not in labels:
                labels.append(str(label))
    positions = {label: i for i, label in enumerate(labels)}
    fig = _new_figure(width, height)
    ax = fig.add_subplot()
    with _lock, matplotlib.rc_context(_RC):
        for i, (name, points) in enumerate(series.items()):
            xs = [positions[str(label)] for label, _ in points]
            ys = [float("nan") if value is None else float(value) for _, value in points]
            ax.plot(
                xs,
                ys,
                label=_text(name),
                color=PALETTE[i % len(PALETTE)],
                marker=MARKERS[i % len(MARKERS)],
                linewidth=1.8,
                markersize=5,
            )
        ax.set_xticks(
            range(len(labels)),
            [_text(label) for label in labels],
            rotation=30 if len(labels) > 6 else 0,
            ha="right" if len(labels) > 6 else "center",
        )
        if labels:
            ax.set_xlim(-0.5, len(labels) - 0.5)
        if y_max is not None or y_min is not None:
            ax.set_ylim(bottom=y_min, top=y_max)
        _style_axes(ax, title=title, x_label=x_label, y_label=y_label)
        if len(series) > 1:
            _legend_below(fig, len(series))
    if desc is None:
        parts = [
            f"{name}: " + ", ".join(f"{label} {_fmt(value)}" for label, value in points)
            for name, points in series.items()
        ]
        desc = "Liniendiagramm. " + "; ".join(parts) if parts else "Liniendiagramm ohne Daten."
    return _finish(fig, title=title, desc=desc[:1000], salt=_digest("line", title, series, y_label, x_label, y_max))


def bar_chart_svg(
    *,
    title: str,
    data: Sequence[tuple[str, Number]],
    y_label: str = "",
    x_label: str = "",
    y_max: float | None = None,
    horizontal: bool = False,
    desc: str | None = None,
    width: float = 7.0,
    height: float | None = None,
) -> str:
    """A bar chart of one series; horizontal for long labels (e.g. district names). None = no bar."""
    labels = [str(label) for label, _ in data]
    values = [0.0 if value is None else float(value) for _, value in data]
    if height is None:
        height = max(2.4, 0.34 * len(labels) + 1.2) if horizontal else 3.6
    fig = _new_figure(width, height)
    ax = fig.add_subplot()
    with _lock, matplotlib.rc_context(_RC):
        positions = list(range(len(labels)))
        if horizontal:
            ax.barh(positions, values, color=PALETTE[0], height=0.6)
            ax.set_yticks(positions, [_text(label) for label in labels])
            ax.invert_yaxis()
            if y_max is not None:
                ax.set_xlim(0, y_max)
            _style_axes(ax, title=title, x_label=y_label, y_label=x_label)
            ax.grid(axis="y", visible=False)
            ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.6)
        else:
            ax.bar(positions, values, color=PALETTE[0], width=0.6)
            ax.set_xticks(
                positions,
                [_text(label) for label in labels],
                rotation=30 if len(labels) > 6 else 0,
                ha="right" if len(labels) > 6 else "center",
            )
            if y_max is not None:
                ax.set_ylim(0, y_max)
            _style_axes(ax, title=title, x_label=x_label, y_label=y_label)
    if desc is None:
        desc = (
            "Balkendiagramm. " + ", ".join(f"{label} {_fmt(value)}" for label, value in data)
            if data
            else "Balkendiagramm ohne Daten."
        )
    return _finish(
        fig, title=title, desc=desc[:1000], salt=_digest("bar", title, list(data), y_label, x_label, y_max, horizontal)
    )


def grouped_bar_chart_svg(
    *,
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence[Number]],
    y_label: str = "",
    y_max: float | None = None,
    horizontal: bool = True,
    desc: str | None = None,
    width: float = 7.0,
    height: float | None = None,
) -> str:
    """Bars of several series side by side per category (e.g. facilitators vs participants per criterion)."""
    count = max(len(series), 1)
    bar = 0.8 / count
    if height is None:
        height = max(2.6, (0.28 * count + 0.2) * len(categories) + 1.4) if horizontal else 3.8
    fig = _new_figure(width, height)
    ax = fig.add_subplot()
    with _lock, matplotlib.rc_context(_RC):
        positions = list(range(len(categories)))
        for i, (name, values) in enumerate(series.items()):
            offsets = [p - 0.4 + bar * (i + 0.5) for p in positions]
            clean = [0.0 if v is None else float(v) for v in values]
            style: dict[str, Any] = {
                "color": PALETTE[i % len(PALETTE)],
                "hatch": HATCHES[i % len(HATCHES)],
                "edgecolor": "white",
                "label": _text(name),
            }
            if horizontal:
                ax.barh(offsets, clean, height=bar, **style)
            else:
                ax.bar(offsets, clean, width=bar, **style)
        if horizontal:
            ax.set_yticks(positions, [_text(c) for c in categories])
            ax.invert_yaxis()
            if y_max is not None:
                ax.set_xlim(0, y_max)
            _style_axes(ax, title=title, x_label=y_label, y_label="")
            ax.grid(axis="y", visible=False)
            ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.6)
        else:
            ax.set_xticks(
                positions,
                [_text(c) for c in categories],
                rotation=30 if len(categories) > 5 else 0,
                ha="right" if len(categories) > 5 else "center",
            )
            if y_max is not None:
                ax.set_ylim(0, y_max)
            _style_axes(ax, title=title, x_label="", y_label=y_label)
        if len(series) > 1:
            _legend_below(fig, count)
    if desc is None:
        parts = [
            f"{category}: "
            + ", ".join(f"{name} {_fmt(values[j] if j < len(values) else None)}" for name, values in series.items())
            for j, category in enumerate(categories)
        ]
        desc = "Balkendiagramm. " + "; ".join(parts) if parts else "Balkendiagramm ohne Daten."
    return _finish(
        fig,
        title=title,
        desc=desc[:1000],
        salt=_digest("grouped", title, list(categories), series, y_label, y_max, horizontal),
    )
