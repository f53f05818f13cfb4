"""Demo data: every status, evidence, co-creation; idempotent. Bulk data: counts and links."""

import io

import pytest
from django.core.management import call_command

from accounts.demo import seed_accounts
from recommendations import demo
from recommendations.management.commands.seed_scale import Command as SeedScale
from recommendations.models import Recommendation
from reflections import demo as reflections_demo
from workshops import demo as workshops_demo

pytestmark = pytest.mark.django_db


def seed_demo():
    """What `manage.py seed_demo` runs: the apps' demo modules in order."""
    users = seed_accounts()
    for module in (workshops_demo, reflections_demo, demo):
        module.seed(users=users, stdout=io.StringIO())


def test_seed_demo_adds_recommendations_in_every_status_with_evidence_and_co_creation():
    seed_demo()
    recommendations = Recommendation.objects.all()
    assert set(recommendations.values_list("status", flat=True)) == set(Recommendation.Status.values)
    assert all(r.workshops.exists() and r.insights.exists() for r in recommendations)
    draft = Recommendation.objects.get(slug="einladungen-in-leichter-sprache")
    assert draft.comments.filter(author__email="netzwerk@demo.invalid").count() == 2
    assert draft.endorsements.count() == 2
    assert draft.versions.count() == 2
    adopted = Recommendation.objects.get(status="implemented")
    assert adopted.history.filter(kind="status").count() == 4
    rejected = Recommendation.objects.get(status="rejected")
    assert rejected.rejection_reason
    seed_demo()
    assert Recommendation.objects.count() == len(demo.DEMO) + 2  # and the two consultation demos (issue 12)


def test_seed_scale_creates_linked_recommendations_in_bulk():
    out = io.StringIO()
    call_command(SeedScale(), workshops=5, registrations=20, reflections=12, recommendations=18, stdout=out)
    scale = Recommendation.objects.filter(slug__startswith=demo.SCALE_PREFIX)
    assert scale.count() == 18
    assert set(scale.values_list("status", flat=True)) == set(Recommendation.Status.values)
    assert all(r.workshops.count() >= 2 for r in scale)
    assert scale.filter(insights__isnull=False).exists()
    assert all(r.history.exists() and r.versions.exists() for r in scale)
    call_command(SeedScale(), workshops=5, registrations=20, reflections=12, recommendations=18, stdout=out)
    assert scale.count() == 18


def test_seed_scale_factor_multiplies_the_city_size_and_grows_existing_data(monkeypatch):
    from recommendations.management.commands import seed_scale
    from workshops.models import Registration, Workshop

    for key, value in {"workshops": 3, "registrations": 12, "reflections": 4, "recommendations": 5}.items():
        monkeypatch.setitem(seed_scale.CITY, key, value)
    out = io.StringIO()
    call_command(SeedScale(), factor=1, stdout=out)
    call_command(SeedScale(), factor=2, stdout=out)
    upcoming = Workshop.objects.filter(slug__regex=r"^scale-[0-9]")
    assert upcoming.count() == 6
    assert Registration.objects.filter(workshop__in=upcoming).count() == 24
    assert Workshop.objects.filter(slug__startswith=reflections_demo.SCALE_PREFIX).count() == 8
    assert Recommendation.objects.filter(slug__startswith=demo.SCALE_PREFIX).count() == 10
