"""Pages: the public tracker (filters, exports, evidence trail), co-creation, the Fachteam's steering, versions,
the reports pages, the workshop hook, the API."""

import csv
import io

import pytest
from django.template import Context, Template
from django.urls import reverse

from recommendations import services
from recommendations.models import Comment, Endorsement, Recommendation, ReportJob
from tests.auth import login_with_mfa
from tests.factories import DistrictFactory, UserFactory, WorkshopFactory
from tests.recommendations.factories import (
    FieldOfActionFactory,
    InsightFactory,
    RecommendationFactory,
    ReflectionFactory,
    ReportJobFactory,
    decision_data,
    district_user,
    fachteam_user,
    network_user,
)

pytestmark = pytest.mark.django_db
Status = Recommendation.Status
TRACKER = "/empfehlungen/"


@pytest.fixture
def tracker_data():
    linden = DistrictFactory(number=10)
    mitte = DistrictFactory(number=1, name="Mitte", slug="mitte")
    workshop = WorkshopFactory(past=True, district=linden, title="Werkstatt am Küchengarten")
    reflection = ReflectionFactory(workshop=workshop, public_summary="Öffentliche Zusammenfassung Küchengarten.")
    insight = InsightFactory(reflection=reflection, text="Erkenntnis: Bänke fehlen am Küchengarten.")
    return {
        "adopted": RecommendationFactory(
            title="Bänke am Küchengarten",
            status=Status.ADOPTED,
            city_wide=False,
            districts=[linden],
            workshops=[workshop],
            insights=[insight],
            addressee=Recommendation.Addressee.BEZIRKSRAT,
            field=FieldOfActionFactory(slug="ressourcen"),
        ),
        "progress": RecommendationFactory(
            title="Stadtweite Einladungen", status=Status.IN_PROGRESS, city_wide=True, progress=60
        ),
        "mitte": RecommendationFactory(
            title="Platz in Mitte", status=Status.CONSULTATION, districts=[mitte], city_wide=False
        ),
        "rejected": RecommendationFactory(
            title="Verworfene Idee", status=Status.REJECTED, rejection_reason="Zu teuer."
        ),
        "draft": RecommendationFactory(title="Geheimer Entwurf", status=Status.DRAFT),
        "workshop": workshop,
    }


def titles(response):
    return [r.title for r in response.context["recommendations"]]


def test_tracker_lists_public_recommendations_without_drafts(client, tracker_data):
    response = client.get(TRACKER)
    assert response.status_code == 200
    assert "Geheimer Entwurf" not in titles(response)
    assert set(titles(response)) == {
        "Bänke am Küchengarten",
        "Stadtweite Einladungen",
        "Platz in Mitte",
        "Verworfene Idee",
    }


def test_public_cannot_filter_for_drafts(client, tracker_data):
    response = client.get(f"{TRACKER}?status=draft")
    assert "Geheimer Entwurf" not in titles(response)
    assert "status" in response.context["form"].errors


def test_tracker_shows_drafts_to_network_members(client, tracker_data):
    client.force_login(network_user())
    assert "Geheimer Entwurf" in titles(client.get(TRACKER))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=adopted", {"Bänke am Küchengarten"}),
        ("field=ressourcen", {"Bänke am Küchengarten"}),
        ("district=linden-limmer", {"Bänke am Küchengarten"}),
        ("district=mitte", {"Platz in Mitte"}),
        ("district=stadtweit", {"Stadtweite Einladungen", "Verworfene Idee"}),
        ("addressee=bezirksrat", {"Bänke am Küchengarten"}),
        ("q=Stadtweite", {"Stadtweite Einladungen"}),
    ],
)
def test_tracker_filters(client, tracker_data, query, expected):
    response = client.get(f"{TRACKER}?{query}")
    assert set(titles(response)) == expected


