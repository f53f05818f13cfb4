"""Follow-through (issue 13): decisions, owners, statements, overdue flags, reminders and escalation (with a
frozen `now`), the owners' workspace and the API fields."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationUnit
from core.models import AuditLog, OutboxMail
from recommendations import services
from recommendations.models import Decision, HistoryEntry, Recommendation
from reflections import services as reflection_services
from reflections.models import Commitment
from tests.auth import login_with_mfa
from tests.factories import DistrictFactory, UserFactory
from tests.recommendations.factories import (
    RecommendationFactory,
    decision_data,
    fachteam_user,
)
from tests.reflections.factories import CommitmentFactory

pytestmark = pytest.mark.django_db
Status = Recommendation.Status
BERLIN = ZoneInfo("Europe/Berlin")
DUE = date(2026, 12, 10)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)


def owned_recommendation(*, owner=None, due=DUE, status=Status.IN_PROGRESS, **kwargs) -> Recommendation:
    recommendation = RecommendationFactory(status=status, due_date=due, **kwargs)
    if owner is not None:
        recommendation.owners.add(owner)
    return recommendation


# --- decisions --------------------------------------------------------------------------------------------------


def test_adopting_without_a_decision_is_refused():
    recommendation = RecommendationFactory(status=Status.CONSULTATION)
    with pytest.raises(services.DecisionRequired):
        services.recommendation_transition(recommendation=recommendation, to_status=Status.ADOPTED)
    recommendation.refresh_from_db()
    assert recommendation.status == Status.CONSULTATION


def test_a_council_decision_needs_the_link_to_its_paper():
    recommendation = RecommendationFactory(status=Status.CONSULTATION)
    with pytest.raises(services.DecisionRequired):
        services.recommendation_transition(
            recommendation=recommendation, to_status=Status.ADOPTED, decision=decision_data(url="")
        )


def test_a_fachteam_decision_needs_no_link_but_a_reference():
    recommendation = RecommendationFactory(status=Status.CONSULTATION)
    with pytest.raises(services.DecisionRequired):
        services.recommendation_transition(
            recommendation=recommendation,
            to_status=Status.ADOPTED,
            decision=decision_data(body_kind="fachteam", url="", reference=" "),
        )
    services.recommendation_transition(
        recommendation=recommendation,
        to_status=Status.ADOPTED,
        decision=decision_data(body_kind="fachteam", body_name="Fachteam", url="", reference="Protokoll 3/2026"),
    )
    assert Recommendation.objects.get(pk=recommendation.pk).decision.reference == "Protokoll 3/2026"


def test_adopting_records_the_decision_in_the_history_and_the_audit_log():
    user = fachteam_user()
    recommendation = RecommendationFactory(status=Status.CONSULTATION)
    services.recommendation_transition(
        recommendation=recommendation, to_status=Status.ADOPTED, decision=decision_data(), by=user
    )
    decision = Decision.objects.get(recommendation=recommendation)
    assert (decision.outcome, decision.body_name, decision.reference) == (
        "adopted",
        "Stadtbezirksrat Linden-Limmer",
        "15-2410/2026",
    )
    assert decision.link == "https://ris.example.org/vorlage/15-2410-2026"
    entry = recommendation.history.get(kind=HistoryEntry.Kind.DECISION)
    assert "Stadtbezirksrat Linden-Limmer am 12.11.2026, Drucksache 15-2410/2026" in entry.note
    assert AuditLog.objects.filter(action="recommendation.status", object_id=str(recommendation.pk)).exists()


def test_the_public_page_shows_the_decision_with_its_link(client):
    recommendation = RecommendationFactory(status=Status.CONSULTATION)
    services.recommendation_transition(
        recommendation=recommendation, to_status=Status.ADOPTED, decision=decision_data()
    )
    html = client.get(recommendation.get_absolute_url()).content.decode()
    assert 'href="https://ris.example.org/vorlage/15-2410-2026"' in html
    assert "Drucksache 15-2410/2026" in html
    assert "Stadtbezirksrat Linden-Limmer" in html


# --- owners and statement ---------------------------------------------------------------------------------------


def test_assigning_owners_records_history_and_audit_and_survives_a_leaver():
    fachteam, leaver, successor = fachteam_user(), UserFactory(name="Lea Weg"), UserFactory(name="Sam Neu")
    unit = OrganisationUnit.objects.get(slug="fachbereich-umwelt-und-stadtgrun")
    recommendation = owned_recommendation()
    services.recommendation_assign(recommendation=recommendation, unit=unit, owners=[leaver], by=fachteam)
    services.recommendation_set_statement(recommendation=recommendation, statement="Wir prüfen drei Orte.", by=leaver)
    services.recommendation_assign(recommendation=recommendation, unit=unit, owners=[successor], by=fachteam)
    recommendation.refresh_from_db()
    assert list(recommendation.owners.all()) == [successor]
    assert recommendation.statement == "Wir prüfen drei Orte."
    assert recommendation.history.filter(kind=HistoryEntry.Kind.OWNERS).count() == 2
    assert recommendation.history.filter(kind=HistoryEntry.Kind.STATEMENT, actor=leaver).exists()
    assert AuditLog.objects.filter(action="recommendation.assign").count() == 2


def test_statement_unchanged_records_nothing():
    recommendation = owned_recommendation(statement="Gleich.")
    services.recommendation_set_statement(recommendation=recommendation, statement=" Gleich. ")
    assert not recommendation.history.exists()


def test_due_date_in_the_past_is_flagged_for_a_warning():
    assert services.due_date_in_past(date(2026, 1, 1), today=date(2026, 6, 1))
    assert not services.due_date_in_past(date(2026, 6, 1), today=date(2026, 6, 1))
    assert not services.due_date_in_past(None)


# --- overdue and reminders (frozen `now`) -----------------------------------------------------------------------


@override_settings(FOLLOWUP_REMIND_DAYS_BEFORE=7, FOLLOWUP_ESCALATE_DAYS_AFTER=14)
def test_no_reminder_before_the_lead_time():
    owned_recommendation(owner=UserFactory())
    result = services.followup_reminders_send(now=at(DUE - timedelta(days=8)))
    assert (result.before, result.overdue, result.escalated) == (0, 0, 0)
    assert not OutboxMail.objects.exists()


@override_settings(FOLLOWUP_REMIND_DAYS_BEFORE=7, FOLLOWUP_ESCALATE_DAYS_AFTER=14)
def test_owner_is_reminded_once_before_the_due_date_even_after_a_restart():
    owner = UserFactory(email="owner@example.org")
    owned_recommendation(owner=owner, title="Bänke am Küchengarten")
    first = services.followup_reminders_send(now=at(DUE - timedelta(days=7)))
    again = services.followup_reminders_send(now=at(DUE - timedelta(days=3)))
    assert (first.before, again.before) == (1, 0)
    mail = OutboxMail.objects.get()
    assert mail.to == "owner@example.org"
    assert "Erinnerung: Frist am 10.12.2026" in mail.subject
    assert "/verbindlichkeit/" in mail.body_text


@override_settings(FOLLOWUP_REMIND_DAYS_BEFORE=7, FOLLOWUP_ESCALATE_DAYS_AFTER=14)
def test_owner_is_told_once_when_the_due_date_has_passed():
    owner = UserFactory(email="owner@example.org")
    owned_recommendation(owner=owner)
    services.followup_reminders_send(now=at(DUE + timedelta(days=1)))
    services.followup_reminders_send(now=at(DUE + timedelta(days=2)))
    subjects = list(OutboxMail.objects.values_list("subject", flat=True))
    assert len(subjects) == 1 and subjects[0].startswith("Überfällig seit 10.12.2026")


@override_settings(
    FOLLOWUP_REMIND_DAYS_BEFORE=7, FOLLOWUP_ESCALATE_DAYS_AFTER=14, FACHTEAM_EMAIL="fachteam@example.org"
)
def test_escalation_to_the_fachteam_after_the_configured_time_only_once():
    owned_recommendation(owner=UserFactory(name="Olga Owner"))
    assert services.followup_reminders_send(now=at(DUE + timedelta(days=13))).escalated == 0
    assert services.followup_reminders_send(now=at(DUE + timedelta(days=14))).escalated == 1
    assert services.followup_reminders_send(now=at(DUE + timedelta(days=20))).escalated == 0
    mail = OutboxMail.objects.get(to="fachteam@example.org")
    assert mail.topic == "followup_escalation"
    assert "Olga Owner" in mail.body_text


@override_settings(FOLLOWUP_REMIND_DAYS_BEFORE=7, FOLLOWUP_ESCALATE_DAYS_AFTER=14)
def test_a_moved_due_date_gets_its_own_reminders():
    owner = UserFactory()
    recommendation = owned_recommendation(owner=owner)
    services.followup_reminders_send(now=at(DUE + timedelta(days=1)))
    Recommendation.objects.filter(pk=recommendation.pk).update(due_date=DUE + timedelta(days=30))
    services.followup_reminders_send(now=at(DUE + timedelta(days=31)))
    assert OutboxMail.objects.filter(to=owner.email).count() == 2


@override_settings(FOLLOWUP_REMIND_DAYS_BEFORE=7, FOLLOWUP_ESCALATE_DAYS_AFTER=14)
def test_finished_items_and_drafts_get_no_reminders():
    owner = UserFactory()
    owned_recommendation(owner=owner, status=Status.IMPLEMENTED)
    owned_recommendation(owner=owner, status=Status.CONSULTATION)
    done = CommitmentFactory(due_date=DUE, status=Commitment.Status.DONE)
    done.owners.add(owner)
    result = services.followup_reminders_send(now=at(DUE + timedelta(days=20)))
    assert (result.before, result.overdue, result.escalated) == (0, 0, 0)


@override_settings(FOLLOWUP_REMIND_DAYS_BEFORE=7, FOLLOWUP_ESCALATE_DAYS_AFTER=14)
def test_commitment_owners_and_the_unit_mailbox_are_reminded():
    owner = UserFactory(email="owner@example.org")
    unit = OrganisationUnit.objects.get(slug="fachbereich-tiefbau")
    unit.email = "tiefbau@example.org"
    unit.save()
    commitment = CommitmentFactory(due_date=DUE, unit=unit)
    commitment.owners.add(owner)
    result = services.followup_reminders_send(now=at(DUE + timedelta(days=1)))
    assert result.overdue == 2
    assert set(OutboxMail.objects.values_list("to", flat=True)) == {"owner@example.org", "tiefbau@example.org"}


@override_settings(FOLLOWUP_REMIND_DAYS_BEFORE=7, FOLLOWUP_ESCALATE_DAYS_AFTER=14)
def test_an_owner_who_left_gets_no_reminder_but_the_fachteam_still_hears():
    leaver = UserFactory(is_active=False)
    owned_recommendation(owner=leaver)
    result = services.followup_reminders_send(now=at(DUE + timedelta(days=14)))
    assert (result.overdue, result.escalated) == (0, 1)


def test_the_periodic_task_is_scheduled_and_returns_counts(settings):
    from recommendations.tasks import followup_reminders_send

    assert (
        settings.CELERY_BEAT_SCHEDULE["followup-reminders"]["task"] == "recommendations.tasks.followup_reminders_send"
    )
    assert followup_reminders_send() == {"before": 0, "overdue": 0, "escalated": 0}


def test_overdue_recommendation_is_flagged_on_the_tracker_and_its_page(client):
    recommendation = owned_recommendation(due=timezone.localdate() - timedelta(days=3), title="Späte Bänke")
    tracker = client.get(reverse("recommendations:tracker")).content.decode()
    assert "überfällig seit" in tracker
    assert "Überfällig: Die Frist ist am" in client.get(recommendation.get_absolute_url()).content.decode()


def test_district_page_lists_overdue_items_of_the_district(client):
    district = DistrictFactory(number=10)
    owned_recommendation(
        due=timezone.localdate() - timedelta(days=3), title="Späte Bänke", city_wide=False, districts=[district]
    )
    owned_recommendation(due=timezone.localdate() + timedelta(days=3), title="Pünktliche Bänke", districts=[district])
    html = client.get(f"/bezirke/{district.slug}/").content.decode()
    assert "Überfällige Zusagen" in html
    assert "Späte Bänke" in html
    assert "Pünktliche Bänke" not in html


def test_dashboard_counts_overdue_items(client):
    owned_recommendation(due=timezone.localdate() - timedelta(days=3))
    CommitmentFactory(due_date=timezone.localdate() - timedelta(days=1))
    login_with_mfa(client, fachteam_user())
    html = client.get(reverse("reflections:dashboard")).content.decode()
    assert "Verbindlichkeit: überfällige Zusagen" in html
    assert html.count('class="badge badge-red">1<') == 2


# --- the owners' workspace --------------------------------------------------------------------------------------


def test_workspace_lists_what_the_user_answers_for(client):
    owner = UserFactory()
    mine = owned_recommendation(owner=owner, title="Meine Empfehlung")
    owned_recommendation(owner=UserFactory(), title="Fremde Empfehlung")
    commitment = CommitmentFactory(what="Meine Vereinbarung")
    commitment.owners.add(owner)
    login_with_mfa(client, owner)
    html = client.get(reverse("recommendations:followup")).content.decode()
    assert mine.title in html and "Meine Vereinbarung" in html
    assert "Fremde Empfehlung" not in html


def test_workspace_is_closed_to_people_who_answer_for_nothing(client):
    login_with_mfa(client, UserFactory())
    assert client.get(reverse("recommendations:followup")).status_code == 403


def test_owner_updates_and_closes_a_commitment_through_the_workspace(client):
    owner = UserFactory()
    commitment = CommitmentFactory(due_date=timezone.localdate() + timedelta(days=20))
    commitment.owners.add(owner)
    login_with_mfa(client, owner)
    url = reverse("recommendations:followup_commitment", args=[commitment.pk])
    response = client.post(
        url,
        {
            "action": "update",
            "update-progress": "60",
            "update-statement": "Ortstermin war am Montag.",
            "update-note": "",
        },
    )
    assert response.status_code == 302
    client.post(url, {"action": "close", "close-outcome": "done", "close-reason": ""})
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress, commitment.statement) == ("done", 100, "Ortstermin war am Montag.")
    assert commitment.events.filter(actor=owner).count() == 3


def test_dropping_through_the_workspace_without_a_reason_changes_nothing(client):
    owner = UserFactory()
    commitment = CommitmentFactory()
    commitment.owners.add(owner)
    login_with_mfa(client, owner)
    url = reverse("recommendations:followup_commitment", args=[commitment.pk])
    response = client.post(url, {"action": "close", "close-outcome": "dropped", "close-reason": " "})
    assert response.status_code == 200
    assert "öffentlich, warum die Vereinbarung verworfen wird" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == "open"


def test_a_due_date_in_the_past_is_accepted_with_a_warning(client):
    owner = UserFactory()
    commitment = CommitmentFactory()
    commitment.owners.add(owner)
    login_with_mfa(client, owner)
    url = reverse("recommendations:followup_commitment", args=[commitment.pk])
    past = timezone.localdate() - timedelta(days=2)
    response = client.post(
        url, {"action": "update", "update-progress": "0", "update-due_date": past.isoformat()}, follow=True
    )
    assert "Frist liegt in der Vergangenheit" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.due_date == past


def test_someone_elses_commitment_is_forbidden(client):
    commitment = CommitmentFactory()
    commitment.owners.add(UserFactory())
    intruder = UserFactory()
    OrganisationUnit.objects.get(slug="fachbereich-tiefbau").members.add(intruder)
    login_with_mfa(client, intruder)
    url = reverse("recommendations:followup_commitment", args=[commitment.pk])
    assert client.post(url, {"action": "close", "close-outcome": "done"}).status_code == 403
    commitment.refresh_from_db()
    assert commitment.status == "open"


def test_unit_members_act_for_the_unit(client):
    member = UserFactory()
    unit = OrganisationUnit.objects.get(slug="fachbereich-tiefbau")
    unit.members.add(member)
    commitment = CommitmentFactory(unit=unit)
    login_with_mfa(client, member)
    url = reverse("recommendations:followup_commitment", args=[commitment.pk])
    client.post(url, {"action": "milestone", "milestone-title": "Verkehrszählung"})
    assert commitment.milestones.get().title == "Verkehrszählung"


def test_only_the_fachteam_reassigns(client):
    owner, successor = UserFactory(), UserFactory()
    commitment = CommitmentFactory()
    commitment.owners.add(owner)
    login_with_mfa(client, owner)
    url = reverse("recommendations:followup_commitment", args=[commitment.pk])
    client.post(url, {"action": "assign", "assign-owners": [successor.pk]})
    assert list(commitment.owners.all()) == [owner]
    fachteam = fachteam_user()
    client.logout()
    login_with_mfa(client, fachteam)
    successor.is_staff = True
    successor.save()
    client.post(url, {"action": "assign", "assign-owners": [successor.pk], "assign-note": "Frau X ist gewechselt"})
    assert list(commitment.owners.all()) == [successor]


def test_owner_rejects_a_recommendation_only_with_reason_and_decision(client):
    owner = UserFactory()
    recommendation = owned_recommendation(owner=owner)
    login_with_mfa(client, owner)
    url = reverse("recommendations:followup_recommendation", args=[recommendation.slug])
    client.post(url, {"action": "status", "status-to_status": "rejected", "status-reason": "Kein Platz."})
    recommendation.refresh_from_db()
    assert recommendation.status == Status.IN_PROGRESS
    client.post(
        url,
        {
            "action": "status",
            "status-to_status": "rejected",
            "status-reason": "Kein Platz.",
            "status-body_kind": "verwaltungsvorstand",
            "status-body_name": "Verwaltungsvorstand",
            "status-decided_on": "2026-11-30",
            "status-reference": "VV-2026-20",
        },
    )
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.rejection_reason) == (Status.REJECTED, "Kein Platz.")
    assert recommendation.decision.body_name == "Verwaltungsvorstand"


def test_owner_updates_progress_and_statement_of_a_recommendation(client):
    owner = UserFactory()
    recommendation = owned_recommendation(owner=owner, progress=10)
    login_with_mfa(client, owner)
    url = reverse("recommendations:followup_recommendation", args=[recommendation.slug])
    client.post(url, {"action": "update", "update-progress": "45", "update-statement": "Die Bänke sind bestellt."})
    recommendation.refresh_from_db()
    assert (recommendation.progress, recommendation.statement) == (45, "Die Bänke sind bestellt.")
    assert "Die Bänke sind bestellt." in client.get(recommendation.get_absolute_url()).content.decode()


def test_owner_of_another_recommendation_is_forbidden(client):
    owner = UserFactory()
    owned_recommendation(owner=owner)
    other = owned_recommendation(owner=UserFactory())
    login_with_mfa(client, owner)
    url = reverse("recommendations:followup_recommendation", args=[other.slug])
    assert client.get(url).status_code == 403


def test_an_unknown_action_is_not_found(client):
    owner = UserFactory()
    commitment = CommitmentFactory()
    commitment.owners.add(owner)
    login_with_mfa(client, owner)
    url = reverse("recommendations:followup_commitment", args=[commitment.pk])
    assert client.post(url, {"action": "explode"}).status_code == 404


def test_a_stale_update_form_does_not_change_a_closed_commitment(client):
    owner = UserFactory()
    commitment = CommitmentFactory()
    commitment.owners.add(owner)
    reflection_services.commitment_set_status(commitment=commitment, status="done", by=owner)
    login_with_mfa(client, owner)
    url = reverse("recommendations:followup_commitment", args=[commitment.pk])
    response = client.post(url, {"action": "update", "update-progress": "10", "update-statement": "Neu"})
    assert "bereits abgeschlossen" in response.content.decode()
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress, commitment.statement) == ("done", 100, "")


def test_a_stale_milestone_form_adds_nothing_to_a_rejected_recommendation(client):
    owner = UserFactory()
    recommendation = owned_recommendation(owner=owner, status=Status.REJECTED, rejection_reason="Kein Platz.")
    login_with_mfa(client, owner)
    url = reverse("recommendations:followup_recommendation", args=[recommendation.slug])
    response = client.post(url, {"action": "milestone", "milestone-title": "Nachzügler"})
    assert "bereits abgeschlossen" in response.content.decode()
    assert not recommendation.milestones.exists()


# --- API --------------------------------------------------------------------------------------------------------


def test_api_detail_has_decision_owners_due_overdue_and_commitments(client):
    owner = UserFactory(name="Olga Owner", email="olga@example.org")
    unit = OrganisationUnit.objects.get(slug="fachbereich-tiefbau")
    recommendation = RecommendationFactory(status=Status.CONSULTATION, due_date=timezone.localdate() - timedelta(1))
    commitment = CommitmentFactory(what="Querung prüfen", unit=unit, due_date=timezone.localdate() - timedelta(1))
    recommendation.workshops.add(commitment.workshop)
    CommitmentFactory(reflection=commitment.reflection, what="Intern", public=False)
    services.recommendation_transition(
        recommendation=recommendation, to_status=Status.ADOPTED, decision=decision_data()
    )
    services.recommendation_assign(recommendation=recommendation, unit=unit, owners=[owner])
    reflection_services.commitment_report_progress(commitment=commitment, statement="Zählung beauftragt.")
    data = client.get(f"/api/v1/recommendations/{recommendation.slug}/").json()
    assert data["decision"]["reference"] == "15-2410/2026"
    assert data["decision"]["url"] == "https://ris.example.org/vorlage/15-2410-2026"
    assert data["owners"] == {"unit": "Fachbereich Tiefbau", "unit_kind": "fachbereich", "people": ["Olga Owner"]}
    assert "olga@example.org" not in str(data)
    assert data["due"] == (timezone.localdate() - timedelta(1)).isoformat()
    assert data["overdue"] is True
    assert [c["what"] for c in data["commitments"]] == ["Querung prüfen"]
    assert data["commitments"][0]["overdue"] is True
    assert data["commitments"][0]["statement"] == "Zählung beauftragt."
    assert data["commitments"][0]["responsible"] == "Fachbereich Tiefbau"


def test_api_without_decision_has_null(client):
    recommendation = RecommendationFactory(status=Status.CONSULTATION)
    data = client.get(f"/api/v1/recommendations/{recommendation.slug}/").json()
    assert (data["decision"], data["overdue"], data["commitments"]) == (None, False, [])


def test_api_list_needs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for n in range(3):
        recommendation = owned_recommendation(owner=UserFactory(), status=Status.CONSULTATION, title=f"R{n}")
        recommendation.workshops.add(CommitmentFactory().workshop)
    with django_assert_max_num_queries(12) as first:
        client.get("/api/v1/recommendations/")
    for n in range(5):
        recommendation = owned_recommendation(owner=UserFactory(), status=Status.CONSULTATION, title=f"S{n}")
        recommendation.workshops.add(CommitmentFactory().workshop)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/api/v1/recommendations/")


def test_openapi_schema_still_generates_with_the_new_fields(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()["components"]["schemas"]["Recommendation"]["properties"]
    assert {"decision", "owners", "due", "overdue", "commitments"} <= set(schema)
