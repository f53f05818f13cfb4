"""The planning workspace and the concept page run a constant number of queries, whatever the number of
plans, runs or ratings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planning import services
from reflections.models import CriterionRating, QualityCriterion, Reflection
from tests.auth import login_with_mfa
from tests.factories import DistrictFactory, UserFactory
from tests.planning.factories import concept, fachteam, latest_version, plan_for, planner
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _run_with_rating(version, district, who, days):
    plan = plan_for(district=district, who=who, version=version, days=days)
    services.plan_submit(plan=plan, by=who)
    services.plan_approve(plan=plan, by=fachteam())
    services.plan_publish(plan=plan, by=who)
    Workshop.objects.filter(pk=plan.workshop_id).update(
        status=Workshop.Status.DOCUMENTED,
        starts_at=timezone.now() - timezone.timedelta(days=days),
        ends_at=timezone.now() - timezone.timedelta(days=days) + timezone.timedelta(hours=2),
    )
    reflection = Reflection.objects.create(
        workshop_id=plan.workshop_id, author=UserFactory(), status="submitted", submitted_at=timezone.now()
    )
    for criterion in QualityCriterion.objects.all()[:3]:
        CriterionRating.objects.create(reflection=reflection, criterion=criterion, rating=4)
    services.change_point_add(workshop=plan.workshop, text=f"Punkt {days}", by=who)
    return plan


def test_concept_page_queries_do_not_grow_with_runs(client):
    district = DistrictFactory()
    who = planner(district)
    version = latest_version(concept())
    _run_with_rating(version, district, who, 30)
    url = version.concept.get_absolute_url()
    few = _count(client, url)
    for days in (40, 50, 60, 70):
        _run_with_rating(version, district, who, days)
    services.concept_version_create(concept=version.concept, fields={"goal": "Neu"}, change_log="Neu")
    assert _count(client, url) == few


def test_workspace_queries_do_not_grow_with_plans(client):
    district = DistrictFactory()
    who = planner(district)
    version = latest_version(concept())
    plan_for(district=district, who=who, version=version, days=30)
    login_with_mfa(client, who)
    url = reverse("planning:workspace")
    few = _count(client, url)
    for days in (40, 50, 60, 70, 80):
        plan_for(district=district, who=who, version=version, days=days)
    assert _count(client, url) == few


def test_fachteam_workspace_queries_do_not_grow_with_plans(client):
    team = fachteam()
    version = latest_version(concept())
    for number, days in ((1, 30), (2, 31)):
        plan = plan_for(district=DistrictFactory(number=number), version=version, days=days)
        services.plan_submit(plan=plan, by=plan.planner)
    login_with_mfa(client, team)
    url = reverse("planning:workspace")
    few = _count(client, url)
    for number, days in ((3, 40), (4, 41), (5, 42)):
        plan = plan_for(district=DistrictFactory(number=number), version=version, days=days)
        services.plan_submit(plan=plan, by=plan.planner)
    assert _count(client, url) == few
