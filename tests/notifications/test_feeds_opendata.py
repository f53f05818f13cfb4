"""iCalendar and Atom feeds, open-data downloads and the DCAT-AP.de record."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from notifications import services
from recommendations.models import Recommendation
from reflections.models import Commitment
from tests.factories import DistrictFactory, RegistrationFactory, WorkshopFactory
from tests.recommendations.factories import RecommendationFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parse(content: bytes):
    """Our own feed, generated in this test (not untrusted input)."""
    return ET.fromstring(content)  # noqa: S314  # nosec B314


def _calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_city_calendar_lists_upcoming_public_workshops_with_timezone(client):
    upcoming = WorkshopFactory(title="Kommt noch")
    WorkshopFactory(draft=True, title="Entwurf")
    WorkshopFactory(past=True, title="Vorbei")
    calendar = _calendar(client, "/werkstaetten.ics")
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [upcoming.title]
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    assert events[0]["DTSTART"].dt.tzinfo is not None
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]


def test_calendar_uid_is_stable_across_runs(client):
    WorkshopFactory()
    first = [str(e["UID"]) for e in _calendar(client, "/werkstaetten.ics").walk("VEVENT")]
    second = [str(e["UID"]) for e in _calendar(client, "/werkstaetten.ics").walk("VEVENT")]
    assert first == second and len(set(first)) == 1


def test_district_calendar_only_has_its_district(client):
    linden = DistrictFactory()
    mitte = DistrictFactory(number=1, name="Mitte", slug="mitte")
    WorkshopFactory(district=linden, title="In Linden")
    WorkshopFactory(district=mitte, title="In Mitte")
    events = _calendar(client, "/bezirke/mitte/werkstaetten.ics").walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["In Mitte"]


def test_calendar_validates_with_icalendar(client):
    WorkshopFactory()
    calendar = _calendar(client, "/werkstaetten.ics")
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event
        assert event["DTEND"].dt > event["DTSTART"].dt
    assert Calendar.from_ical(calendar.to_ical()) == calendar


@pytest.mark.parametrize(
    "url",
    [
        "/werkstaetten.ics?x=%ff&bezirk[]=1",
        "/bezirke/linden-limmer/werkstaetten.ics?page=-1&&&",
        "/neuigkeiten.atom?format=json&%zz",
        "/bezirke/linden-limmer/neuigkeiten.atom?" + "a" * 3000,
        "/offene-daten/?q=%27%22<script>",
        "/offene-daten/werkstaetten.csv?sep=;&encoding=latin1",
        "/offene-daten/katalog.jsonld?@context=x",
    ],
)
def test_odd_query_strings_never_5xx(client, url):
    DistrictFactory()
    assert client.get(url).status_code == 200


def test_a_nul_byte_in_the_query_is_refused_with_400(client):
    assert client.get("/werkstaetten.ics?x=%00").status_code == 400


def test_unknown_district_and_dataset_are_404(client):
    assert client.get("/bezirke/nirgendwo/werkstaetten.ics").status_code == 404
    assert client.get("/bezirke/nirgendwo/neuigkeiten.atom").status_code == 404
    assert client.get("/offene-daten/geheim.csv").status_code == 404
    assert client.get("/offene-daten/werkstaetten.xml").status_code == 404


def test_atom_feed_lists_events_with_stable_ids(client):
    workshop = WorkshopFactory(title="Neue Werkstatt")
    services.events_collect()
    root = parse(client.get("/neuigkeiten.atom").content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert "Neue Werkstatt" in entries[0].find(f"{ATOM}title").text
    assert entries[0].find(f"{ATOM}id").text.startswith("tag:")
    assert entries[0].find(f"{ATOM}link").get("href").endswith(workshop.get_absolute_url())
    district_root = parse(client.get(f"/bezirke/{workshop.district.slug}/neuigkeiten.atom").content)
    assert len(district_root.findall(f"{ATOM}entry")) == 1
    DistrictFactory(number=1, name="Mitte", slug="mitte")
    other = parse(client.get("/bezirke/mitte/neuigkeiten.atom").content)
    assert other.findall(f"{ATOM}entry") == []


def test_open_data_page_documents_fields_and_embeds_dcat(client):
    html = client.get("/offene-daten/").content.decode()
    assert "dl-de/by-2-0" in html or "dl-by-de/2.0" in html
    assert "application/ld+json" in html
    for name in ("werkstaetten", "empfehlungen", "vereinbarungen", "kennzahlen"):
        assert f"/offene-daten/{name}.csv" in html and f"/offene-daten/{name}.json" in html
    assert "<code>participation_level</code>" in html


def test_workshop_csv_has_public_workshops_only(client):
    WorkshopFactory(title="Öffentlich")
    WorkshopFactory(draft=True, title="Entwurf")
    rows = list(csv.DictReader(io.StringIO(client.get("/offene-daten/werkstaetten.csv").content.decode())))
    assert [r["title"] for r in rows] == ["Öffentlich"]


def test_recommendation_json_has_no_drafts_and_documents_its_fields(client):
    RecommendationFactory(title="Entwurf")
    RecommendationFactory(title="Beschlossen", status=Recommendation.Status.ADOPTED)
    body = json.loads(client.get("/offene-daten/empfehlungen.json").content)
    assert [r["title"] for r in body["rows"]] == ["Beschlossen"]
    assert {f["name"] for f in body["fields"]} == set(body["rows"][0])
    assert body["license"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"


def test_commitments_csv_has_public_commitments_only(client):
    workshop = WorkshopFactory(past=True)
    Commitment.objects.create(workshop=workshop, what="Bänke aufstellen", who="Fachbereich Grün")
    Commitment.objects.create(workshop=workshop, what="Intern", who="Team", public=False)
    rows = list(csv.DictReader(io.StringIO(client.get("/offene-daten/vereinbarungen.csv").content.decode())))
    assert [r["what"] for r in rows] == ["Bänke aufstellen"]


def test_figures_suppress_counts_below_the_minimum(client, settings):
    settings.PUBLIC_MIN_COUNT = 5
    small = WorkshopFactory(past=True, capacity=20)
    for _ in range(4):
        RegistrationFactory(workshop=small, checked_in_at=timezone.now() - timedelta(days=9))
    rows = json.loads(client.get("/offene-daten/kennzahlen.json").content)["rows"]
    linden = next(r for r in rows if r["district"] == small.district.slug)
    assert linden["workshops_held"] == 1
    assert linden["seats_confirmed"] is None and linden["attendance"] is None
    RegistrationFactory(workshop=small, checked_in_at=timezone.now())
    rows = json.loads(client.get("/offene-daten/kennzahlen.json").content)["rows"]
    linden = next(r for r in rows if r["district"] == small.district.slug)
    assert linden["seats_confirmed"] == 5 and linden["attendance"] == 5


def test_csv_cells_cannot_start_a_spreadsheet_formula(client):
    WorkshopFactory(title='=HYPERLINK("http://evil")')
    rows = list(csv.DictReader(io.StringIO(client.get("/offene-daten/werkstaetten.csv").content.decode())))
    assert rows[0]["title"].startswith("'=")


def test_dcat_catalog_is_dcat_ap_de_shaped(client):
    response = client.get("/offene-daten/katalog.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    catalog = json.loads(response.content)
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["@context"]["dcatde"] == "http://dcat-ap.de/def/dcatde/"
    datasets = catalog["dcat:dataset"]
    assert len(datasets) == 4
    for dataset in datasets:
        assert dataset["@type"] == "dcat:Dataset"
        for key in ("dct:title", "dct:description", "dct:publisher", "dcat:contactPoint", "dcat:theme"):
            assert dataset[key]
        assert dataset["dct:license"]["@id"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
        formats = {d["dct:format"]["@id"].rsplit("/", 1)[1] for d in dataset["dcat:distribution"]}
        assert formats == {"CSV", "JSON"}
        for distribution in dataset["dcat:distribution"]:
            assert distribution["dct:license"]["@id"].endswith("dl-by-de/2.0")
            assert distribution["dcatde:licenseAttributionByText"]
            path = distribution["dcat:downloadURL"]["@id"].split("://", 1)[1].split("/", 1)[1]
            assert client.get("/" + path).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/werkstaetten.ics",
        "/neuigkeiten.atom",
        "/offene-daten/werkstaetten.json",
        "/offene-daten/empfehlungen.csv",
        "/offene-daten/vereinbarungen.csv",
        "/offene-daten/kennzahlen.json",
    ],
)
def test_feeds_and_downloads_need_a_constant_number_of_queries(client, url, django_assert_max_num_queries):
    def grow(n):
        for _ in range(n):
            workshop = WorkshopFactory(past=True)
            Commitment.objects.create(workshop=workshop, what="Bänke", who="Fachbereich")
            WorkshopFactory()
            RecommendationFactory(status=Recommendation.Status.ADOPTED, workshops=[workshop])
        services.events_collect()

    grow(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    grow(3)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_the_embedded_dcat_record_cannot_close_its_script_element(client, settings):
    import json
    import re

    settings.FACHTEAM_EMAIL = "team@example.org</script><script>alert(1)</script>"
    html = client.get("/offene-daten/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1 and "alert(1)</script>" not in html
    assert "alert(1)</script>" in json.dumps(json.loads(blocks[0]))  # the value itself is kept
