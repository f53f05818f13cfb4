"""Reports stay readable at any size (ADR 0020): above settings.REPORT_LIST_LIMIT a list section of the district
report prints a summary and the complete list travels with the PDF as a CSV attachment; the recommendations
document prints a compact table per Handlungsfeld and points to the documents per Handlungsfeld."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from recommendations import reports
from recommendations.models import Recommendation
from reflections.models import Commitment
from tests.factories import DistrictFactory, RegistrationFactory, WorkshopFactory, WorkshopTeamMemberFactory
from tests.recommendations.conftest import build_report_data, pdf_text
from tests.recommendations.factories import FieldOfActionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(settings):
    settings.REPORT_LIST_LIMIT = 3
    return 3


def attachments(pdf: bytes) -> dict[str, list[list[str]]]:
    """name -> rows (header first) of every CSV attached to the PDF."""
    found = PdfReader(io.BytesIO(pdf)).attachments
    return {
        name: list(csv.reader(io.StringIO(contents[0].decode("utf-8-sig")), delimiter=";"))
        for name, contents in found.items()
    }


def district_pdf(data) -> bytes:
    return reports.report_render(kind="district", parameters={"district": "linden-limmer", "year": data["year"]}).pdf


def flat(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


# --- district report -----------------------------------------------------------------------------------------


def test_district_report_at_the_limit_lists_every_row_and_attaches_nothing(limit):
    data = build_report_data(workshops=3)
    pdf = district_pdf(data)
    text = pdf_text(pdf)
    assert "3 Werkstätten" in text
    assert all(w.title in text for w in data["workshops"])
    assert PdfReader(io.BytesIO(pdf)).attachments == {}


def test_district_report_above_the_limit_summarises_the_workshops_per_month(limit):
    data = build_report_data(workshops=5)
    text = flat(pdf_text(district_pdf(data)))
    assert "Werkstätten je Monat" in text
    assert "Die Liste aller 5 Werkstätten steht in der angehängten Datei werkstaetten.csv" in text
    assert "Werkstatt Lindener Marktplatz 5" not in text  # the oldest: in no capped list


def test_district_report_above_the_limit_caps_insights_and_commitments_to_the_most_recent(limit):
    data = build_report_data(workshops=5)
    text = flat(pdf_text(district_pdf(data)))
    assert "Erkenntnis Marktplatz 1: Bänke fehlen." in text  # the newest workshop
    assert "Erkenntnis Marktplatz 5: Bänke fehlen." not in text
    assert "die 3 neuesten von 5 Erkenntnissen" in text and "erkenntnisse.csv" in text
    assert "die 3 neuesten von 5 Vereinbarungen" in text and "vereinbarungen.csv" in text


def test_district_report_attachments_hold_every_row(limit):
    data = build_report_data(workshops=5)
    files = attachments(district_pdf(data))
    assert set(files) == {"werkstaetten.csv", "erkenntnisse.csv", "vereinbarungen.csv"}
    workshops = files["werkstaetten.csv"]
    assert workshops[0][:2] == ["Datum", "Werkstatt"]
    assert {row[1] for row in workshops[1:]} == {w.title for w in data["workshops"]}
    assert len(files["erkenntnisse.csv"]) == 1 + 5
    assert len(files["vereinbarungen.csv"]) == 1 + 5


def test_district_report_attachment_cells_cannot_start_a_formula(limit):
    data = build_report_data(workshops=4)
    Commitment.objects.filter(workshop=data["workshops"][0]).update(what='=HYPERLINK("http://x")')
    rows = attachments(district_pdf(data))["vereinbarungen.csv"]
    assert '\'=HYPERLINK("http://x")' in [row[0] for row in rows]


def test_district_report_above_the_limit_attaches_the_team_compositions(limit):
    data = build_report_data(workshops=4)
    for workshop in data["workshops"]:
        WorkshopTeamMemberFactory(workshop=workshop)
    pdf = district_pdf(data)
    text = flat(pdf_text(pdf))
    assert "Zusammensetzung des Teams je Werkstatt" not in text
    assert "teams.csv" in text
    assert len(attachments(pdf)["teams.csv"]) == 1 + 4


def test_district_report_above_the_limit_counts_recommendations_per_field_and_status(limit):
    data = build_report_data(workshops=2, recommendations=4)
    pdf = district_pdf(data)
    text = flat(pdf_text(pdf))
    assert "Es sind 4 Empfehlungen, mehr als 3" in text and "empfehlungen.csv" in text
    assert "Ressourcen 0 2 2 0 0 4" in text  # in consultation, adopted, in progress, done, dropped, total
    rows = attachments(pdf)["empfehlungen.csv"]
    assert {row[0] for row in rows[1:]} == {r.title for r in data["recommendations"]}
    assert rows[1][5].startswith("http") and "/empfehlungen/" in rows[1][5]


def _held(district, when: datetime, people: int):
    workshop = WorkshopFactory(
        district=district, status="held", starts_at=when, registration_opens_at=when.replace(day=1, month=1)
    )
    for _ in range(people):
        RegistrationFactory(workshop=workshop)
    return workshop


def test_month_summary_withholds_small_counts_and_their_complement(limit):
    district = DistrictFactory(number=10)
    tz = ZoneInfo("Europe/Berlin")
    for day in (3, 4, 5, 6):  # March: 4 people
        _held(district, datetime(2025, 3, day, 17, tzinfo=tz), 1)
    for day in (3, 4, 5, 6, 7):  # April: 5 people, the smallest other count
        _held(district, datetime(2025, 4, day, 17, tzinfo=tz), 1)
    for day in (5, 6, 7, 8):  # May: 8 people
        _held(district, datetime(2025, 5, day, 17, tzinfo=tz), 2)
    _template, context = reports.report_data(
        kind="district", parameters={"district": "linden-limmer", "start": "2025-03-01", "end": "2025-05-31"}
    )
    people = [row["people"] for row in context["month_summary"]]
    assert people == ["weniger\xa0als\xa05", "weniger\xa0als\xa05", "8"]
    assert [row["held"] for row in context["month_summary"]] == [4, 5, 4]


def test_month_summary_shows_zero_and_counts_at_the_threshold(limit):
    district = DistrictFactory(number=10)
    tz = ZoneInfo("Europe/Berlin")
    for day in (3, 4, 5, 6, 7):
        _held(district, datetime(2025, 3, day, 17, tzinfo=tz), 1)
    WorkshopFactory(district=district, status="cancelled", starts_at=datetime(2025, 4, 3, 17, tzinfo=tz))
    _template, context = reports.report_data(
        kind="district", parameters={"district": "linden-limmer", "start": "2025-03-01", "end": "2025-04-30"}
    )
    assert [(row["people"], row["cancelled"]) for row in context["month_summary"]] == [("5", 0), ("0", 1)]


# --- recommendations document ----------------------------------------------------------------------------------


def test_field_parameter_must_name_a_field():
    with pytest.raises(reports.ReportParameterError):
        reports.validate_parameters(kind="recommendations", parameters={"field": "gibt-es-nicht"})


def test_field_parameter_is_optional():
    assert reports.validate_parameters(kind="recommendations", parameters={"field": ""}) == {}


def test_document_for_one_field_holds_only_its_recommendations_in_full(report_data):
    other = RecommendationFactory(
        title="Offene Sprechstunde im Rathaus",
        status=Recommendation.Status.ADOPTED,
        field=FieldOfActionFactory(slug="kommunikation"),
    )
    result = reports.report_render(kind="recommendations", parameters={"field": "ressourcen"})
    text = pdf_text(result.pdf)
    assert result.title == "Handlungsempfehlungen: Ressourcen"
    assert "ressourcen" in result.filename
    assert "Mehr Sitzgelegenheiten im Stadtteil 1" in text and "Standorte prüfen 1" in text
    assert other.title not in text


def test_document_at_the_limit_prints_every_recommendation_in_full(settings, report_data):
    settings.REPORT_LIST_LIMIT = 2
    text = flat(pdf_text(reports.report_render(kind="recommendations", parameters={}).pdf))
    assert "Standorte prüfen 1" in text and "Standorte prüfen 2" in text
    assert "Die Volltexte stehen" not in text


def test_document_above_the_limit_prints_a_compact_table_per_field(settings, report_data):
    settings.REPORT_LIST_LIMIT = 1
    recommendation = report_data["recommendations"][0]
    text = flat(pdf_text(reports.report_render(kind="recommendations", parameters={}).pdf))
    assert "Die Volltexte stehen in den Dokumenten je Handlungsfeld" in text
    assert "(Berichte → Handlungsempfehlungen → Handlungsfeld)" in text
    assert "Mehr Sitzgelegenheiten im Stadtteil 1" in text and "Mehr Sitzgelegenheiten im Stadtteil 2" in text
    assert "Standorte prüfen 1" not in text  # milestones only in full text
    assert recommendation.get_absolute_url() in text.replace(" ", "")


def test_forms_offer_the_fields_with_all_as_default():
    from recommendations.forms import RecommendationsReportForm

    FieldOfActionFactory(slug="ressourcen")
    form = RecommendationsReportForm({"field": ""})
    assert form.is_valid() and form.parameters() == {}
    form = RecommendationsReportForm({"field": "ressourcen"})
    assert form.is_valid() and form.parameters() == {"field": "ressourcen"}
    assert form.fields["field"].empty_label == "alle Handlungsfelder"


def test_reports_page_requests_the_document_of_one_field(client):
    from recommendations.models import ReportJob
    from tests.auth import login_with_mfa
    from tests.recommendations.factories import fachteam_user

    FieldOfActionFactory(slug="ressourcen")
    login_with_mfa(client, fachteam_user())
    page = client.get("/berichte/").content.decode()
    assert '<option value="" selected>alle Handlungsfelder</option>' in page and 'value="ressourcen"' in page
    response = client.post("/berichte/", {"kind": "recommendations", "recommendations-field": "ressourcen"})
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert job.parameters == {"field": "ressourcen"} and job.title == "Handlungsempfehlungen: Ressourcen"
