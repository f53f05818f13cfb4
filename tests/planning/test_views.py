"""The planning workspace and the public concept pages over HTTP."""

import pytest
from django.urls import reverse
from django.utils import timezone

from planning import services
from planning.models import PlanStatus
from tests.auth import login_with_mfa
from tests.factories import DistrictFactory, WorkshopFactory
from tests.planning.factories import VenueFactory, concept, fachteam, future, latest_version, plan_for, planner
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def test_concept_list_and_detail_are_public(client):
    plan = plan_for()
    slug = plan.concept_version.concept.slug
    assert client.get(reverse("planning:concept_list")).status_code == 200
    response = client.get(reverse("planning:concept_detail", args=[slug]))
    assert response.status_code == 200
    assert "Spaziergang mit Stationen" in response.content.decode()


def test_concept_page_shows_runs_and_why_a_version_changed(client):
    plan = plan_for()
    services.plan_submit(plan=plan, by=plan.planner)
    services.plan_approve(plan=plan, by=fachteam())
    services.plan_publish(plan=plan, by=plan.planner)
    point = services.change_point_add(workshop=plan.workshop, text="Route kürzen", by=plan.planner)
    c = plan.concept_version.concept
    services.concept_version_create(
        concept=c, fields={"goal": "Orte gemeinsam ansehen."}, change_log="Ziel gekürzt", taken_up=[point]
    )
    html = client.get(c.get_absolute_url()).content.decode()
    assert plan.workshop.title in html
    assert "Ziel gekürzt" in html
    assert "Route kürzen" in html
    assert '<del class="rec-del">' in html


def test_unknown_concept_is_404(client):
    assert client.get(reverse("planning:concept_detail", args=["gibt-es-nicht"])).status_code == 404


def test_district_office_plans_from_a_concept(client):
    district = DistrictFactory()
    who = planner(district)
    venue = VenueFactory(district=district)
    version = latest_version(concept())
    login_with_mfa(client, who)
    start = future(50)
    response = client.post(
        reverse("planning:plan_create"),
        {
            "concept_version": version.pk,
            "district": district.pk,
            "day": timezone.localtime(start).date().isoformat(),
            "start": "17:00",
            "venue": venue.pk,
            "title": "",
            "capacity": "",
        },
    )
    assert response.status_code == 302
    plan = who.workshop_plans.get()
    assert plan.workshop.status == Workshop.Status.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert "Zur Prüfung einreichen" in page


def test_planning_in_the_past_shows_the_message_and_keeps_the_input(client):
    district = DistrictFactory()
    who = planner(district)
    login_with_mfa(client, who)
    response = client.post(
        reverse("planning:plan_create"),
        {
            "concept_version": latest_version(concept()).pk,
            "district": district.pk,
            "day": "2020-01-01",
            "start": "17:00",
            "title": "Mein Titel",
        },
    )
    assert response.status_code == 200
    assert "Vergangenheit" in response.content.decode()
    assert 'value="Mein Titel"' in response.content.decode()


def test_another_districts_planner_gets_403(client):
    plan = plan_for(district=DistrictFactory(number=10))
    login_with_mfa(client, planner(DistrictFactory(number=3)))
    assert client.get(plan.get_absolute_url()).status_code == 403
    response = client.post(reverse("planning:plan_action", args=[plan.pk]), {"action": "submit"})
    assert response.status_code == 403


def test_fachteam_requests_changes_and_approves_over_http(client):
    plan = plan_for()
    services.plan_submit(plan=plan, by=plan.planner)
    login_with_mfa(client, fachteam())
    url = reverse("planning:plan_action", args=[plan.pk])
    client.post(url, {"action": "request_changes", "text": ""})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED  # refused: no text
    client.post(url, {"action": "request_changes", "text": "Bitte Pause einplanen."})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CHANGES_REQUESTED


def test_planner_cannot_approve_own_plan(client):
    plan = plan_for()
    services.plan_submit(plan=plan, by=plan.planner)
    login_with_mfa(client, plan.planner)
    response = client.post(reverse("planning:plan_action", args=[plan.pk]), {"action": "approve"})
    assert response.status_code == 403


def test_eigenregie_district_publishes_without_review(client):
    from planning.models import FacilitationRecord
    from tests.planning.factories import user_with_role
    from tests.planning.test_services import _city, _run

    district = DistrictFactory()
    lead = _city()
    for days, role in ((300, "observer"), (250, "co_facilitation"), (200, "co_facilitation")):
        _run(lead, role, days_ago=days, district=district)
    pt = user_with_role(kind="process_team")
    for days in (150, 100):
        _run(lead, "tandem_lead", days_ago=days, coach=pt, process_lead=pt, district=district)
    _run(lead, "lead", days_ago=50, district=district)
    assert FacilitationRecord.objects.filter(person=lead).count() == 6
    plan = plan_for(district=district)
    login_with_mfa(client, plan.planner)
    client.post(reverse("planning:plan_action", args=[plan.pk]), {"action": "publish"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.without_review


def test_workspace_lists_overdue_tasks(client):
    plan = plan_for(days=20)  # "Raum buchen" (-42) and more are overdue already
    login_with_mfa(client, plan.planner)
    html = client.get(reverse("planning:workspace")).content.decode()
    assert "überfällig" in html
    assert plan.workshop.title in html


def test_ticking_a_task(client):
    plan = plan_for()
    task = plan.tasks.first()
    login_with_mfa(client, plan.planner)
    client.post(reverse("planning:task_toggle", args=[task.pk]), {"done": "1"})
    task.refresh_from_db()
    assert task.done_at is not None


def test_record_page_refuses_a_coaching_note_about_someone_not_on_the_team(client):
    from tests.planning.factories import user_with_role

    workshop = WorkshopFactory(past=True)
    coach = user_with_role(kind="process_team")
    stranger = user_with_role(kind="district_office")
    client.force_login(coach)
    response = client.post(
        reverse("planning:workshop_record", args=[workshop.slug]),
        {"action": "coaching", "person": stranger.pk, "text": "Gut gemacht"},
        follow=True,
    )
    assert "gehört nicht zum Team" in response.content.decode()
    assert not workshop.coaching_notes.exists()


def test_fachteam_hands_an_orphaned_draft_to_another_planner(client):
    district = DistrictFactory()
    plan = plan_for(district=district)
    plan.planner.districts.clear()
    successor = planner(district, name="Nora Nachfolge")
    login_with_mfa(client, fachteam())
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Nora Nachfolge" in page
    client.post(reverse("planning:plan_action", args=[plan.pk]), {"action": "reassign", "planner": successor.pk})
    plan.refresh_from_db()
    assert plan.planner == successor


def test_planning_again_keeps_the_concept_version(client):
    plan = plan_for()
    login_with_mfa(client, plan.planner)
    start = timezone.localtime(future(90))
    response = client.post(
        reverse("planning:plan_action", args=[plan.pk]),
        {"action": "duplicate", "day": start.date().isoformat(), "start": "18:00"},
    )
    copy = plan.planner.workshop_plans.exclude(pk=plan.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert copy.concept_version == plan.concept_version
