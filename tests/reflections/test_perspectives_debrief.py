"""Issue 12.2: every team member reflects from their perspective, the joint debrief page and the follow-up
reflection three months later."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from core.exceptions import ApplicationError, NotAllowed
from core.models import AuditLog, OutboxMail
from reflections import selectors, services
from reflections.models import Debrief, FeedbackCriterionAnswer, Reflection
from tests.auth import login_with_mfa
from tests.factories import UserFactory, WorkshopFactory
from tests.reflections.factories import (
    FeedbackResponseFactory,
    criteria,
    facilitator,
    held_workshop,
    lead_of,
    submitted_reflection,
    with_role,
)
from workshops.models import Workshop, WorkshopTeamMember

pytestmark = pytest.mark.django_db
ROLE = WorkshopTeamMember.Role


def politician():
    return with_role(UserFactory(name="Petra Politik"), Role.POLITIK)


def workshop_with_politik():
    member = politician()
    workshop = held_workshop(team=[(member, ROLE.POLITIK)])
    return workshop, member


def perspective_submitted(workshop, author, *, rating=3, take_back="Mehr Sitzbänke ansprechen."):
    reflection = services.reflection_start(workshop=workshop, author=author)
    services.reflection_save_draft(
        reflection=reflection,
        data=services.ReflectionData(
            take_back=take_back,
            ratings=[services.RatingData(criterion_id=c.pk, rating=rating, note="kurz") for c in criteria()],
        ),
    )
    return services.reflection_submit(reflection=reflection)


# --- perspective reflections --------------------------------------------------------------------------------


def test_a_politik_member_starts_a_short_reflection_without_attendance_or_methods():
    workshop, member = workshop_with_politik()
    reflection = services.reflection_start(workshop=workshop, author=member)
    assert reflection.is_perspective
    assert reflection.attendance_count is None
    assert reflection.method_uses.count() == 0
    assert reflection.ratings.count() == len(criteria())


def test_a_perspective_reflection_is_submitted_with_ratings_alone():
    workshop, member = workshop_with_politik()
    reflection = perspective_submitted(workshop, member)
    assert reflection.is_submitted
    assert reflection.take_back == "Mehr Sitzbänke ansprechen."


def test_a_perspective_reflection_without_ratings_is_refused():
    workshop, member = workshop_with_politik()
    reflection = services.reflection_start(workshop=workshop, author=member)
    with pytest.raises(services.ReflectionIncomplete) as error:
        services.reflection_submit(reflection=reflection)
    assert all("Bewertung" in item for item in error.value.extra["missing"])


def test_a_perspective_reflection_does_not_mark_the_workshop_documented():
    workshop, member = workshop_with_politik()
    perspective_submitted(workshop, member)
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.HELD


def test_perspective_ratings_are_not_counted_as_facilitators_ratings():
    workshop, member = workshop_with_politik()
    perspective_submitted(workshop, member, rating=1)
    assert not selectors.submitted_ratings().filter(reflection__workshop=workshop).exists()


def test_a_politik_team_member_gets_the_perspective_form(client):
    workshop, member = workshop_with_politik()
    login_with_mfa(client, member)
    page = client.get(f"/moderation/werkstaetten/{workshop.slug}/reflexion/").content.decode()
    assert "Was nehme ich in meine Organisation mit?" in page
    assert "Eingesetzte Methoden" not in page


def test_a_politik_team_member_submits_the_perspective_form(client):
    workshop, member = workshop_with_politik()
    login_with_mfa(client, member)
    data = {"action": "submit", "main-take_back": "Thema in den Bezirksrat tragen."}
    for criterion in criteria():
        data[f"criterion-{criterion.pk}-rating"] = "4"
    response = client.post(f"/moderation/werkstaetten/{workshop.slug}/reflexion/", data)
    assert response.status_code == 302
    reflection = Reflection.objects.get(workshop=workshop, author=member)
    assert reflection.is_submitted and reflection.take_back == "Thema in den Bezirksrat tragen."


def test_someone_not_on_the_team_may_not_reflect(client):
    workshop, _member = workshop_with_politik()
    login_with_mfa(client, politician())
    assert client.get(f"/moderation/werkstaetten/{workshop.slug}/reflexion/").status_code == 403


# --- debrief ------------------------------------------------------------------------------------------------


def test_marking_the_debrief_done_is_audited():
    workshop, _member = workshop_with_politik()
    lead = lead_of(workshop)
    services.debrief_save(workshop=workshop, agreed_insights="Einladung früher verschicken.", by=lead)
    debrief = services.debrief_complete(workshop=workshop, by=lead)
    assert debrief.is_done and debrief.done_by == lead
    assert AuditLog.objects.filter(action=services.AUDIT_DEBRIEF_DONE, actor=lead).count() == 1


def test_marking_the_debrief_done_twice_is_one_audit_entry():
    workshop, _member = workshop_with_politik()
    services.debrief_save(workshop=workshop, agreed_insights="Eins.")
    services.debrief_complete(workshop=workshop)
    services.debrief_complete(workshop=workshop)
    assert AuditLog.objects.filter(action=services.AUDIT_DEBRIEF_DONE).count() == 1


def test_the_debrief_needs_agreed_insights_to_be_done():
    workshop, _member = workshop_with_politik()
    with pytest.raises(ApplicationError):
        services.debrief_complete(workshop=workshop)


def test_a_done_debrief_refuses_changes_until_reopened():
    workshop, _member = workshop_with_politik()
    services.debrief_save(workshop=workshop, agreed_insights="Eins.")
    services.debrief_complete(workshop=workshop)
    with pytest.raises(services.DebriefDone):
        services.debrief_save(workshop=workshop, agreed_insights="Zwei.")
    services.debrief_reopen(workshop=workshop)
    assert services.debrief_save(workshop=workshop, agreed_insights="Zwei.").agreed_insights == "Zwei."
    assert AuditLog.objects.filter(action=services.AUDIT_DEBRIEF_REOPEN).count() == 1


def test_an_upcoming_workshop_has_no_debrief():
    with pytest.raises(NotAllowed):
        services.debrief_save(workshop=WorkshopFactory(), agreed_insights="Zu früh.")


def test_the_debrief_shows_every_perspective_and_the_spread():
    workshop, member = workshop_with_politik()
    submitted_reflection(workshop, rating=5)
    perspective_submitted(workshop, member, rating=2)
    data = selectors.debrief_data(workshop=workshop)
    row = data.rows[0]
    assert sorted(r.rating for r in row.ratings) == [2, 5]
    assert row.spread == 3 and row.divided
    assert [r.take_back for r in data.take_back] == ["Mehr Sitzbänke ansprechen."]


def _feedback(workshop, count):
    criterion = criteria()[0]
    for _ in range(count):
        response = FeedbackResponseFactory(workshop=workshop)
        FeedbackCriterionAnswer.objects.create(response=response, criterion=criterion, rating=4)
    return criterion


def test_the_debrief_hides_the_participants_below_five_answers():
    workshop, _member = workshop_with_politik()
    submitted_reflection(workshop)
    criterion = _feedback(workshop, 4)
    row = next(r for r in selectors.debrief_data(workshop=workshop).rows if r.criterion == criterion)
    assert row.participants is None


def test_the_debrief_shows_the_participants_from_five_answers():
    workshop, _member = workshop_with_politik()
    submitted_reflection(workshop)
    criterion = _feedback(workshop, 5)
    row = next(r for r in selectors.debrief_data(workshop=workshop).rows if r.criterion == criterion)
    assert row.participants.average == 4


def test_a_network_partner_on_the_team_reads_the_debrief_but_cannot_close_it(client):
    partner = with_role(UserFactory(), Role.NETZWERK)
    workshop = held_workshop(team=[(partner, ROLE.NETWORK_PARTNER)])
    login_with_mfa(client, partner)
    url = f"/moderation/werkstaetten/{workshop.slug}/nachbesprechung/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "done", "agreed_insights": "x"}).status_code == 403


def test_the_lead_closes_the_debrief_on_the_page(client):
    workshop, member = workshop_with_politik()
    perspective_submitted(workshop, member)
    login_with_mfa(client, lead_of(workshop))
    url = f"/moderation/werkstaetten/{workshop.slug}/nachbesprechung/"
    response = client.post(url, {"action": "done", "agreed_insights": "Früher einladen."})
    assert response.status_code == 302
    assert Debrief.objects.get(workshop=workshop).is_done
    assert "Früher einladen." in client.get(url).content.decode()


def test_the_debrief_note_explains_the_dashes_of_suppressed_counts(client):
    workshop = held_workshop()
    _feedback(workshop, 5)
    login_with_mfa(client, lead_of(workshop))
    page = " ".join(client.get(f"/moderation/werkstaetten/{workshop.slug}/nachbesprechung/").content.decode().split())
    assert "Zahlen, aus denen sie sich errechnen ließen, als „–“" in page


def test_a_facilitator_of_another_workshop_cannot_read_the_debrief(client):
    workshop, _member = workshop_with_politik()
    login_with_mfa(client, facilitator())
    assert client.get(f"/moderation/werkstaetten/{workshop.slug}/nachbesprechung/").status_code == 403


def _debrief_world(size: int):
    workshop = held_workshop()
    for index in range(size):
        member = politician()
        WorkshopTeamMember.objects.create(workshop=workshop, user=member, role=ROLE.POLITIK)
        reflection = perspective_submitted(workshop, member, take_back=f"Mitnehmen {index}")
        reflection.insights.create(text=f"Erkenntnis {index}")
        services.follow_up_submit(
            workshop=workshop, author=member, data=services.FollowUpData(commitments_kept="partly")
        )
    submitted_reflection(workshop)
    _feedback(workshop, 5)
    return workshop


def _debrief_queries(client, workshop) -> int:
    login_with_mfa(client, lead_of(workshop))
    url = f"/moderation/werkstaetten/{workshop.slug}/nachbesprechung/"
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_debrief_page_needs_the_same_number_of_queries_for_two_and_eight_team_members(client):
    small = _debrief_queries(client, _debrief_world(2))
    large = _debrief_queries(client, _debrief_world(8))
    assert small == large


# --- follow-up reflection ------------------------------------------------------------------------------------


def test_a_follow_up_is_stored_once_per_person_and_updated():
    workshop, member = workshop_with_politik()
    services.follow_up_submit(workshop=workshop, author=member, data=services.FollowUpData(commitments_kept="no"))
    follow_up = services.follow_up_submit(
        workshop=workshop, author=member, data=services.FollowUpData(commitments_kept="yes", what_changed="Bänke")
    )
    assert workshop.follow_ups.count() == 1
    assert (follow_up.commitments_kept, follow_up.what_changed, follow_up.author_role) == ("yes", "Bänke", "politik")


def test_a_follow_up_without_an_answer_on_the_commitments_is_refused():
    workshop, member = workshop_with_politik()
    with pytest.raises(ApplicationError):
        services.follow_up_submit(workshop=workshop, author=member, data=services.FollowUpData(commitments_kept=""))


def test_the_follow_up_reminder_goes_to_the_lead_three_months_after_the_workshop():
    workshop = held_workshop(days_ago=91)
    assert services.follow_up_remind() == 1
    mail = OutboxMail.objects.get(topic="follow_up_reminder")
    assert mail.to == lead_of(workshop).email


def test_the_follow_up_reminder_is_sent_once():
    held_workshop(days_ago=91)
    services.follow_up_remind()
    assert services.follow_up_remind() == 0


def test_no_follow_up_reminder_before_three_months():
    held_workshop(days_ago=60)
    assert services.follow_up_remind() == 0


def test_no_follow_up_reminder_for_who_has_answered():
    workshop = held_workshop(days_ago=91)
    services.follow_up_submit(
        workshop=workshop, author=lead_of(workshop), data=services.FollowUpData(commitments_kept="yes")
    )
    assert services.follow_up_remind() == 0


def test_the_follow_up_reminder_stops_after_the_window():
    held_workshop(days_ago=91 + 61)
    assert services.follow_up_remind(now=timezone.now()) == 0


def test_a_team_member_answers_the_follow_up_on_the_page(client):
    workshop, member = workshop_with_politik()
    login_with_mfa(client, member)
    url = f"/moderation/werkstaetten/{workshop.slug}/nachreflexion/"
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"commitments_kept": "partly", "what_changed": "Neue Bank."})
    assert response.status_code == 302
    assert workshop.follow_ups.get().what_changed == "Neue Bank."


def test_the_reminder_window_starts_from_the_end_of_the_workshop():
    workshop = held_workshop(days_ago=1)
    assert services.follow_up_due_at(workshop) == workshop.ends_at + timedelta(days=90)
