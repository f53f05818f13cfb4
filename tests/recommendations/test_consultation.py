"""Proposals and the open consultation on recommendations (issue 12): service tests per state change."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from core.exceptions import ApplicationError
from core.models import AuditLog, OutboxMail
from recommendations import services
from recommendations.models import Contribution, ContributionResponse, Proposal, Recommendation
from tests.recommendations.factories import (
    FieldOfActionFactory,
    decision_data,
    fachteam_user,
    network_user,
    user_with_role,
)

pytestmark = pytest.mark.django_db

TEXT = "Einladungen erscheinen auch in Leichter Sprache.\n\nDie Bezirksräte werden früh beteiligt."


def politik_user(**kwargs):
    return user_with_role(Role.POLITIK, organisation="Stadtbezirksrat Linden-Limmer", **kwargs)


def draft(by=None) -> Recommendation:
    return services.recommendation_create(
        title="Leichte Sprache",
        text=TEXT,
        field=FieldOfActionFactory(),
        addressee=Recommendation.Addressee.FACHTEAM,
        city_wide=True,
        by=by,
    )


def open_consultation(recommendation=None, *, started=timedelta(hours=1), length=timedelta(days=14)):
    recommendation = recommendation or draft()
    now = timezone.now()
    return services.consultation_open(
        recommendation=recommendation, starts_at=now - started, ends_at=now - started + length, by=fachteam_user()
    )


def after_end(consultation):
    return consultation.ends_at + timedelta(minutes=1)


# --- proposals -------------------------------------------------------------------------------------------


def test_a_politik_member_proposes_a_recommendation():
    proposal = services.proposal_create(
        title="Mehr Bänke", text="Im Quartier.", field=FieldOfActionFactory(), by=politik_user()
    )
    assert proposal.status == Proposal.Status.OPEN


def test_accepting_a_proposal_creates_a_draft_and_tells_the_proposer():
    proposer = network_user()
    proposal = services.proposal_create(
        title="Mehr Bänke", text="Im Quartier.", field=FieldOfActionFactory(), by=proposer
    )
    recommendation = services.proposal_accept(proposal=proposal, by=fachteam_user())
    assert recommendation.status == Recommendation.Status.DRAFT
    assert OutboxMail.objects.filter(to=proposer.email, topic="recommendation_proposal").count() == 1


def test_declining_a_proposal_needs_a_reason():
    proposal = services.proposal_create(title="Mehr Bänke", text="x", field=FieldOfActionFactory(), by=network_user())
    with pytest.raises(ApplicationError):
        services.proposal_decline(proposal=proposal, by=fachteam_user(), reason=" ")


def test_a_proposal_is_answered_once():
    proposal = services.proposal_create(title="Mehr Bänke", text="x", field=FieldOfActionFactory(), by=network_user())
    services.proposal_decline(proposal=proposal, by=fachteam_user(), reason="Gibt es schon.")
    with pytest.raises(services.ProposalAlreadyAnswered):
        services.proposal_accept(proposal=proposal, by=fachteam_user())


# --- consultation ------------------------------------------------------------------------------------------


def test_opening_a_consultation_puts_the_draft_in_consultation():
    consultation = open_consultation()
    assert Recommendation.objects.get(pk=consultation.recommendation_id).status == Recommendation.Status.CONSULTATION


def test_a_consultation_must_end_after_it_starts():
    now = timezone.now()
    with pytest.raises(ApplicationError):
        services.consultation_open(recommendation=draft(), starts_at=now, ends_at=now)


def test_a_politik_member_comments_on_a_paragraph_inside_the_window():
    consultation = open_consultation()
    contribution = services.contribution_add(
        consultation=consultation, author=politik_user(), text="Auch die Stadtteile.", paragraph=2
    )
    assert contribution.paragraph_text == "Die Bezirksräte werden früh beteiligt."
    assert contribution.author_role == Role.POLITIK.value


def test_a_contribution_before_the_start_is_refused():
    consultation = open_consultation(started=-timedelta(days=1))
    with pytest.raises(services.ConsultationClosed):
        services.contribution_add(consultation=consultation, author=politik_user(), text="Zu früh.")


def test_a_contribution_after_the_end_is_refused():
    consultation = open_consultation()
    with pytest.raises(services.ConsultationClosed):
        services.contribution_add(
            consultation=consultation, author=politik_user(), text="Zu spät.", now=after_end(consultation)
        )


def test_a_role_that_was_not_invited_cannot_contribute():
    now = timezone.now()
    consultation = services.consultation_open(
        recommendation=draft(),
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=1),
        invited_roles=["Politik"],
    )
    with pytest.raises(services.ConsultationClosed):
        services.contribution_add(consultation=consultation, author=network_user(), text="Hallo")


def test_a_paragraph_that_does_not_exist_is_refused():
    with pytest.raises(ApplicationError):
        services.contribution_add(consultation=open_consultation(), author=politik_user(), text="x", paragraph=9)


def test_endorsing_twice_keeps_one_endorsement():
    consultation = open_consultation()
    person = politik_user()
    services.contribution_add(consultation=consultation, author=person, kind="endorsement")
    services.contribution_add(consultation=consultation, author=person, kind="endorsement")
    assert consultation.contributions.filter(kind="endorsement").count() == 1


def test_editing_a_contribution_after_the_end_is_refused():
    consultation = open_consultation()
    person = politik_user()
    contribution = services.contribution_add(consultation=consultation, author=person, text="Erst so.")
    with pytest.raises(services.ConsultationClosed):
        services.contribution_update(contribution=contribution, by=person, text="Dann so.", now=after_end(consultation))


def test_responses_are_given_only_after_the_end():
    consultation = open_consultation()
    contribution = services.contribution_add(consultation=consultation, author=politik_user(), text="Hinweis.")
    with pytest.raises(ApplicationError):
        services.contribution_respond(contribution=contribution, outcome="taken_up", reason="Gut.", by=fachteam_user())


def test_a_response_is_audited_and_mailed_to_the_contributor():
    consultation = open_consultation()
    person = politik_user()
    contribution = services.contribution_add(consultation=consultation, author=person, text="Hinweis.")
    services.contribution_respond(
        contribution=contribution,
        outcome="partly",
        reason="Teilweise.",
        by=fachteam_user(),
        now=after_end(consultation),
    )
    assert AuditLog.objects.filter(action="consultation.response").count() == 1
    assert OutboxMail.objects.filter(to=person.email, topic="consultation_response").count() == 1


def test_a_response_needs_a_reason():
    consultation = open_consultation()
    contribution = services.contribution_add(consultation=consultation, author=politik_user(), text="Hinweis.")
    with pytest.raises(ApplicationError):
        services.contribution_respond(
            contribution=contribution,
            outcome="not_taken_up",
            reason="",
            by=fachteam_user(),
            now=after_end(consultation),
        )


def test_adoption_is_refused_while_the_consultation_runs():
    consultation = open_consultation()
    with pytest.raises(services.ResponsesMissing):
        services.recommendation_transition(recommendation=consultation.recommendation, to_status="adopted")


def test_adoption_is_refused_naming_the_contributions_without_response(monkeypatch):
    consultation = open_consultation(started=timedelta(days=15))
    contribution = Contribution.objects.create(consultation=consultation, author=politik_user(), text="Hinweis.")
    with pytest.raises(services.ResponsesMissing) as excinfo:
        services.recommendation_transition(recommendation=consultation.recommendation, to_status="adopted")
    assert f"#{contribution.pk}" in str(excinfo.value.message)


def test_a_consultation_without_contributions_can_be_adopted_after_its_end():
    consultation = open_consultation(started=timedelta(days=15))
    recommendation = services.recommendation_transition(
        recommendation=consultation.recommendation, to_status="adopted", decision=decision_data()
    )
    assert recommendation.status == Recommendation.Status.ADOPTED


def test_the_response_names_the_version_that_took_the_suggestion_up():
    consultation = open_consultation(started=timedelta(days=15))
    contribution = Contribution.objects.create(
        consultation=consultation, author=politik_user(), kind="suggestion", suggested_wording="Neu."
    )
    recommendation = consultation.recommendation
    services.recommendation_update(recommendation=recommendation, text="Neu.", by=fachteam_user())
    response = services.contribution_respond(
        contribution=contribution, outcome="taken_up", reason="Übernommen.", by=None
    )
    assert response.version is not None and response.version.number == 2
    assert ContributionResponse.objects.count() == 1
