"""Periodic tasks (thin wrappers), the personal-data provider and the admin of criteria."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from core.registry import personal_data_erasers, personal_data_providers
from reflections import services, tasks
from reflections.models import FeedbackInvitation, ParticipationRecord, QualityCriterion, Reflection
from tests.auth import login_with_mfa
from tests.factories import UserFactory, WorkshopFactory
from tests.reflections.factories import attendees, held_workshop, lead_of, submitted_reflection, with_role
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def test_beat_schedule_names_existing_tasks():
    names = {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"].startswith("reflections.")
    }
    assert names == {
        "reflections.tasks.workshops_mark_held",
        "reflections.tasks.feedback_invitations_send",
        "reflections.tasks.documentation_debt_remind",
        "reflections.tasks.follow_up_remind",
    }
    for name in names:
        assert hasattr(tasks, name.rsplit(".", 1)[1])


def test_tasks_run_their_service():
    ended = WorkshopFactory(
        starts_at=timezone.now() - timedelta(days=1, hours=3), ends_at=timezone.now() - timedelta(days=1)
    )
    attendees(ended, 2)
    assert tasks.workshops_mark_held.delay().get() == 1
    assert tasks.feedback_invitations_send.delay().get() == 2
    assert tasks.documentation_debt_remind.delay().get() == {"reminded": 0, "escalated": 0}
    ended.refresh_from_db()
    assert ended.status == Workshop.Status.HELD


def test_privacy_provider_is_registered_before_the_workshops_one():
    names = [p.name for p in personal_data_providers()]
    assert "reflections" in names
    order = [p.name for p in personal_data_erasers()]
    if "workshops" in order:
        assert order.index("reflections") < order.index("workshops")


def test_privacy_export_and_erase():
    from reflections import privacy

    workshop = held_workshop()
    registration = attendees(workshop, 1, email="anna@example.org")[0]
    services.participation_record(workshop=workshop)
    services.feedback_invitation_create(registration=registration)
    author = lead_of(workshop)
    submitted_reflection(workshop)
    data = privacy.export(email="anna@example.org", user=None)
    assert data["participation_pseudonymous"] == [
        {"workshop": workshop.title, "workshop_slug": workshop.slug, "attended": True}
    ]
    assert len(data["feedback_invitations"]) == 1
    assert privacy.export(email=author.email, user=author)["reflections"][0]["workshop_slug"] == workshop.slug

    assert privacy.erase(email="anna@example.org", user=None) == 2
    assert not ParticipationRecord.objects.exists()
    assert FeedbackInvitation.objects.get().registration is None
    privacy.erase(email=author.email, user=author)
    assert Reflection.objects.get().author is None


def test_admin_retire_action_and_no_delete_of_used_criteria(client):
    fachteam = with_role(UserFactory(is_staff=True), Role.FACHTEAM)
    login_with_mfa(client, fachteam)
    submitted_reflection(held_workshop())
    criterion = QualityCriterion.objects.get(slug="lebendige-formate")
    response = client.post(
        "/admin/reflections/qualitycriterion/",
        {"action": "retire", "_selected_action": [criterion.pk]},
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.is_active is False
    assert client.get(f"/admin/reflections/qualitycriterion/{criterion.pk}/delete/").status_code == 403
    assert client.get("/admin/reflections/qualitycriterion/add/").status_code == 200


def test_admin_is_closed_to_facilitators(client):
    workshop = held_workshop()
    user = lead_of(workshop)
    type(user).objects.filter(pk=user.pk).update(is_staff=True)
    login_with_mfa(client, type(user).objects.get(pk=user.pk))
    assert client.get("/admin/reflections/qualitycriterion/").status_code == 403


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_periodic_survey_task_and_delivers_the_mail(celery_worker):
    import time

    ended = WorkshopFactory(
        starts_at=timezone.now() - timedelta(days=1, hours=3), ends_at=timezone.now() - timedelta(days=1)
    )
    attendees(ended, 1, email="erika@example.org")
    tasks.workshops_mark_held.delay()
    tasks.feedback_invitations_send.delay()
    deadline = time.monotonic() + 30
    files = []
    while time.monotonic() < deadline and not files:
        files = list(celery_worker.glob("*.log"))
        time.sleep(0.2)
    assert files, "the worker wrote no mail within 30 s"
    content = files[0].read_text()
    assert "erika@example.org" in content and "/rueckmeldung/" in content
    assert FeedbackInvitation.objects.get().registration.email == "erika@example.org"
