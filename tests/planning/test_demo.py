"""Demo data of the planning app: stages per district, planner per stage, open checklist; idempotent."""

import io

import pytest
from django.utils import timezone

from accounts.demo import seed_accounts
from planning import demo, selectors
from planning.models import Concept, PlanStatus, PlanTask, WorkshopPlan
from reflections import demo as reflections_demo
from workshops import demo as workshops_demo
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def seed():
    users = seed_accounts()
    for module in (workshops_demo, reflections_demo, demo):
        module.seed(users=users, stdout=io.StringIO())


def test_demo_has_each_district_stage_and_a_planner_per_stage():
    seed()
    stages = {
        d.slug: selectors.district_stage_of(district=d) for d in __import__("districts").models.District.objects.all()
    }
    assert stages["vahrenwald-list"] == "eigenregie"
    assert stages["linden-limmer"] == "tandem"
    assert stages["mitte"] == "prototyp"
    for email in ("bezirk@demo.invalid", "planung.list@demo.invalid", "planung.mitte@demo.invalid"):
        assert WorkshopPlan.objects.filter(planner__email=email).exists()
    from accounts.models import User

    assert selectors.stage_of(user=User.objects.get(email=demo.LEAD_EMAIL)).stage == "lead"


def test_demo_concepts_have_versions_runs_and_taken_up_points():
    seed()
    walk = Concept.objects.get(slug="stadtteilspaziergang")
    talk = Concept.objects.get(slug="werkstattgespraech-an-thementischen")
    assert walk.versions.count() == 3 and talk.versions.count() == 2
    assert walk.versions.get(number=2).taken_up.count() == 2
    page = selectors.concept_page(slug=walk.slug)
    assert len(page.runs) >= 4


def test_demo_has_an_open_checklist_with_exactly_one_overdue_task_and_a_plan_to_review():
    seed()
    plan = WorkshopPlan.objects.get(planner__email="bezirk@demo.invalid", status=PlanStatus.DRAFT)
    overdue = PlanTask.objects.filter(plan=plan, done_at__isnull=True, due_date__lt=timezone.localdate())
    assert overdue.count() == 1
    assert WorkshopPlan.objects.filter(status=PlanStatus.SUBMITTED).exists()


def test_demo_is_idempotent_and_run_by_equals_the_derivation():
    seed()
    counts = (Concept.objects.count(), WorkshopPlan.objects.count(), PlanTask.objects.count())
    seed()
    assert (Concept.objects.count(), WorkshopPlan.objects.count(), PlanTask.objects.count()) == counts
    assert dict(Workshop.objects.values_list("pk", "run_by")) == selectors.derived_run_by()


def test_seed_scale_links_bulk_workshops_to_concepts_and_records():
    from django.core.management import call_command

    from planning.models import FacilitationRecord
    from recommendations.management.commands.seed_scale import Command as SeedScale

    out = io.StringIO()
    call_command(SeedScale(), workshops=6, registrations=10, reflections=4, concepts=3, stdout=out)
    scale = Concept.objects.filter(slug__startswith=demo.SCALE_PREFIX)
    assert scale.count() == 3
    linked = WorkshopPlan.objects.filter(workshop__slug__startswith="scale-").count()
    assert linked >= 6
    assert FacilitationRecord.objects.filter(workshop__slug__startswith="scale-").exists()
    call_command(SeedScale(), workshops=6, registrations=10, reflections=4, concepts=3, stdout=out)
    assert scale.count() == 3