def test_tracker_list_has_a_constant_number_of_queries(client, tracker_data, django_assert_max_num_queries):
    for i in range(15):
        RecommendationFactory(
            title=f"Weitere {i}", status=Status.ADOPTED, districts=[tracker_data["workshop"].district]
        )
    with django_assert_max_num_queries(12):
        response = client.get(TRACKER)
    assert len(titles(response)) == 19


def test_csv_export_follows_filters_and_never_contains_drafts(client, tracker_data):
    network = network_user()
    client.force_login(network)
    response = client.get(reverse("recommendations:export_csv") + "?district=linden-limmer")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Titel", "Status", "Handlungsfeld"]
    assert [row[0] for row in rows[1:]] == ["Bänke am Küchengarten"]
    assert rows[1][1] == "Beschlossen"
    assert "Werkstatt am Küchengarten" in rows[1][11]
    full = client.get(reverse("recommendations:export_csv")).content.decode("utf-8-sig")
    assert "Geheimer Entwurf" not in full


def test_xlsx_export(client, tracker_data):
    from openpyxl import load_workbook

    response = client.get(reverse("recommendations:export_xlsx") + "?status=rejected")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Titel"
    assert values[1][0] == "Verworfene Idee"
    assert values[1][13] == "Zu teuer."
    assert len(values) == 2


