"""The OParl 1.1 importer on sample documents written from the specification (tests/recommendations/oparl/):
upserts by id, ignores unknown fields and types, skips broken objects with a report (nothing half-imported),
and links papers to recommendations and decisions by their Drucksache number."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recommendations import services
from recommendations.models import AgendaItem, Body, Meeting, Paper, Recommendation
from recommendations.oparl import OParlError, load_source, oparl_import
from tests.recommendations.factories import RecommendationFactory, decision_data

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "oparl"


def run(name: str):
    return oparl_import(documents=load_source(str(SAMPLES / name)))


def test_valid_list_imports_body_meeting_with_agenda_item_and_paper():
    report = run("hannover_valid.json")
    assert report.created == {"AgendaItem": 1, "Body": 1, "Meeting": 1, "Paper": 1}
    assert report.ignored == 1  # the Person
    assert report.skipped == []
    paper = Paper.objects.get()
    assert (paper.reference, paper.body.name, str(paper.date)) == (
        "15-2410/2026",
        "Landeshauptstadt Hannover",
        "2026-10-28",
    )
    assert paper.main_file_url == "https://ris.example.org/files/9001.pdf"
    item = AgendaItem.objects.get()
    assert (item.meeting.name, item.number, item.result, item.paper) == (
        "12. Sitzung des Stadtbezirksrates Linden-Limmer",
        "6.2",
        "Beschlossen",
        paper,
    )


def test_reimport_updates_instead_of_duplicating():
    run("hannover_valid.json")
    report = run("single_paper.json")
    assert report.updated == {"Paper": 1} and report.created == {}
    paper = Paper.objects.get()
    assert paper.name == "Kinder planen ihren Spielplatz mit (geändert)"
    assert str(paper.date) == "2026-10-29"


def test_papers_are_linked_to_recommendations_and_decisions_by_reference():
    recommendation = RecommendationFactory(status=Recommendation.Status.CONSULTATION, council_reference="15-2410/2026")
    services.recommendation_transition(
        recommendation=recommendation,
        to_status=Recommendation.Status.ADOPTED,
        decision=decision_data(body_kind="fachteam", url=""),
    )
    report = run("hannover_valid.json")
    assert report.linked == [("15-2410/2026", recommendation.slug)]
    recommendation.refresh_from_db()
    assert recommendation.council_paper.reference == "15-2410/2026"
    assert recommendation.decision.link == "https://ris.example.org/vorlage/15-2410-2026"


def test_after_import_the_public_page_shows_the_decision_with_the_drucksache_link(client):
    recommendation = RecommendationFactory(status=Recommendation.Status.CONSULTATION)
    services.recommendation_transition(
        recommendation=recommendation,
        to_status=Recommendation.Status.ADOPTED,
        decision=decision_data(body_kind="verwaltungsvorstand", body_name="Verwaltungsvorstand", url=""),
    )
    assert (
        "https://ris.example.org/vorlage/15-2410-2026"
        not in client.get(recommendation.get_absolute_url()).content.decode()
    )
    run("hannover_valid.json")
    html = client.get(recommendation.get_absolute_url()).content.decode()
    assert 'href="https://ris.example.org/vorlage/15-2410-2026"' in html


def test_broken_objects_are_skipped_with_a_report_and_the_good_one_is_imported():
    report = run("broken.json")
    reasons = dict(report.skipped)
    assert reasons["#0"] == "missing id"
    assert reasons["https://ris.example.org/oparl/paper/wrong-date"] == "date is not a date"
    assert reasons["https://ris.example.org/oparl/paper/wrong-type"] == "reference is not a string"
    assert reasons["https://ris.example.org/oparl/meeting/bad-item"] == "missing id"
    assert reasons["#4"] == "not an object"
    assert list(Paper.objects.values_list("reference", flat=True)) == ["96/2026"]


def test_a_meeting_with_a_broken_agenda_item_is_not_half_imported():
    run("broken.json")
    assert not Meeting.objects.exists()
    assert not AgendaItem.objects.filter(oparl_id="https://ris.example.org/oparl/agendaitem/ok").exists()


def test_a_body_without_name_is_skipped():
    report = oparl_import(
        documents=[{"id": "https://x.example.org/body/1", "type": "https://schema.oparl.org/1.1/Body"}]
    )
    assert report.skipped == [("https://x.example.org/body/1", "missing name")]
    assert not Body.objects.exists()


def test_non_oparl_type_is_skipped():
    report = oparl_import(documents=[{"id": "https://x.example.org/1", "type": "https://example.org/Thing"}])
    assert report.skipped[0][1].endswith("is not an OParl type")


def test_command_reads_a_file_and_prints_the_report():
    out, err = io.StringIO(), io.StringIO()
    call_command("import_oparl", str(SAMPLES / "broken.json"), stdout=out, stderr=err)
    assert "created Paper: 1" in out.getvalue()
    assert "skipped https://ris.example.org/oparl/paper/wrong-date: date is not a date" in out.getvalue()
    assert "5 object(s) skipped" in err.getvalue()


def test_command_refuses_a_file_that_is_not_json():
    with pytest.raises(CommandError, match="is not JSON"):
        call_command("import_oparl", str(SAMPLES / "not_json.json"), stdout=io.StringIO())


def test_command_refuses_a_missing_file():
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_oparl", str(SAMPLES / "missing.json"), stdout=io.StringIO())


@pytest.mark.parametrize("source", ["file:///etc/passwd", "ftp://ris.example.org/oparl.json", "gopher://x/"])
def test_only_http_urls_are_fetched(source):
    with pytest.raises(OParlError):
        load_source(source)


def test_an_unreachable_url_is_an_error_not_a_crash(settings):
    settings.OPARL_FETCH_TIMEOUT = 1
    with pytest.raises(OParlError, match="Cannot fetch"):
        load_source("http://127.0.0.1:9/oparl/body")
