"""Factories of the recommendations tests. Reflection-side objects are built here too (plainly), so these
tests do not depend on another app's test helpers beyond tests/factories.py."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.roles import Role
from recommendations.models import (
    Comment,
    Endorsement,
    FieldOfAction,
    Milestone,
    Recommendation,
    ReportJob,
)
from reflections.models import CriterionRating, Insight, QualityCriterion, Reflection
from tests.factories import DistrictFactory, UserFactory, WorkshopFactory


def user_with_role(role: Role | None = None, **kwargs):
    user = UserFactory(**kwargs)
    if role is not None:
        group, _created = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
    return user


def fachteam_user(**kwargs):
    return user_with_role(Role.FACHTEAM, is_staff=True, **kwargs)


def network_user(**kwargs):
    return user_with_role(Role.NETZWERK, **kwargs)


def district_user(district=None, **kwargs):
    user = user_with_role(Role.BEZIRKSMANAGEMENT, is_staff=True, **kwargs)
    if district is not None:
        user.districts.add(district)
    return user


class FieldOfActionFactory(DjangoModelFactory):
    """The five fields are seeded by a migration; get one of them by slug (or create after a flush)."""

    class Meta:
        model = FieldOfAction
        django_get_or_create = ("slug",)

    slug = "kommunikation"
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    order = 3


class RecommendationFactory(DjangoModelFactory):
    """A draft created directly (no version/history); use the services to test behaviour."""

    class Meta:
        model = Recommendation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Einladungen in Leichter Sprache Nr. {n}")
    slug = factory.Sequence(lambda n: f"empfehlung-{n}")
    text = "Einladungen zu Bezirkswerkstätten erscheinen immer auch in Leichter Sprache."
    rationale = "In mehreren Werkstätten fehlten Menschen, die schwere Sprache ausschließt."
    field = factory.SubFactory(FieldOfActionFactory)
    addressee = Recommendation.Addressee.FACHTEAM
    responsible_unit = "Fachteam Beteiligung"
    city_wide = True
    status = Recommendation.Status.DRAFT
    status_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def workshops(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.workshops.set(extracted)

    @factory.post_generation
    def districts(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.districts.set(extracted)

    @factory.post_generation
    def insights(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.insights.set(extracted)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    recommendation = factory.SubFactory(RecommendationFactory)
    title = factory.Sequence(lambda n: f"Meilenstein {n}")


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    recommendation = factory.SubFactory(RecommendationFactory)
    author = factory.SubFactory(UserFactory)
    text = "Guter Vorschlag, bitte auch an Gebärdensprache denken."


class EndorsementFactory(DjangoModelFactory):
    class Meta:
        model = Endorsement

    recommendation = factory.SubFactory(RecommendationFactory)
    user = factory.SubFactory(UserFactory)


class ReflectionFactory(DjangoModelFactory):
    class Meta:
        model = Reflection

    workshop = factory.SubFactory(WorkshopFactory, past=True)
    author = factory.SubFactory(UserFactory)
    status = Reflection.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    attendance_count = 18
    what_worked = "Kleine Gruppen."
    internal_notes = "INTERNE NOTIZ – nie öffentlich"
    public_summary = "Die Teilnehmenden wünschen sich mehr Sitzgelegenheiten am Platz."


class InsightFactory(DjangoModelFactory):
    class Meta:
        model = Insight

    reflection = factory.SubFactory(ReflectionFactory)
    text = factory.Sequence(lambda n: f"Erkenntnis {n}: Einladungen über Vereine erreichen mehr Menschen.")
    public = True  # marked public as evidence (issue 15.6); tests of internal insights pass public=False


def criterion(slug=None) -> QualityCriterion:
    queryset = QualityCriterion.objects.order_by("order")
    found = queryset.filter(slug=slug).first() if slug else queryset.first()
    return found or QualityCriterion.objects.create(name="Lebendige Formate", slug="lebendige-formate", description="x")


class CriterionRatingFactory(DjangoModelFactory):
    class Meta:
        model = CriterionRating

    reflection = factory.SubFactory(ReflectionFactory)
    criterion = factory.LazyFunction(criterion)
    rating = 4


class ReportJobFactory(DjangoModelFactory):
    class Meta:
        model = ReportJob

    kind = ReportJob.Kind.RECOMMENDATIONS
    parameters = factory.LazyFunction(dict)
    title = "Handlungsempfehlungen"


__all__ = ["DistrictFactory", "UserFactory", "WorkshopFactory"]


def decision_data(**kwargs):
    """The decision a status change to Beschlossen or Verworfen needs (services.DecisionData)."""
    from datetime import date

    from recommendations.services import DecisionData

    defaults = {
        "body_kind": "bezirksrat",
        "body_name": "Stadtbezirksrat Linden-Limmer",
        "decided_on": date(2026, 11, 12),
        "reference": "15-2410/2026",
        "url": "https://ris.example.org/vorlage/15-2410-2026",
    }
    return DecisionData(**{**defaults, **kwargs})
