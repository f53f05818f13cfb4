"""The consultation on the recommendation page (issue 12): contributing, answering, the public view."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from recommendations import services
from recommendations.models import Contribution, Proposal, Recommendation
from tests.auth import login_with_mfa
from tests.recommendations.factories import FieldOfActionFactory, fachteam_user, network_user, user_with_role

pytestmark = pytest.mark.django_db


def consultation(*, started=timedelta(hours=1), length=timedelta(days=7)):
    recommendation = services.recommendation_create(
        title="Leichte Sprache",
        text="Absatz eins.\n\nAbsatz zwei.",
        field=FieldOfActionFactory(),
        addressee=Recommendation.Addressee.FACHTEAM,
        city_wide=True,
    )
    now = timezone.now()
    return services.consultation_open(
        recommendation=recommendation, starts_at=now - started, ends_at=now - started + length
    )


def politik():
    return user_with_role(Role.POLITIK, organisation="Stadtbezirksrat Linden-Limmer")


def test_a_politik_member_comments_on_a_paragraph(client):
    item = consultation()
    login_with_mfa(client, politik())
    response = client.post(
        reverse("recommendations:contribution_add", args=[item.recommendation.slug]),
        {"beitrag-kind": "comment", "beitrag-paragraph": "2", "beitrag-text": "Bitte <b>früher</b>."},
    )
    assert response.status_code == 302
    assert Contribution.objects.get().paragraph == 2


def test_a_citizen_cannot_contribute(client):
    item = consultation()
    client.force_login(user_with_role(None))
    client.post(
        reverse("recommendations:contribution_add", args=[item.recommendation.slug]),
        {"beitrag-kind": "comment", "beitrag-text": "Hallo"},
    )
    assert not Contribution.objects.exists()


def test_contribution_text_is_escaped_on_the_page(client):
    item = consultation()
    services.contribution_add(consultation=item, author=politik(), text="<script>alert(1)</script>")
    login_with_mfa(client, fachteam_user())
    page = client.get(item.recommendation.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_fachteam_answers_and_the_public_sees_the_answer(client):
    item = consultation(started=timedelta(days=8))
    contribution = Contribution.objects.create(consultation=item, author=politik(), text="Auch Stadtteile.")
    login_with_mfa(client, fachteam_user())
    client.post(
        reverse("recommendations:contribution_respond", args=[item.recommendation.slug, contribution.pk]),
        {"outcome": "taken_up", "reason": "Ergänzt in Absatz zwei."},
    )
    client.logout()
    page = client.get(item.recommendation.get_absolute_url()).content.decode()
    assert "Ergänzt in Absatz zwei." in page


def test_the_public_does_not_see_contributions_while_the_consultation_runs(client):
    item = consultation()
    services.contribution_add(consultation=item, author=politik(), text="Noch intern.")
    page = client.get(item.recommendation.get_absolute_url()).content.decode()
    assert "Noch intern." not in page


def test_the_recommendation_page_has_a_constant_number_of_queries(client):
    item = consultation(started=timedelta(days=8))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(item.recommendation.get_absolute_url()).status_code == 200
        return len(queries)

    Contribution.objects.create(consultation=item, author=politik(), text="Eins.")
    one = count()
    for n in range(5):
        contribution = Contribution.objects.create(consultation=item, author=politik(), text=f"Mehr {n}.")
        services.contribution_respond(contribution=contribution, outcome="partly", reason="Teils.", by=None)
    assert count() == one


def test_a_network_member_proposes_and_the_fachteam_declines_with_a_reason(client):
    proposer = network_user()
    login_with_mfa(client, proposer)
    client.post(
        reverse("recommendations:propose"),
        {"title": "Bänke", "text": "Mehr Bänke.", "field": FieldOfActionFactory().pk},
    )
    proposal = Proposal.objects.get()
    login_with_mfa(client, fachteam_user())
    client.post(
        reverse("recommendations:proposal", args=[proposal.pk]), {"decision": "decline", "answer": "Gibt es schon."}
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED
