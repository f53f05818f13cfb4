"""core/charts.py: accessible, self-contained, deterministic SVG that works under our CSP."""

import re
import xml.etree.ElementTree as ET

from core.charts import bar_chart_svg, grouped_bar_chart_svg, line_chart_svg

SVG_NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str):
    return ET.fromstring(svg)  # noqa: S314  # nosec B314 - our own generated SVG


def _line(**kwargs):
    defaults = {
        "title": "Qualitätsmerkmale",
        "series": {
            "Lebendige Formate": [("Q1/2026", 3.5), ("Q2/2026", None), ("Q3/2026", 4)],
            "Transparenz": [("Q1/2026", 2)],
        },
        "y_label": "Ø",
        "y_max": 5,
    }
    return line_chart_svg(**{**defaults, **kwargs})


def test_line_chart_is_accessible_svg_with_title_and_desc():
    svg = _line()
    root = parse(svg)
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("role") == "img"
    title, desc = root[0], root[1]
    assert title.tag == f"{SVG_NS}title" and title.text == "Qualitätsmerkmale"
    assert desc.tag == f"{SVG_NS}desc" and "Lebendige Formate: Q1/2026 3,50, Q2/2026 –, Q3/2026 4" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_output_is_deterministic():
    assert _line() == _line()
    assert bar_chart_svg(title="B", data=[("a", 1)]) == bar_chart_svg(title="B", data=[("a", 1)])


def test_no_external_references_no_inline_styles_and_no_script():
    for svg in (
        _line(),
        bar_chart_svg(title="B", data=[("Linden-Limmer", 3.2), ("Mitte", 4)], horizontal=True),
        grouped_bar_chart_svg(title="G", categories=["a", "b"], series={"M": [3, 4], "T": [None, 2]}),
    ):
        refs = re.findall(r'(?:href|src)="([^"]*)"|url\(([^)]*)\)', svg)
        assert all((a or b).startswith("#") for a, b in refs)
        assert "http://" not in svg.replace("http://www.w3.org/", "")
        assert "style=" not in svg and "<style" not in svg  # CSP style-src 'self' would block them
        assert "<script" not in svg and "<?xml" not in svg and "<!DOCTYPE" not in svg


def test_two_charts_on_one_page_share_no_id():
    ids_a = set(re.findall(r' id="([^"]+)"', _line()))
    ids_b = set(re.findall(r' id="([^"]+)"', _line(title="Andere Daten")))
    assert ids_a and ids_b and not ids_a & ids_b
    for svg in (_line(), _line(title="Andere Daten")):
        referenced = set(re.findall(r'(?:href="#|url\(#)([\w.-]+)', svg))
        assert referenced <= set(re.findall(r' id="([^"]+)"', svg))


def test_text_is_escaped_and_dollar_signs_are_not_math():
    svg = bar_chart_svg(title="<script>alert(1)</script>", data=[("Kosten $5$", 1)])
    parse(svg)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "Kosten $5$" in svg


def test_bar_and_grouped_charts_describe_their_data():
    bar = parse(bar_chart_svg(title="B", data=[("Mitte", 4), ("Nord", None)]))
    assert bar[1].text == "Balkendiagramm. Mitte 4, Nord –"
    grouped = parse(
        grouped_bar_chart_svg(title="G", categories=["Umgang"], series={"Moderation": [3.5], "Teilnehmende": [4]})
    )
    assert grouped[1].text == "Balkendiagramm. Umgang: Moderation 3,50, Teilnehmende 4"


def test_empty_chart_still_renders():
    root = parse(line_chart_svg(title="Leer", series={}))
    assert root[1].text == "Liniendiagramm ohne Daten."
