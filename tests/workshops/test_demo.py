"""Demo data: realistic, consistent with the seat counter, idempotent; bulk data for performance work."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from accounts.demo import seed_accounts
from workshops import demo
from workshops.models import Format, Method, Registration, Workshop, WorkshopTeamMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return seed_accounts()


def seed(users) -> str:
    out = io.StringIO()
    demo.seed(users=users, stdout=out)
    return out.getvalue()


def test_formats_and_a_method_library_of_real_methods(users):
    seed(users)
    assert Format.objects.filter(slug__in=["werkstattgespraech", "stadtteilspaziergang", "world-cafe"]).count() == 3
    assert Method.objects.filter(is_published=True).count() >= 10
    world_cafe = Method.objects.get(slug="world-cafe")
    assert len(world_cafe.steps.splitlines()) >= 4
    assert world_cafe.accessibility_notes


def test_workshops_in_most_districts_and_several_in_linden_limmer(users):
    seed(users)
    public = Workshop.objects.exclude(status=Workshop.Status.DRAFT)
    assert public.values("district").distinct().count() >= 10
    assert Workshop.objects.filter(district__slug="linden-limmer").count() >= 4


def test_every_state_the_pages_need_exists(users):
    seed(users)
    held = Workshop.objects.filter(status__in=[Workshop.Status.HELD, Workshop.Status.DOCUMENTED])
    assert held.count() >= 4
    attended = Registration.objects.filter(workshop__in=held, checked_in_at__isnull=False)
    no_shows = Registration.objects.filter(workshop__in=held, status="confirmed", checked_in_at__isnull=True)
    assert attended.exists()
    assert no_shows.exists()
    upcoming = Workshop.objects.filter(
        status=Workshop.Status.PUBLISHED, ends_at__gt=held.order_by("-ends_at")[0].ends_at
    )
    assert any(w.seats_available > 0 for w in upcoming)
    full = Workshop.objects.get(slug="limmerstrasse-verkehr")
    assert full.seats_available == 0
    assert full.registrations.filter(status=Registration.Status.WAITLISTED).count() >= 2
    assert Workshop.objects.filter(status=Workshop.Status.DRAFT).count() == 1
    cancelled = Workshop.objects.get(status=Workshop.Status.CANCELLED)
    assert cancelled.cancellation_reason


def test_seat_counter_equals_the_recount_for_every_workshop(users):
    seed(users)
    workshops = Workshop.objects.annotate(
        recount=Sum("registrations__seats", filter=Q(registrations__holds_seats=True))
    )
    assert [(w.slug, w.seats_held) for w in workshops] == [(w.slug, w.recount or 0) for w in workshops]
    assert all(w.seats_held <= w.capacity for w in workshops)


def test_confirmed_registrations_have_unique_check_in_codes_per_workshop(users):
    seed(users)
    duplicates = (
        Registration.objects.exclude(check_in_code="")
        .values("workshop", "check_in_code")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    assert not Registration.objects.filter(status="confirmed", check_in_code="").exists()


def test_both_facilitators_lead_workshops_and_teams_are_multiprofessional(users):
    seed(users)
    leads = WorkshopTeamMember.objects.filter(role=WorkshopTeamMember.Role.LEAD)
    assert leads.filter(user=users["moderation"]).count() >= 3
    assert leads.filter(user=users["moderation2"]).count() >= 3
    assert WorkshopTeamMember.objects.filter(user=users["bezirk"], role="district_office").exists()
    assert WorkshopTeamMember.objects.filter(user=users["netzwerk"], role="network_partner").exists()
    assert Workshop.objects.filter(run_by=Workshop.RunBy.EIGENREGIE).exists()


def test_the_demo_citizen_has_registrations(users):
    seed(users)
    assert Registration.objects.filter(user=users["buerger"]).count() >= 2


def test_running_it_twice_creates_nothing_new(users):
    seed(users)
    counts = (Workshop.objects.count(), Registration.objects.count(), Method.objects.count(), Format.objects.count())
    output = seed(users)
    assert (Workshop.objects.count(), Registration.objects.count(), Method.objects.count(), Format.objects.count()) == (
        counts
    )
    assert "0 new registrations" in output


def test_seed_scale_creates_workshops_with_registrations_consistently(db):
    out = io.StringIO()
    call_command("seed_scale", workshops=5, registrations=42, stdout=out)
    scale = Workshop.objects.filter(slug__startswith=demo.SCALE_PREFIX)
    assert scale.count() == 5
    assert Registration.objects.filter(workshop__in=scale).count() == 42
    assert all(w.seats_held == w.registrations.filter(holds_seats=True).count() for w in scale)
    call_command("seed_scale", workshops=5, registrations=42, stdout=out)
    assert Registration.objects.filter(workshop__in=scale).count() == 42
    assert scale.count() == 5
