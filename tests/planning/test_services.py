"""Service tests of the planning app: plans and their review, checklists, versions, records, run_by."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from core.models import OutboxMail
from planning import selectors, services
from planning.models import FacilitationRole, PlanStatus, PlanTask
from tests.factories import DistrictFactory, WorkshopFactory, WorkshopTeamMemberFactory
from tests.planning.factories import (
    VenueFactory,
    concept,
    fachteam,
    future,
    latest_version,
    plan_for,
    planner,
    user_with_role,
)
from workshops.models import Workshop, WorkshopTeamMember

pytestmark = pytest.mark.django_db


# --- planning from a concept ---------------------------------------------------------------------------------


def test_plan_starts_a_draft_workshop_with_the_concepts_agenda_and_checklist():
    plan = plan_for()
    workshop = plan.workshop
    assert workshop.status == Workshop.Status.DRAFT
    assert [a.title for a in workshop.agenda.order_by("order")] == [
        "Ankommen",
        "Spaziergang mit Stationen",
        "Ergebnisse sammeln",
    ]
    assert workshop.ends_at - workshop.starts_at == timedelta(minutes=120)
    tasks = list(plan.tasks.order_by("due_date"))
    assert len(tasks) == 6
    assert tasks[0].title == "Raum buchen"
    assert tasks[0].due_date == timezone.localtime(workshop.starts_at).date() - timedelta(days=42)
    assert tasks[0].assignee_id == plan.planner_id


def test_planning_in_the_past_is_refused():
    district = DistrictFactory()
    with pytest.raises(services.DateInPast):
        services.plan_create(
            concept_version=latest_version(concept()),
            district=district,
            planner=planner(district),
            starts_at=timezone.now() - timedelta(days=1),
        )


def test_overlapping_venue_booking_is_refused_with_the_other_workshop_named():
    district = DistrictFactory()
    venue = VenueFactory(district=district)
    first = plan_for(district=district, venue=venue)
    with pytest.raises(services.VenueBooked) as error:
        plan_for(district=district, venue=venue, who=first.planner)
    assert first.workshop.title in error.value.message


def test_the_same_venue_on_another_day_is_fine():
    district = DistrictFactory()
    venue = VenueFactory(district=district)
    plan_for(district=district, venue=venue)
    assert plan_for(district=district, venue=venue, days=61).venue == venue


def test_a_district_office_cannot_plan_for_another_district():
    own, other = DistrictFactory(number=10), DistrictFactory(number=3)
    with pytest.raises(services.PlannerNotInDistrict):
        plan_for(district=other, who=planner(own))


# --- review workflow ------------------------------------------------------------------------------------------


def test_review_workflow_from_draft_to_published():
    plan = plan_for()
    team = fachteam()
    services.plan_submit(plan=plan, by=plan.planner)
    services.plan_request_changes(plan=plan, by=team, text="Bitte Dolmetschung einplanen.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CHANGES_REQUESTED
    services.plan_update(plan=plan, by=plan.planner, title="Spaziergang mit DGS")
    services.plan_submit(plan=plan, by=plan.planner)
    services.plan_approve(plan=plan, by=team)
    services.plan_publish(plan=plan, by=plan.planner)
    plan.refresh_from_db()
    plan.workshop.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.without_review is False
    assert plan.workshop.status == Workshop.Status.PUBLISHED
    assert plan.workshop.title == "Spaziergang mit DGS"
    assert [c.kind for c in plan.comments.all()] == ["submission", "changes", "submission", "approval"]


def test_a_change_request_needs_a_text():
    plan = plan_for()
    services.plan_submit(plan=plan, by=plan.planner)
    with pytest.raises(services.TextRequired):
        services.plan_request_changes(plan=plan, by=fachteam(), text="  ")


def test_publishing_without_approval_is_refused_before_eigenregie():
    plan = plan_for()
    with pytest.raises(services.TransitionNotAllowed):
        services.plan_publish(plan=plan, by=plan.planner)


def test_a_submitted_plan_cannot_be_edited():
    plan = plan_for()
    services.plan_submit(plan=plan, by=plan.planner)
    with pytest.raises(services.PlanNotEditable):
        services.plan_update(plan=plan, by=plan.planner, title="Neu")


def test_moving_the_date_into_the_past_is_refused_and_nothing_changes():
    plan = plan_for()
    before = plan.workshop.starts_at
    with pytest.raises(services.DateInPast):
        services.plan_update(plan=plan, by=plan.planner, starts_at=timezone.now() - timedelta(hours=1))
    plan.workshop.refresh_from_db()
    assert plan.workshop.starts_at == before


def test_moving_the_date_moves_the_open_checklist():
    plan = plan_for()
    task = plan.tasks.order_by("due_date").first()
    services.plan_update(plan=plan, by=plan.planner, starts_at=future(70))
    task.refresh_from_db()
    assert task.due_date == timezone.localtime(future(70)).date() - timedelta(days=42)


def test_planner_removed_from_district_keeps_the_draft_and_the_fachteam_can_reassign():
    district = DistrictFactory()
    plan = plan_for(district=district)
    plan.planner.districts.clear()
    with pytest.raises(services.PlannerNotInDistrict):
        services.plan_submit(plan=plan, by=plan.planner)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    successor = planner(district)
    services.plan_reassign(plan=plan, by=fachteam(), planner=successor)
    services.plan_submit(plan=plan, by=successor)
    assert plan.tasks.filter(role="planner", assignee=successor).count() == 5


def test_duplicating_a_plan_keeps_the_concept_version():
    plan = plan_for()
    copy = services.plan_duplicate(plan=plan, by=plan.planner, starts_at=future(90))
    assert copy.concept_version == plan.concept_version
    assert copy.workshop.pk != plan.workshop.pk


# --- versions ------------------------------------------------------------------------------------------------


def test_editing_a_used_version_creates_a_new_version_and_runs_keep_theirs():
    plan = plan_for()
    used = plan.concept_version
    new, created = services.concept_version_update(
        version=used, fields={"goal": "Ein neues Ziel."}, change_log="Ziel geschärft"
    )
    assert created and new.number == used.number + 1
    used.refresh_from_db()
    plan.refresh_from_db()
    assert used.goal != "Ein neues Ziel."
    assert plan.concept_version == used
    assert [a.title for a in new.agenda.all()] == [a.title for a in used.agenda.all()]


def test_an_unused_version_is_edited_in_place():
    version = latest_version(concept())
    same, created = services.concept_version_update(version=version, fields={"goal": "Anders."})
    assert not created and same.pk == version.pk and same.goal == "Anders."


def test_next_version_records_the_change_points_it_took_up():
    plan = plan_for()
    point = services.change_point_add(workshop=plan.workshop, text="Kürzere Route.", by=plan.planner)
    version = services.concept_version_create(
        concept=plan.concept_version.concept, fields={}, change_log="Route gekürzt", taken_up=[point]
    )
    assert list(version.taken_up.all()) == [point]
    page = selectors.concept_page(slug=plan.concept_version.concept.slug)
    assert page is not None and page.open_points == []


def test_a_change_point_needs_a_concept():
    with pytest.raises(services.NoConcept):
        services.change_point_add(workshop=WorkshopFactory(), text="Mehr Pausen.")


# --- checklist reminders -------------------------------------------------------------------------------------


def test_reminders_go_once_per_task_and_once_more_when_overdue():
    plan = plan_for(days=45)
    today = timezone.localtime(plan.workshop.starts_at).date() - timedelta(days=43)
    assert services.checklist_reminders_send(today=today) == 1  # "Raum buchen" due in one day
    assert services.checklist_reminders_send(today=today) == 0
    assert services.checklist_reminders_send(today=today + timedelta(days=2)) == 1  # now overdue
    mail = OutboxMail.objects.filter(to=plan.planner.email).order_by("created_at").last()
    assert "Raum buchen" in mail.body_text
    assert "überfällig" in mail.subject


def test_done_tasks_get_no_reminder():
    plan = plan_for(days=45)
    for task in plan.tasks.all():
        services.plan_task_set_done(task=task, by=plan.planner)
    today = timezone.localtime(plan.workshop.starts_at).date()
    assert services.checklist_reminders_send(today=today) == 0


# --- facilitation record, coaching, run_by -----------------------------------------------------------------


def _city(**kwargs) -> User:
    return user_with_role(kind=User.OrganisationKind.DISTRICT_OFFICE, **kwargs)


def _process(**kwargs) -> User:
    return user_with_role(kind=User.OrganisationKind.PROCESS_TEAM, **kwargs)


def _held(district=None, days_ago=30):
    return WorkshopFactory(
        past=True, district=district or DistrictFactory(), starts_at=timezone.now() - timedelta(days=days_ago)
    )


def _run(person, role, *, days_ago, coach=None, process_lead=None, district=None):
    workshop = _held(district, days_ago)
    team_role = WorkshopTeamMember.Role.LEAD if role in ("lead", "tandem_lead") else WorkshopTeamMember.Role.CO
    WorkshopTeamMemberFactory(workshop=workshop, user=person, role=team_role)
    if process_lead is not None:
        WorkshopTeamMemberFactory(workshop=workshop, user=process_lead, role=WorkshopTeamMember.Role.CO)
        services.facilitation_record_set(
            workshop=workshop, person=process_lead, role="co_facilitation", by=None, confirm=True
        )
    services.facilitation_record_set(workshop=workshop, person=person, role=role, by=None, confirm=True)
    if coach is not None:
        services.coaching_note_add(person=person, workshop=workshop, coach=coach, text="Gute Zeitführung.")
    workshop.refresh_from_db()
    return workshop


def test_path_to_eigenregie_is_derived_from_the_record():
    person, pt, district = _city(), _process(), DistrictFactory()
    _run(person, "observer", days_ago=300, district=district)
    _run(person, "co_facilitation", days_ago=250, process_lead=pt, district=district)
    _run(person, "co_facilitation", days_ago=200, process_lead=pt, district=district)
    tandem = _run(person, "tandem_lead", days_ago=150, coach=pt, process_lead=pt, district=district)
    _run(person, "tandem_lead", days_ago=100, coach=pt, process_lead=pt, district=district)
    own = _run(person, "lead", days_ago=50, district=district)
    assert tandem.run_by == "tandem"
    assert own.run_by == "eigenregie"
    assert selectors.stage_of(user=person).stage == "lead"
    assert selectors.district_stage_of(district=district) == "eigenregie"


def test_a_coaching_note_completes_the_threshold_and_refreshes_later_workshops():
    person, pt, district = _city(), _process(), DistrictFactory()
    _run(person, "observer", days_ago=300, district=district)
    _run(person, "co_facilitation", days_ago=250, district=district)
    _run(person, "co_facilitation", days_ago=200, district=district)
    first = _run(person, "tandem_lead", days_ago=150, coach=pt, process_lead=pt, district=district)
    second = _run(person, "tandem_lead", days_ago=100, process_lead=pt, district=district)
    own = _run(person, "lead", days_ago=50, district=district)
    assert own.run_by == "prototype"
    info = selectors.stage_of(user=person)
    assert info.stage == "tandem_lead" and info.missing[0].needed == 1
    services.coaching_note_add(person=person, workshop=second, coach=pt, text="Souverän.")
    own.refresh_from_db()
    assert own.run_by == "eigenregie"
    assert first.run_by == "tandem"


def test_recording_a_role_for_someone_not_on_the_team_is_refused():
    with pytest.raises(services.NotOnTeam):
        services.facilitation_record_set(workshop=_held(), person=_city(), role="lead", by=None)


def test_coaching_note_about_someone_not_on_the_team_is_refused_with_a_clear_message():
    workshop = _held()
    stranger = _city(name="Alex Beispiel")
    with pytest.raises(services.NotOnTeam) as error:
        services.coaching_note_add(person=stranger, workshop=workshop, coach=_process(), text="Hallo")
    assert "Alex Beispiel" in error.value.message


def test_roles_are_confirmed_only_after_the_workshop_started():
    workshop = WorkshopFactory()
    WorkshopTeamMemberFactory(workshop=workshop, user=_city())
    with pytest.raises(services.NotYetHeld):
        services.facilitation_confirm_workshop(workshop=workshop, by=None)


def test_confirming_a_workshop_records_the_team_and_marks_tandem_beside_the_process_team():
    workshop = _held()
    city, pt = _city(), _process()
    WorkshopTeamMemberFactory(workshop=workshop, user=city, role=WorkshopTeamMember.Role.LEAD)
    WorkshopTeamMemberFactory(workshop=workshop, user=pt, role=WorkshopTeamMember.Role.CO)
    assert services.facilitation_confirm_workshop(workshop=workshop, by=None) == 2
    roles = dict(workshop.facilitation.values_list("person_id", "role"))
    assert roles == {city.pk: FacilitationRole.TANDEM_LEAD, pt.pk: FacilitationRole.CO_FACILITATION}
    workshop.refresh_from_db()
    assert workshop.run_by == "tandem"


OPS = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # person
        st.sampled_from(["observer", "co_facilitation", "tandem_lead", "lead"]),
        st.integers(min_value=1, max_value=400),  # days ago
        st.booleans(),  # with process team
        st.booleans(),  # coached
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_the_stored_run_by_always_equals_the_derivation(ops):
    people = [_city(), _city(), _city()]
    pt = _process()
    for person_index, role, days_ago, with_pt, coached in ops:
        _run(
            people[person_index],
            role,
            days_ago=days_ago,
            coach=pt if coached else None,
            process_lead=pt if with_pt else None,
        )
        derived = selectors.derived_run_by()
        stored = dict(Workshop.objects.values_list("pk", "run_by"))
        assert stored == derived


def test_derivation_queries_are_constant(django_assert_max_num_queries):
    person, pt = _city(), _process()
    for days in range(10, 200, 20):
        _run(person, "co_facilitation", days_ago=days, process_lead=pt)
    with django_assert_max_num_queries(4):
        selectors.derived_run_by()


def test_planner_tasks_are_listed_in_the_workspace():
    plan = plan_for()
    workspace = selectors.workspace_for(user=plan.planner)
    assert [p.pk for p in workspace.open] == [plan.pk]
    assert len(workspace.my_tasks) == PlanTask.objects.filter(assignee=plan.planner).count()


def test_reminder_task_is_in_the_beat_schedule_and_runs_the_service(settings):
    from planning import tasks

    entries = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "planning.tasks.checklist_reminders_send" in entries
    plan_for(days=20)
    assert tasks.checklist_reminders_send.apply().get() >= 1
    assert tasks.checklist_reminders_send.apply().get() == 0


def test_only_people_with_a_role_can_join_the_team():
    plan = plan_for()
    citizen = user_with_role()
    with pytest.raises(services.NotATeamCandidate):
        services.plan_team_add(plan=plan, by=plan.planner, user=citizen, role="co")
    from accounts.roles import Role

    facilitator = user_with_role(Role.MODERATION)
    services.plan_team_add(plan=plan, by=plan.planner, user=facilitator, role="lead")
    assert plan.tasks.get(role="lead").assignee == facilitator


def test_duplicating_a_workshop_in_the_workshops_app_keeps_its_concept_link():
    from workshops.services import workshop_duplicate

    plan = plan_for()
    copy = workshop_duplicate(workshop=plan.workshop, by=plan.planner)
    assert copy.plan.concept_version == plan.concept_version
    assert copy.plan.tasks.count() == plan.tasks.count()


def test_workshop_services_refuse_to_write_the_derived_run_by():
    from workshops.services import workshop_update

    plan = plan_for()
    with pytest.raises(ValueError, match="run_by"):
        workshop_update(workshop=plan.workshop, changes={"run_by": "eigenregie"})
