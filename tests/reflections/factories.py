"""Factories of the reflections app (factory_boy), on top of tests/factories.py.

`held_workshop()` is a workshop that ended two days ago (status held) with a lead facilitator;
`ReflectionFactory()` is a draft; `submitted_reflection(...)` rates every active criterion and submits
through the service."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.roles import Role
from reflections import services
from reflections.models import Commitment, FeedbackResponse, Insight, QualityCriterion, Reflection
from tests.factories import (
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
    WorkshopTeamMemberFactory,
)
from workshops.models import Workshop, WorkshopTeamMember


def with_role(user, role: Role, districts=()):
    user.groups.add(Group.objects.get(name=role.value))
    if districts:
        user.districts.set(districts)
    return type(user).objects.get(pk=user.pk)


def facilitator(**kwargs):
    return with_role(UserFactory(**kwargs), Role.MODERATION)


def held_workshop(*, lead=None, days_ago: int = 2, team=(), **kwargs) -> Workshop:
    """A workshop that ended `days_ago` days ago, status held, with `lead` (created if None) as lead."""
    starts_at = (timezone.now() - timedelta(days=days_ago, hours=3)).replace(second=0, microsecond=0)
    workshop = WorkshopFactory(
        status=Workshop.Status.HELD,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        registration_opens_at=starts_at - timedelta(days=30),
        **kwargs,
    )
    WorkshopTeamMemberFactory(workshop=workshop, user=lead or facilitator(), role=WorkshopTeamMember.Role.LEAD)
    for user, role in team:
        WorkshopTeamMemberFactory(workshop=workshop, user=user, role=role)
    return workshop


def attendees(workshop: Workshop, count: int, *, checked_in: bool = True, **kwargs) -> list:
    """`count` confirmed registrations (checked in at the start unless told otherwise)."""
    return [
        RegistrationFactory(workshop=workshop, checked_in_at=workshop.starts_at if checked_in else None, **kwargs)
        for _ in range(count)
    ]


def lead_of(workshop: Workshop):
    return workshop.team.get(role=WorkshopTeamMember.Role.LEAD).user


def full_data(reflection: Reflection, *, rating: int = 4, summary: str = "Zusammenfassung.", rating_map=None, **kwargs):
    """Complete form data: every criterion on the reflection rated (`rating_map` overrides per criterion id)."""
    rating_map = rating_map or {}
    ratings = [
        services.RatingData(criterion_id=r.criterion_id, rating=rating_map.get(r.criterion_id, rating))
        for r in reflection.ratings.all()
    ]
    defaults = {
        "attendance_count": 12,
        "what_worked": "Kleingruppen",
        "public_summary": summary,
        "ratings": ratings,
        "insights": [services.InsightData(text="Eine Erkenntnis")],
        "commitments": [services.CommitmentData(what="Protokoll verschicken", who="Prozessteam")],
    }
    defaults.update(kwargs)
    return services.ReflectionData(**defaults)


def submitted_reflection(workshop: Workshop, author=None, *, rating: int = 4, now=None, **kwargs) -> Reflection:
    author = author or lead_of(workshop)
    reflection = services.reflection_start(workshop=workshop, author=author)
    services.reflection_save_draft(reflection=reflection, data=full_data(reflection, rating=rating, **kwargs))
    return services.reflection_submit(reflection=reflection, now=now)


class ReflectionFactory(DjangoModelFactory):
    class Meta:
        model = Reflection

    workshop = factory.LazyFunction(held_workshop)
    author = factory.LazyAttribute(lambda o: lead_of(o.workshop))
    author_role = WorkshopTeamMember.Role.LEAD


class InsightFactory(DjangoModelFactory):
    class Meta:
        model = Insight

    reflection = factory.SubFactory(ReflectionFactory)
    text = factory.Sequence(lambda n: f"Erkenntnis {n}")
    public = True  # marked public as evidence (issue 15.6); tests of internal insights pass public=False


class CommitmentFactory(DjangoModelFactory):
    class Meta:
        model = Commitment

    reflection = factory.SubFactory(ReflectionFactory)
    workshop = factory.LazyAttribute(lambda o: o.reflection.workshop)
    what = factory.Sequence(lambda n: f"Vereinbarung {n}")
    who = "Fachbereich Tiefbau"


class FeedbackResponseFactory(DjangoModelFactory):
    class Meta:
        model = FeedbackResponse

    workshop = factory.LazyFunction(held_workshop)
    overall = 4
    felt_heard = 4
    knows_next_steps = 3
    would_return = "yes"


def criteria() -> list[QualityCriterion]:
    return list(QualityCriterion.objects.active())
