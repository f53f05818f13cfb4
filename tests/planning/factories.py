"""Factories of the planning app. `plan_for(...)` goes through plan_create (the real path)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import Role
from planning import services
from planning.models import Concept, ConceptVersion, TaskRole, Venue
from tests.factories import DistrictFactory, FormatFactory, MethodFactory, UserFactory


def user_with_role(role: Role | None = None, *, districts=(), kind: str = "", **kwargs) -> User:
    user = UserFactory(organisation_kind=kind, **kwargs)
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if districts:
        user.districts.set(districts)
    return user


def planner(district=None, **kwargs) -> User:
    district = district or DistrictFactory()
    return user_with_role(
        Role.BEZIRKSMANAGEMENT, districts=[district], kind=User.OrganisationKind.DISTRICT_OFFICE, **kwargs
    )


def fachteam(**kwargs) -> User:
    return user_with_role(Role.FACHTEAM, kind=User.OrganisationKind.ADMINISTRATION, **kwargs)


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ("district", "name")

    name = factory.Sequence(lambda n: f"Stadtteilzentrum {n}")
    address = "Am Lindener Berge 1, 30449 Hannover"
    district = factory.SubFactory(DistrictFactory)
    capacity = 40
    step_free = True
    accessible_toilet = True
    induction_loop = False


def concept(title: str = "Stadtteilspaziergang", **fields) -> Concept:
    method = MethodFactory()
    defaults = {
        "goal": "Orte im Stadtteil gemeinsam ansehen und Ideen sammeln.",
        "format": FormatFactory(),
        "duration_minutes": 120,
        "target_groups": "Nachbarschaft, Jugendliche",
        "roles_needed": "Moderation\nCo-Moderation\nProtokoll",
        "materials": "Karten, Stifte",
        "accessibility_checklist": "Route stufenlos\nPausenplätze",
        "invitation_text": "Kommen Sie mit auf einen Spaziergang durch Ihren Stadtteil.",
    }
    defaults.update(fields)
    return services.concept_create(
        title=title,
        summary="Ein Spaziergang mit Stationen.",
        agenda=[
            services.AgendaStep("Ankommen", 15),
            services.AgendaStep("Spaziergang mit Stationen", 75, method.pk),
            services.AgendaStep("Ergebnisse sammeln", 30),
        ],
        timeline=[
            services.TimelineTask("Raum buchen", -42),
            services.TimelineTask("Gebärdensprachdolmetschung bestellen", -28),
            services.TimelineTask("Einladen", -21),
            services.TimelineTask("Material drucken", -7),
            services.TimelineTask("Erinnern", -2),
            services.TimelineTask("Reflektieren", 3, TaskRole.LEAD),
        ],
        **defaults,
    )


def latest_version(c: Concept) -> ConceptVersion:
    return c.versions.order_by("-number").first()  # type: ignore[return-value]


def future(days: int = 60, hour: int = 17):
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def plan_for(*, district=None, who=None, version=None, days: int = 60, venue=None, **kwargs):
    district = district or DistrictFactory()
    who = who or planner(district)
    version = version or latest_version(concept())
    return services.plan_create(
        concept_version=version, district=district, planner=who, starts_at=future(days), venue=venue, **kwargs
    )