def test_tracker_exports_neutralise_formulas(client, tracker_data):
    from openpyxl import load_workbook

    RecommendationFactory(title='=HYPERLINK("https://evil.example/","Klick")', status=Status.ADOPTED)
    text = client.get(reverse("recommendations:export_csv")).content.decode("utf-8-sig")
    titles_csv = [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")]
    assert '\'=HYPERLINK("https://evil.example/","Klick")' in titles_csv
    assert not any(title.startswith("=") for title in titles_csv)
    sheet = load_workbook(io.BytesIO(client.get(reverse("recommendations:export_xlsx")).content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type != "f" for cell in cells)
    assert any(str(cell.value).startswith("'=HYPERLINK") for cell in cells)


def test_detail_shows_evidence_trail_without_internal_notes(client, tracker_data):
    response = client.get(tracker_data["adopted"].get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Werkstatt am Küchengarten" in content
    assert "Öffentliche Zusammenfassung Küchengarten." in content
    assert "Erkenntnis: Bänke fehlen am Küchengarten." in content
    assert "INTERNE NOTIZ" not in content
    assert "Kleine Gruppen." not in content  # the free texts of a reflection stay internal


def test_detail_shows_timeline_and_rejection_reason(client, tracker_data):
    recommendation = tracker_data["mitte"]
    services.recommendation_transition(
        recommendation=recommendation,
        to_status=Status.REJECTED,
        reason="Liegt nicht in städtischer Hand.",
        note="x",
        decision=decision_data(),
    )
    content = client.get(recommendation.get_absolute_url()).content.decode()
    assert "Liegt nicht in städtischer Hand." in content
    assert "Status: In Abstimmung → Verworfen" in content


def test_drafts_are_not_found_for_the_public(client, tracker_data):
    assert client.get(tracker_data["draft"].get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(tracker_data["draft"].get_absolute_url()).status_code == 404


def test_network_member_comments_and_endorses_a_draft(client, tracker_data):
    draft = tracker_data["draft"]
    member = network_user()
    client.force_login(member)
    page = client.get(draft.get_absolute_url())
    assert "Diese Empfehlung unterstützen" in page.content.decode()
    response = client.post(reverse("recommendations:comment", args=[draft.slug]), {"text": "Bitte an DGS denken."})
    assert response.status_code == 302
    assert Comment.objects.get(recommendation=draft).author == member
    client.post(reverse("recommendations:endorse", args=[draft.slug]))
    client.post(reverse("recommendations:endorse", args=[draft.slug]))
    assert Endorsement.objects.filter(recommendation=draft, user=member).count() == 1
    assert "Bitte an DGS denken." in client.get(draft.get_absolute_url()).content.decode()


def test_comments_are_not_shown_to_the_public(client, tracker_data):
    Comment.objects.create(recommendation=tracker_data["mitte"], author=network_user(), text="Nur intern sichtbar")
    assert "Nur intern sichtbar" not in client.get(tracker_data["mitte"].get_absolute_url()).content.decode()


def test_citizen_cannot_comment_or_endorse(client, tracker_data):
    client.force_login(UserFactory())
    recommendation = tracker_data["mitte"]
    assert client.post(reverse("recommendations:comment", args=[recommendation.slug]), {"text": "x"}).status_code == 403
    assert client.post(reverse("recommendations:endorse", args=[recommendation.slug])).status_code == 403
    assert not Comment.objects.exists()


def test_comment_on_adopted_recommendation_is_refused(client, tracker_data):
    client.force_login(network_user())
    response = client.post(reverse("recommendations:comment", args=[tracker_data["adopted"].slug]), {"text": "x"})
    assert response.status_code == 403


def test_fachteam_adopts_a_recommendation_through_the_page(client, tracker_data):
    user = fachteam_user()
    login_with_mfa(client, user)
    recommendation = tracker_data["mitte"]
    response = client.post(
        reverse("recommendations:transition", args=[recommendation.slug]),
        {
            "status-to_status": "adopted",
            "status-note": "Im Bezirksrat beschlossen.",
            "status-body_kind": "bezirksrat",
            "status-body_name": "Stadtbezirksrat Mitte",
            "status-decided_on": "2026-11-12",
            "status-reference": "15-2410/2026",
            "status-url": "https://ris.example.org/vorlage/15-2410-2026",
        },
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.ADOPTED
    entry = recommendation.history.get(kind="status")
    assert (entry.actor, entry.note) == (user, "Im Bezirksrat beschlossen.")


def test_rejecting_through_the_page_without_reason_changes_nothing(client, tracker_data):
    login_with_mfa(client, fachteam_user())
    recommendation = tracker_data["mitte"]
    client.post(reverse("recommendations:transition", args=[recommendation.slug]), {"status-to_status": "rejected"})
    recommendation.refresh_from_db()
    assert recommendation.status == Status.CONSULTATION


def test_network_member_cannot_change_status(client, tracker_data):
    client.force_login(network_user())
    recommendation = tracker_data["mitte"]
    response = client.post(
        reverse("recommendations:transition", args=[recommendation.slug]), {"status-to_status": "adopted"}
    )
    assert response.status_code == 403


def test_fachteam_creates_and_edits_a_recommendation_with_versions(client, tracker_data):
    login_with_mfa(client, fachteam_user())
    field = FieldOfActionFactory(slug="kommunikation")
    response = client.post(
        reverse("recommendations:create"),
        {
            "form": "main",
            "title": "Rückmeldung an alle Teilnehmenden",
            "text": "Alle Teilnehmenden erfahren nach drei Monaten, was aus ihren Ideen wurde.",
            "field": field.pk,
            "addressee": "fachteam",
            "city_wide": "on",
            "priority": "high",
            "workshops": [tracker_data["workshop"].pk],
        },
    )
    recommendation = Recommendation.objects.get(title="Rückmeldung an alle Teilnehmenden")
    assert response.status_code == 302
    assert list(recommendation.workshops.all()) == [tracker_data["workshop"]]
    edit_page = client.get(reverse("recommendations:edit", args=[recommendation.slug]))
    assert "Erkenntnis: Bänke fehlen am Küchengarten." in edit_page.content.decode()
    client.post(
        reverse("recommendations:edit", args=[recommendation.slug]),
        {
            "form": "main",
            "title": recommendation.title,
            "text": "Alle Teilnehmenden erfahren nach sechs Wochen, was aus ihren Ideen wurde.",
            "field": field.pk,
            "addressee": "fachteam",
            "city_wide": "on",
            "priority": "high",
            "workshops": [tracker_data["workshop"].pk],
            "note": "Frist verkürzt",
        },
    )
    assert recommendation.versions.count() == 2
    versions = client.get(reverse("recommendations:versions", args=[recommendation.slug]))
    content = versions.content.decode()
    assert '<del class="rec-del"><span class="rec-diff-label">[entfernt:]</span>drei</del>' in content
    assert '<span class="rec-diff-label">[neu:]</span>sechs' in content
    insight = tracker_data["adopted"].insights.get()
    client.post(
        reverse("recommendations:edit", args=[recommendation.slug]), {"form": "evidence", "insights": [insight.pk]}
    )
    assert list(recommendation.insights.all()) == [insight]


def test_network_member_cannot_edit(client, tracker_data):
    client.force_login(network_user())
    assert client.get(reverse("recommendations:edit", args=[tracker_data["draft"].slug])).status_code == 403
    assert client.get(reverse("recommendations:create")).status_code == 403


def test_contribute_page_for_network_members_only(client, tracker_data):
    assert client.get(reverse("recommendations:contribute")).status_code == 302  # login
    client.force_login(UserFactory())
    assert client.get(reverse("recommendations:contribute")).status_code == 403
    client.force_login(network_user())
    content = client.get(reverse("recommendations:contribute")).content.decode()
    assert "Geheimer Entwurf" in content and "Platz in Mitte" in content and "Bänke am Küchengarten" not in content


def test_documentation_hook_lists_recommendations_from_the_workshop(tracker_data):
    html = Template('{% load hb_hooks %}{% hook_sections "workshop_documentation" workshop %}').render(
        Context({"workshop": tracker_data["workshop"]})
    )
    assert "Bänke am Küchengarten" in html
    assert "Geheimer Entwurf" not in html
    empty = Template('{% load hb_hooks %}{% hook_sections "workshop_documentation" workshop %}').render(
        Context({"workshop": WorkshopFactory()})
    )
    assert empty.strip() == ""


def test_api_lists_public_recommendations_with_evidence(client, tracker_data):
    response = client.get("/api/v1/recommendations/?district=linden-limmer")
    data = response.json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["title"] == "Bänke am Küchengarten"
    assert item["workshops"] == [tracker_data["workshop"].slug]
    assert item["insights"] == ["Erkenntnis: Bänke fehlen am Küchengarten."]
    assert client.get(f"/api/v1/recommendations/{tracker_data['draft'].slug}/").status_code == 404


# --- reports pages ------------------------------------------------------------------------------------------


def test_reports_page_requires_staff_role(client):
    client.force_login(network_user())
    assert client.get("/berichte/").status_code == 403


def test_reports_page_states_the_small_count_threshold_of_the_setting(client, settings):
    settings.PUBLIC_MIN_COUNT = 7
    login_with_mfa(client, fachteam_user())
    assert "Zahlen unter 7 werden nicht ausgewiesen" in client.get("/berichte/").content.decode()


def test_fachteam_requests_a_report_and_downloads_it(client, django_capture_on_commit_callbacks):
    user = fachteam_user()
    login_with_mfa(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/berichte/", {"kind": "recommendations"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    status = client.get(reverse("recommendations:report_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["finished"] and status["download_url"]
    download = client.get(status["download_url"])
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    listing = client.get("/berichte/").content.decode()
    assert "PDF herunterladen" in listing


def test_district_staff_may_request_only_their_districts(client):
    linden = DistrictFactory(number=10)
    DistrictFactory(number=1, name="Mitte", slug="mitte")
    login_with_mfa(client, district_user(linden))
    response = client.post(
        "/berichte/",
        {
            "kind": "district",
            "district-district": "mitte",
            "district-start": "2026-01-01",
            "district-end": "2026-12-31",
        },
    )
    assert response.status_code == 400
    assert not ReportJob.objects.exists()
    page = client.get("/berichte/").content.decode()
    assert 'value="linden-limmer"' in page and 'value="mitte"' not in page


def test_failed_job_shows_the_error_and_a_retry_button(client):
    user = fachteam_user()
    login_with_mfa(client, user)
    job = ReportJobFactory(requested_by=user, status=ReportJob.Status.FAILED, error="RuntimeError: kaputt")
    content = client.get(job.get_absolute_url()).content.decode()
    assert "RuntimeError: kaputt" in content and "Erneut versuchen" in content
    client.post(reverse("recommendations:report_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status in (ReportJob.Status.QUEUED, ReportJob.Status.DONE)


def test_someone_elses_job_is_not_found(client):
    job = ReportJobFactory(requested_by=fachteam_user(), status=ReportJob.Status.DONE)
    login_with_mfa(client, district_user(DistrictFactory(number=10)))
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("recommendations:report_download", args=[job.pk])).status_code == 404


def test_admin_request_form_creates_a_job(client, django_capture_on_commit_callbacks):
    user = fachteam_user()
    login_with_mfa(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/recommendations/reportjob/add/", {"kind": "annual", "year": "2026"})
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert (job.kind, job.parameters, job.requested_by) == ("annual", {"year": 2026}, user)


def test_admin_change_adopts_and_edits_through_the_services(client, tracker_data):
    user = fachteam_user()
    login_with_mfa(client, user)
    recommendation = tracker_data["mitte"]
    url = f"/admin/recommendations/recommendation/{recommendation.pk}/change/"
    assert client.get(url).status_code == 200
    data = {
        "title": recommendation.title,
        "text": "Neuer Text aus der Verwaltung.",
        "rationale": recommendation.rationale,
        "change_note": "im Admin überarbeitet",
        "field": recommendation.field_id,
        "addressee": recommendation.addressee,
        "responsible_unit": recommendation.responsible_unit,
        "districts": [d.pk for d in recommendation.districts.all()],
        "priority": recommendation.priority,
        "due_date": "",
        "progress": "0",
        "workshops": [tracker_data["workshop"].pk],
        "insights": "",
        "reflections": "",
        "transition_to": "adopted",
        "transition_note": "Im Bezirksrat beschlossen.",
        "transition_reason": "",
        "decision_body_kind": "bezirksrat",
        "decision_body_name": "Stadtbezirksrat Mitte",
        "decision_decided_on": "2026-11-12",
        "decision_reference": "15-2410/2026",
        "decision_url": "https://ris.example.org/vorlage/15-2410-2026",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-title": "Sitzung vorbereiten",
        "milestones-0-due_date": "",
        "milestones-0-done_on": "",
        "milestones-0-order": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "_save": "Sichern",
    }
    for prefix in ("history", "versions", "endorsements"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    recommendation.refresh_from_db()
    assert recommendation.status == Status.ADOPTED
    assert recommendation.text == "Neuer Text aus der Verwaltung."
    assert recommendation.versions.count() == 1  # the factory made none; the edit made one
    kinds = list(recommendation.history.values_list("kind", flat=True))
    assert kinds.count("status") == 1 and "edited" in kinds and "evidence" in kinds and "milestone" in kinds
    assert recommendation.milestones.get().title == "Sitzung vorbereiten"


def test_fachteam_page_of_a_closed_recommendation_offers_no_progress_or_new_milestone(client):
    login_with_mfa(client, fachteam_user())
    recommendation = RecommendationFactory(status=Status.IMPLEMENTED, progress=100)
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert "Die Empfehlung ist abgeschlossen" in page
    assert reverse("recommendations:progress", args=[recommendation.slug]) not in page


def test_a_stale_fachteam_progress_form_changes_nothing_and_says_why(client):
    login_with_mfa(client, fachteam_user())
    recommendation = RecommendationFactory(status=Status.REJECTED, rejection_reason="Kein Platz.", progress=10)
    response = client.post(
        reverse("recommendations:progress", args=[recommendation.slug]),
        {"progress-progress": "50", "progress-note": ""},
        follow=True,
    )
    assert "Die Empfehlung ist abgeschlossen" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.progress == 10
