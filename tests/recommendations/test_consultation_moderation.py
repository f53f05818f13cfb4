"""Issue 12.3 (rest): the version history shows which contribution led to which version, and the Fachteam
moderates contributions (hidden with a public reason, audited, no response needed)."""

from datetime import timedelta

import pytest

from core.models import AuditLog
from recommendations import services
from recommendations.models import Contribution
from tests.auth import login_with_mfa
from tests.recommendations.factories import decision_data, fachteam_user
from tests.recommendations.test_consultation import open_consultation, politik_user

pytestmark = pytest.mark.django_db


def ended_with_suggestion():
    consultation = open_consultation(started=timedelta(days=15))
    contribution = Contribution.objects.create(
        consultation=consultation,
        author=politik_user(),
        author_organisation="Stadtbezirksrat Linden-Limmer",
        kind="suggestion",
        paragraph=1,
        suggested_wording="Einladungen erscheinen immer auch in Leichter Sprache.",
    )
    return consultation, contribution


def test_the_versions_page_names_the_suggestion_that_led_to_the_version(client):
    consultation, contribution = ended_with_suggestion()
    recommendation = consultation.recommendation
    services.recommendation_update(
        recommendation=recommendation, text="Einladungen erscheinen immer auch in Leichter Sprache.", by=fachteam_user()
    )
    services.contribution_respond(contribution=contribution, outcome="taken_up", reason="Übernommen.", by=None)
    login_with_mfa(client, fachteam_user())
    page = client.get(f"/empfehlungen/{recommendation.slug}/fassungen/?fassung=2").content.decode()
    assert "zu dieser Fassung geführt haben" in page
    assert "Stadtbezirksrat Linden-Limmer" in page and f"#beitrag-{contribution.pk}" in page


def test_the_first_version_lists_no_contribution(client):
    consultation, contribution = ended_with_suggestion()
    recommendation = consultation.recommendation
    services.recommendation_update(recommendation=recommendation, text="Neu.", by=fachteam_user())
    services.contribution_respond(contribution=contribution, outcome="taken_up", reason="Übernommen.", by=None)
    login_with_mfa(client, fachteam_user())
    page = client.get(f"/empfehlungen/{recommendation.slug}/fassungen/?fassung=1").content.decode()
    assert "zu dieser Fassung geführt haben" not in page


def test_hiding_a_contribution_needs_a_reason():
    _consultation, contribution = ended_with_suggestion()
    with pytest.raises(services.ReasonRequired):
        services.contribution_hide(contribution=contribution, reason=" ", by=fachteam_user())


def test_hiding_a_contribution_is_audited():
    _consultation, contribution = ended_with_suggestion()
    moderator = fachteam_user()
    services.contribution_hide(contribution=contribution, reason="Beleidigung", by=moderator)
    assert AuditLog.objects.filter(action="consultation.contribution_hide", actor=moderator).count() == 1


def test_a_hidden_contribution_needs_no_response_for_adoption():
    consultation, contribution = ended_with_suggestion()
    services.contribution_hide(contribution=contribution, reason="Werbung", by=fachteam_user())
    recommendation = services.recommendation_transition(
        recommendation=consultation.recommendation, to_status="adopted", decision=decision_data()
    )
    assert recommendation.status == "adopted"


def test_a_contribution_shown_again_needs_a_response():
    consultation, contribution = ended_with_suggestion()
    services.contribution_hide(contribution=contribution, reason="Versehen", by=fachteam_user())
    services.contribution_unhide(contribution=contribution, by=fachteam_user())
    assert services.contributions_missing_response(consultation) == [contribution]


def test_the_public_sees_that_a_contribution_was_hidden_but_not_its_text(client):
    consultation, contribution = ended_with_suggestion()
    services.contribution_hide(contribution=contribution, reason="Persönliche Daten", by=fachteam_user())
    login_with_mfa(client, fachteam_user())
    page = client.get(consultation.recommendation.get_absolute_url()).content.decode()
    assert "von der Moderation ausgeblendet. Grund: Persönliche Daten" in page
    assert "immer auch in Leichter Sprache" not in page


def test_the_fachteam_hides_a_contribution_in_the_admin(client):
    _consultation, contribution = ended_with_suggestion()
    login_with_mfa(client, fachteam_user())
    url = f"/admin/recommendations/contribution/{contribution.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"hide": "on", "hidden_reason": "Beleidigung"})
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.is_hidden and contribution.hidden_reason == "Beleidigung"
    assert AuditLog.objects.filter(action="consultation.contribution_hide").count() == 1


def test_hiding_in_the_admin_without_a_reason_is_refused(client):
    _consultation, contribution = ended_with_suggestion()
    login_with_mfa(client, fachteam_user())
    response = client.post(f"/admin/recommendations/contribution/{contribution.pk}/change/", {"hide": "on"})
    assert response.status_code == 200
    contribution.refresh_from_db()
    assert not contribution.is_hidden
