"""The admin of recommendations writes milestones through the services, so every change is in the history."""

import pytest

from core.models import AuditLog
from recommendations.models import Comment, HistoryEntry, Milestone, Recommendation
from tests.auth import login_with_mfa
from tests.recommendations.factories import CommentFactory, MilestoneFactory, RecommendationFactory, fachteam_user

pytestmark = pytest.mark.django_db


def change_data(recommendation: Recommendation, milestone: Milestone, **milestone_fields) -> dict:
    data = {
        "title": recommendation.title,
        "text": recommendation.text,
        "rationale": recommendation.rationale,
        "change_note": "",
        "field": recommendation.field_id,
        "addressee": recommendation.addressee,
        "responsible_unit": recommendation.responsible_unit,
        "city_wide": "on",
        "priority": recommendation.priority,
        "due_date": "",
        "progress": str(recommendation.progress),
        "insights": "",
        "reflections": "",
        "transition_to": "",
        "transition_note": "",
        "transition_reason": "",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "1",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-id": str(milestone.pk),
        "milestones-0-recommendation": str(recommendation.pk),
        "milestones-0-title": milestone.title,
        "milestones-0-due_date": "",
        "milestones-0-done_on": "",
        "milestones-0-order": str(milestone.order),
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "_save": "Sichern",
    }
    for prefix in ("history", "versions", "endorsements"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update({f"milestones-0-{name}": value for name, value in milestone_fields.items()})
    return data


def post_change(client, recommendation, data):
    login_with_mfa(client, fachteam_user())
    response = client.post(f"/admin/recommendations/recommendation/{recommendation.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def milestone_notes(recommendation) -> list[str]:
    return list(recommendation.history.filter(kind=HistoryEntry.Kind.MILESTONE).values_list("note", flat=True))


def test_admin_milestone_edit_is_recorded_in_the_history(client):
    recommendation = RecommendationFactory()
    milestone = MilestoneFactory(recommendation=recommendation, title="Sitzung planen")
    post_change(client, recommendation, change_data(recommendation, milestone, title="Sitzung vorbereiten"))
    milestone.refresh_from_db()
    assert milestone.title == "Sitzung vorbereiten"
    assert milestone_notes(recommendation) == ["Meilenstein geändert: Sitzung vorbereiten (Sitzung planen)"]


def test_admin_milestone_delete_is_recorded_in_the_history(client):
    recommendation = RecommendationFactory()
    milestone = MilestoneFactory(recommendation=recommendation, title="Sitzung planen")
    post_change(client, recommendation, change_data(recommendation, milestone, DELETE="on"))
    assert not Milestone.objects.exists()
    assert milestone_notes(recommendation) == ["Meilenstein entfernt: Sitzung planen"]


def test_admin_milestone_completion_keeps_one_history_entry(client):
    recommendation = RecommendationFactory()
    milestone = MilestoneFactory(recommendation=recommendation, title="Sitzung planen")
    post_change(client, recommendation, change_data(recommendation, milestone, done_on="2026-05-04"))
    milestone.refresh_from_db()
    assert str(milestone.done_on) == "2026-05-04"
    assert milestone_notes(recommendation) == ["Meilenstein erreicht: Sitzung planen"]


def test_admin_comment_removal_is_audited(client):
    recommendation = RecommendationFactory()
    milestone = MilestoneFactory(recommendation=recommendation)
    comment = CommentFactory(recommendation=recommendation)
    data = change_data(recommendation, milestone)
    data.update(
        {
            "comments-TOTAL_FORMS": "1",
            "comments-INITIAL_FORMS": "1",
            "comments-0-id": str(comment.pk),
            "comments-0-recommendation": str(recommendation.pk),
            "comments-0-DELETE": "on",
        }
    )
    post_change(client, recommendation, data)
    assert not Comment.objects.exists()
    entry = AuditLog.objects.get(action=AuditLog.Action.OBJECT_DELETE)
    assert entry.details == {"recommendation": recommendation.pk}


def test_admin_shows_progress_and_milestones_of_a_closed_recommendation_read_only(client):
    recommendation = RecommendationFactory(status=Recommendation.Status.IMPLEMENTED, progress=100)
    MilestoneFactory(recommendation=recommendation, title="Sitzung planen")
    login_with_mfa(client, fachteam_user())
    page = client.get(f"/admin/recommendations/recommendation/{recommendation.pk}/change/").content.decode()
    assert "Sitzung planen" in page
    assert 'name="milestones-0-title"' not in page
    assert 'name="progress"' not in page
    assert 'name="text"' not in page


def test_admin_still_corrects_the_details_of_a_closed_recommendation(client):
    recommendation = RecommendationFactory(status=Recommendation.Status.IMPLEMENTED, progress=100)
    milestone = MilestoneFactory(recommendation=recommendation)
    data = change_data(recommendation, milestone)
    for name in ("title", "text", "rationale", "progress"):
        data.pop(name, None)
    data["priority"] = Recommendation.Priority.HIGH
    post_change(client, recommendation, data)
    recommendation.refresh_from_db()
    assert (recommendation.priority, recommendation.status) == (Recommendation.Priority.HIGH, "implemented")
