"""PDF content of each report kind: extract the text with pypdf and look for title, district, counts, a
recommendation title; internal notes never appear."""

import pytest

from recommendations import reports
from tests.recommendations.conftest import pdf_text

pytestmark = pytest.mark.django_db


def render(kind, parameters):
    result = reports.report_render(kind=kind, parameters=parameters)
    assert result.pdf.startswith(b"%PDF")
    return result, pdf_text(result.pdf)


def test_workshop_documentation_contains_title_district_counts_and_recommendation(report_data):
    workshop = report_data["workshops"][0]
    result, text = render("workshop", {"workshop": workshop.slug})
    assert "Werkstattdokumentation" in text
    assert workshop.title in text
    assert "Linden-Limmer" in text
    assert "Mehr Sitzgelegenheiten im Stadtteil 1" in text
    assert "Erkenntnis Marktplatz 1: Bänke fehlen." in text
    assert "Inhalt" in text and "Seite 2 von" in text
    assert "INTERNE NOTIZ" not in text
    assert result.filename.endswith(".pdf")


def test_district_report_contains_district_period_counts_and_recommendation(report_data):
    year = report_data["year"]
    result, text = render("district", {"district": "linden-limmer", "year": year})
    assert "Bezirksbericht Linden-Limmer" in result.title
    assert "Stadtbezirk Linden-Limmer" in text
    assert "3 Werkstätten" in text
    assert "Mehr Sitzgelegenheiten im Stadtteil 2" in text
    assert "INTERNE NOTIZ" not in text


def test_recommendations_document_groups_by_field_with_evidence(report_data):
    _result, text = render("recommendations", {})
    assert "Handlungsempfehlungen der Bezirkswerkstätten" in text
    assert "Mehr Sitzgelegenheiten im Stadtteil 1" in text
    assert "Standorte prüfen 1" in text
    assert "Werkstatt Lindener Marktplatz 1" in text
    assert "Linden-Limmer" in text


def test_annual_evaluation_contains_key_figures_and_status(report_data):
    year = report_data["year"]
    result, text = render("annual", {"year": year})
    assert f"Jahresauswertung {year}" in result.title
    assert "Linden-Limmer" in text
    assert "Anteil in Eigenregie" in text
    assert "Beschlossen" in text


def test_pdf_is_tagged_german_with_title_and_pdf_ua_identification(report_data):
    import io

    from pypdf import PdfReader

    result, _text = render("annual", {"year": report_data["year"]})
    reader = PdfReader(io.BytesIO(result.pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == result.title
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()


def test_rendering_fetches_nothing_but_our_static_files(report_data):
    from core.pdf import ForbiddenResource, StaticOnlyURLFetcher

    fetcher = StaticOnlyURLFetcher()
    assert fetcher.fetch("http://127.0.0.1:8000/static/recommendations/report.css")
    with pytest.raises(ForbiddenResource):
        fetcher.fetch("https://example.org/tracker.png")


def test_small_count_threshold_and_its_texts_follow_the_setting(report_data, settings):
    from django.template.loader import render_to_string

    settings.PUBLIC_MIN_COUNT = 1000
    workshop = report_data["workshops"][0]
    template, context = reports.report_data(kind="workshop", parameters={"workshop": workshop.slug})
    html = render_to_string(template, context)
    assert "Zahlen unter 1000 werden nicht ausgewiesen" in html
    assert "mindestens 1000" in html
    assert context["feedback"]["shown"] is False
    assert all(shown.replace("\u00a0", " ") == "weniger als 1000" for _name, shown in context["quarters"])
    assert context["quarters"]
