"""Public documentation page and the anonymous participant survey."""

import pytest

from reflections import services
from reflections.models import Commitment, FeedbackResponse
from tests.factories import WorkshopFactory
from tests.reflections.factories import FeedbackResponseFactory, attendees, held_workshop, submitted_reflection

pytestmark = pytest.mark.django_db


def test_documentation_shows_summary_and_public_commitments_only(client):
    workshop = held_workshop()
    submitted_reflection(
        workshop,
        summary="Wir haben viel über den Marktplatz gelernt.",
        commitments=[
            services.CommitmentData(what="Bänke prüfen", who="Fachbereich Umwelt", status="in_progress"),
            services.CommitmentData(what="Interne Absprache", who="Prozessteam", public=False),
        ],
    )
    response = client.get(f"/werkstaetten/{workshop.slug}/dokumentation/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Wir haben viel über den Marktplatz gelernt." in page
    assert "Bänke prüfen" in page and "in Arbeit" in page
    assert "Interne Absprache" not in page


def test_documentation_hides_drafts_and_internal_notes(client):
    workshop = held_workshop()
    reflection = services.reflection_start(workshop=workshop, author=workshop.team.get().user)
    services.reflection_save_draft(
        reflection=reflection,
        data=services.ReflectionData(
            public_summary="Entwurfstext",
            internal_notes="Geheim",
            commitments=[services.CommitmentData(what="Noch nicht öffentlich", who="X")],
        ),
    )
    page = client.get(f"/werkstaetten/{workshop.slug}/dokumentation/").content.decode()
    assert "Entwurfstext" not in page and "Geheim" not in page and "Noch nicht öffentlich" not in page
    assert "wird gerade erstellt" in page


def test_commitments_entered_by_the_fachteam_without_reflection_are_shown(client):
    workshop = held_workshop()
    Commitment.objects.create(workshop=workshop, what="Spielplatz prüfen", who="Fachbereich Jugend")
    assert "Spielplatz prüfen" in client.get(f"/werkstaetten/{workshop.slug}/dokumentation/").content.decode()


def test_documentation_of_an_upcoming_or_draft_workshop_is_404(client):
    assert client.get(f"/werkstaetten/{WorkshopFactory().slug}/dokumentation/").status_code == 404
    assert client.get(f"/werkstaetten/{WorkshopFactory(draft=True).slug}/dokumentation/").status_code == 404


@pytest.mark.parametrize(("answers", "shown"), [(4, False), (5, True)])
def test_feedback_is_shown_only_from_five_answers(client, answers, shown):
    workshop = held_workshop()
    for _ in range(answers):
        FeedbackResponseFactory(workshop=workshop, overall=5)
    page = client.get(f"/werkstaetten/{workshop.slug}/dokumentation/").content.decode()
    assert ("Zufriedenheit insgesamt" in page) is shown
    assert ("erst ab 5 Antworten" in page) is not shown


def test_feedback_question_answered_by_fewer_than_five_is_suppressed(client):
    workshop = held_workshop()
    for index in range(6):
        FeedbackResponseFactory(
            workshop=workshop, felt_heard=2 if index < 3 else None, would_return="no" if index else ""
        )
    page = client.get(f"/werkstaetten/{workshop.slug}/dokumentation/").content.decode()
    assert "weniger als 5 Antworten" in page
    assert "nein 5" in page and "ja 0" in page


# --- survey ------------------------------------------------------------------------------------------------------


def _invitation():
    workshop = held_workshop()
    registration = attendees(workshop, 1)[0]
    invitation = services.feedback_invitation_create(registration=registration)
    return invitation, invitation.token


def test_survey_can_be_answered_once(client):
    invitation, token = _invitation()
    url = f"/rueckmeldung/{token}/"
    assert client.get(url).status_code == 200
    criterion = services.feedback_criteria()[0]
    response = client.post(url, {"overall": "5", "felt_heard": "4", f"criterion_{criterion.pk}": "3", "comment": "Gut"})
    assert response.status_code == 302
    assert response["Location"] == f"/werkstaetten/{invitation.workshop.slug}/rueckmeldung-danke/"
    stored = FeedbackResponse.objects.get()
    assert (stored.overall, stored.felt_heard, stored.comment) == (5, 4, "Gut")
    assert client.get(url).status_code == 410
    response = client.post(url, {"overall": "1"})
    assert response.status_code == 410
    assert FeedbackResponse.objects.count() == 1


def test_survey_with_a_foreign_token_is_404(client):
    _invitation()
    response = client.post("/rueckmeldung/not-a-real-token/", {"overall": "1"})
    assert response.status_code == 404
    assert not FeedbackResponse.objects.exists()


def test_survey_requires_the_overall_rating(client):
    _invitation_obj, token = _invitation()
    response = client.post(f"/rueckmeldung/{token}/", {"felt_heard": "4"})
    assert response.status_code == 400
    assert not FeedbackResponse.objects.exists()


def test_thanks_page(client):
    invitation, _token = _invitation()
    assert client.get(f"/werkstaetten/{invitation.workshop.slug}/rueckmeldung-danke/").status_code == 200


def test_higher_apps_can_add_a_section_to_the_documentation_page(client):
    from core import hooks

    workshop = held_workshop()

    def section(request, shown):
        return f"<section><h2>Empfehlungen aus {shown.title}</h2></section>" if shown == workshop else ""

    hooks.WORKSHOP_DOCUMENTATION_SECTIONS.register(section)
    try:
        page = client.get(f"/werkstaetten/{workshop.slug}/dokumentation/").content.decode()
    finally:
        hooks.WORKSHOP_DOCUMENTATION_SECTIONS.unregister(section)
    assert f"<h2>Empfehlungen aus {workshop.title}</h2>" in page
