"""Issue 9.5 for the planning app: hostile posts to the planning workspace (plan form, agenda formset,
workflow steps, facilitation record) answer 4xx (or 200 with errors, or the usual redirect), never 5xx, and
write nothing they must not."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from planning.models import ChangePoint, CoachingNote, FacilitationRecord, PlanComment, WorkshopPlan
from tests import hostile
from tests.auth import login_with_mfa
from tests.factories import WorkshopFactory, WorkshopTeamMemberFactory
from tests.planning.factories import fachteam, latest_version, plan_for, user_with_role

pytestmark = pytest.mark.django_db

BIDI = "Text \u202eeglofniE"


@pytest.fixture
def plan(client):
    plan = plan_for()
    login_with_mfa(client, plan.planner)
    client.raise_request_exception = False
    return plan


def _agenda(plan) -> list:
    return list(plan.workshop.agenda.values_list("title", "duration_minutes", "method_id").order_by("order"))


def test_plan_form_with_a_superscript_version_in_the_query_is_shown(client, plan):
    response = client.get(reverse("planning:plan_create") + "?version=²")
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["abc", "²", "-1", hostile.HUGE, "1.5"])
def test_reassigning_to_a_bad_planner_id_is_404_and_changes_nothing(client, plan, value):
    login_with_mfa(client, fachteam())
    response = client.post(reverse("planning:plan_action", args=[plan.pk]), {"action": "reassign", "planner": value})
    assert response.status_code == 404
    assert WorkshopPlan.objects.get(pk=plan.pk).planner_id == plan.planner_id


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30"])
def test_a_date_at_the_end_of_the_calendar_is_refused_when_planning(client, plan, day):
    response = client.post(
        reverse("planning:plan_create"),
        {
            "concept_version": plan.concept_version.pk,
            "district": plan.district.pk,
            "day": day,
            "start": "23:30",
        },
    )
    assert response.status_code in (200, 400)
    assert WorkshopPlan.objects.count() == 1


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_at_the_end_of_the_calendar_is_refused_when_editing(client, plan, day):
    before = WorkshopPlan.objects.values("workshop__starts_at").get(pk=plan.pk)
    response = client.post(
        reverse("planning:plan_edit", args=[plan.pk]),
        {"title": "Titel", "description": "Text", "day": day, "start": "22:00", "end": "23:59", "capacity": "20"},
    )
    assert response.status_code in (200, 400)
    assert WorkshopPlan.objects.values("workshop__starts_at").get(pk=plan.pk) == before


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_at_the_end_of_the_calendar_is_refused_when_planning_again(client, plan, day):
    response = client.post(
        reverse("planning:plan_action", args=[plan.pk]), {"action": "duplicate", "day": day, "start": "23:30"}
    )
    assert response.status_code < 500
    assert WorkshopPlan.objects.count() == 1


AGENDA_CASES = {
    "negative TOTAL_FORMS": {"agenda-TOTAL_FORMS": "-3"},
    "huge TOTAL_FORMS": {"agenda-TOTAL_FORMS": "100000"},
    "overflowing TOTAL_FORMS": {"agenda-TOTAL_FORMS": hostile.HUGE},
    "non-integer TOTAL_FORMS": {"agenda-TOTAL_FORMS": "viele"},
    "missing management form": {"agenda-TOTAL_FORMS": None, "agenda-INITIAL_FORMS": None},
    "unknown method": {"agenda-0-method": "987654"},
    "non-integer method": {"agenda-0-method": "abc"},
    "huge method": {"agenda-0-method": hostile.HUGE},
    "huge duration": {"agenda-0-duration_minutes": hostile.HUGE},
    "NUL in the title": {"agenda-0-title": "Ankom\x00men"},
    "bidi override in the title": {"agenda-0-title": BIDI},
    "overlong title": {"agenda-0-title": "x" * 5000},
}


@pytest.mark.parametrize("case", list(AGENDA_CASES), ids=list(AGENDA_CASES))
def test_hostile_agenda_posts_are_no_5xx(client, plan, case):
    data = {
        "agenda-TOTAL_FORMS": "1",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-title": "Ankommen",
        "agenda-0-duration_minutes": "15",
        **AGENDA_CASES[case],
    }
    before = _agenda(plan)
    response = client.post(
        reverse("planning:plan_agenda", args=[plan.pk]), {k: v for k, v in data.items() if v is not None}
    )
    assert response.status_code < 500
    if case != "huge TOTAL_FORMS":
        assert _agenda(plan) == before


def test_too_many_agenda_rows_are_refused(client, plan):
    data = {"agenda-TOTAL_FORMS": "100000", "agenda-INITIAL_FORMS": "0"}
    data |= {f"agenda-{i}-title": f"Punkt {i}" for i in range(60)}
    data |= {f"agenda-{i}-duration_minutes": "5" for i in range(60)}
    before = _agenda(plan)
    response = client.post(reverse("planning:plan_agenda", args=[plan.pk]), data)
    assert response.status_code == 400
    assert _agenda(plan) == before


@pytest.mark.parametrize("action", ["comment", "submit"])
@pytest.mark.parametrize("value", [BIDI, "Text \x1b[31m", "Text \x00 mit NUL"], ids=["bidi", "control", "nul"])
def test_workflow_texts_refuse_hidden_characters(client, plan, action, value):
    response = client.post(reverse("planning:plan_action", args=[plan.pk]), {"action": action, "text": value})
    assert response.status_code < 500
    assert not PlanComment.objects.filter(plan=plan).exists()
    assert WorkshopPlan.objects.get(pk=plan.pk).status == plan.status


def test_plan_texts_refuse_a_bidi_override(client, plan):
    response = client.post(
        reverse("planning:plan_edit", args=[plan.pk]),
        {"title": BIDI, "description": "Text", "day": "2030-01-01", "start": "17:00", "end": "19:00", "capacity": "20"},
    )
    assert response.status_code in (200, 400)
    assert "Schreibrichtung" in response.content.decode()
    assert WorkshopPlan.objects.get(pk=plan.pk).workshop.title != BIDI


@pytest.fixture
def record_scene(client):
    workshop = WorkshopFactory(past=True)
    member = WorkshopTeamMemberFactory(workshop=workshop).user
    coach = user_with_role(kind="process_team")
    client.force_login(coach)
    client.raise_request_exception = False
    return workshop, member


@pytest.mark.parametrize("value", ["abc", "²", "-1", hostile.HUGE, "1.5"])
def test_coaching_note_for_a_bad_person_id_writes_nothing(client, record_scene, value):
    workshop, _member = record_scene
    url = reverse("planning:workshop_record", args=[workshop.slug])
    response = client.post(url, {"action": "coaching", "person": value, "text": "Gut"})
    assert response.status_code < 500
    assert not CoachingNote.objects.exists()


@pytest.mark.parametrize("value", [BIDI, "Notiz \x1b[31m"], ids=["bidi", "control"])
def test_coaching_and_change_point_texts_refuse_hidden_characters(client, record_scene, value):
    workshop, member = record_scene
    url = reverse("planning:workshop_record", args=[workshop.slug])
    client.post(url, {"action": "coaching", "person": member.pk, "text": value})
    assert not CoachingNote.objects.exists()


@pytest.mark.parametrize("value", ["abc", "²", "-1", hostile.HUGE, "1.5"])
def test_recording_a_role_for_a_bad_person_id_writes_nothing(client, value):
    plan = plan_for()
    login_with_mfa(client, plan.planner)
    client.raise_request_exception = False
    url = reverse("planning:workshop_record", args=[plan.workshop.slug])
    response = client.post(url, {"action": "record", "person": value, "role": "observer"})
    assert response.status_code < 500
    assert (
        not FacilitationRecord.objects.filter(workshop=plan.workshop)
        .exclude(person__in=plan.workshop.team.values("user"))
        .exists()
    )


def test_change_point_refuses_a_bidi_override(client):
    plan = plan_for()
    login_with_mfa(client, plan.planner)
    url = reverse("planning:workshop_record", args=[plan.workshop.slug])
    client.post(url, {"action": "change_point", "text": BIDI})
    assert not ChangePoint.objects.exists()


FIELDS = [
    "action",
    "text",
    "planner",
    "day",
    "start",
    "end",
    "title",
    "description",
    "capacity",
    "venue",
    "concept_version",
    "district",
    "person",
    "role",
    "done",
    "agenda-TOTAL_FORMS",
    "agenda-INITIAL_FORMS",
    "agenda-0-title",
    "agenda-0-duration_minutes",
    "agenda-0-method",
    "agenda-0-DELETE",
]
hostile_text = hostile.hostile_text(
    alphabet_extra="0123456789-:²",
    max_size=30,
    extra_values=[
        "9999-12-31",
        "0001-01-01",
        "23:59",
        "comment",
        "submit",
        "request_changes",
        "approve",
        "publish",
        "reassign",
        "duplicate",
        "record",
        "confirm",
        "coaching",
        "change_point",
    ],
)
form_bodies = hostile.form_bodies(FIELDS, values=hostile_text, max_size=8)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(body=form_bodies)
def test_planning_posts_never_answer_5xx(client, plan, body):
    client.raise_request_exception = False
    task = plan.tasks.first()
    for path in [
        reverse("planning:plan_create"),
        reverse("planning:plan_edit", args=[plan.pk]),
        reverse("planning:plan_agenda", args=[plan.pk]),
        reverse("planning:plan_team", args=[plan.pk]),
        reverse("planning:plan_action", args=[plan.pk]),
        reverse("planning:task_toggle", args=[task.pk]),
        reverse("planning:workshop_record", args=[plan.workshop.slug]),
    ]:
        response = client.post(path, body)
        assert response.status_code < 500, f"POST {path} {body!r:.300}"


def test_a_version_id_from_elsewhere_is_refused(client, plan):
    hidden = latest_version(plan.concept_version.concept)
    type(hidden.concept).objects.filter(pk=hidden.concept_id).update(is_public=False)
    response = client.post(
        reverse("planning:plan_create"),
        {"concept_version": hidden.pk, "district": plan.district.pk, "day": "2030-01-01", "start": "17:00"},
    )
    assert response.status_code in (200, 400)
    assert WorkshopPlan.objects.count() == 1


@pytest.mark.parametrize("model_name", ["Concept", "ConceptVersion", "Venue"])
def test_admin_forms_of_concepts_and_venues_check_their_texts(model_name):
    from django.contrib import admin

    from core.validators import PlainTextFormMixin
    from planning import models

    model_admin = admin.site._registry[getattr(models, model_name)]
    assert issubclass(model_admin.form, PlainTextFormMixin)
    for inline in model_admin.inlines:
        if inline.model in (models.ConceptAgendaItem, models.ConceptTask):
            assert issubclass(inline.form, PlainTextFormMixin)


def test_admin_refuses_a_bidi_override_in_a_venue_name(client):
    from planning.models import Venue
    from tests.factories import DistrictFactory

    user = fachteam(is_staff=True)
    login_with_mfa(client, user)
    district = DistrictFactory()
    response = client.post(
        "/admin/planning/venue/add/",
        {"name": BIDI, "address": "Am Lindener Berge 1", "district": district.pk, "capacity": "30", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Schreibrichtung" in response.content.decode()
    assert not Venue.objects.exists()
