import io
from datetime import timedelta

import pytest
from django.utils import timezone

from recommendations.models import Recommendation
from reflections.models import Commitment, FeedbackResponse, QualityCriterion
from tests.factories import DistrictFactory, RegistrationFactory, WorkshopFactory
from tests.recommendations.factories import (
    CriterionRatingFactory,
    FieldOfActionFactory,
    InsightFactory,
    MilestoneFactory,
    RecommendationFactory,
    ReflectionFactory,
)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def build_report_data(*, workshops: int = 3, registrations_per_workshop: int = 6, recommendations: int = 2) -> dict:
    """A district with held workshops, registrations, reflections (ratings, insights), commitments, feedback
    and public recommendations linked to them."""
    district = DistrictFactory(number=10)
    criteria = list(QualityCriterion.objects.order_by("order")[:7])
    base = (timezone.now() - timedelta(days=10)).replace(hour=17, minute=0, second=0, microsecond=0)
    created = []
    for i in range(workshops):
        starts = base - timedelta(days=i)
        if starts.year != base.year:
            starts = base
        workshop = WorkshopFactory(
            district=district,
            status="held",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=registrations_per_workshop + 10,
            run_by="eigenregie" if i % 2 else "prototype",
            title=f"Werkstatt Lindener Marktplatz {i + 1}",
        )
        for _ in range(registrations_per_workshop):
            RegistrationFactory(workshop=workshop, checked_in_at=timezone.now(), status_updates_opt_in=True)
        reflection = ReflectionFactory(workshop=workshop)
        for n, criterion in enumerate(criteria):
            CriterionRatingFactory(reflection=reflection, criterion=criterion, rating=1 + (n + i) % 5)
        InsightFactory(reflection=reflection, text=f"Erkenntnis Marktplatz {i + 1}: Bänke fehlen.")
        Commitment.objects.create(workshop=workshop, reflection=reflection, what="Bänke prüfen", who="Bezirksrat")
        for _ in range(6):
            FeedbackResponse.objects.create(workshop=workshop, overall=4, felt_heard=5, knows_next_steps=3)
        created.append(workshop)
    insights = [w.reflections.first().insights.first() for w in created]
    recs = []
    for i in range(recommendations):
        recommendation = RecommendationFactory(
            title=f"Mehr Sitzgelegenheiten im Stadtteil {i + 1}",
            status=Recommendation.Status.ADOPTED if i % 2 == 0 else Recommendation.Status.IN_PROGRESS,
            city_wide=False,
            districts=[district],
            workshops=created,
            insights=insights,
            field=FieldOfActionFactory(slug="ressourcen"),
            progress=40,
        )
        MilestoneFactory(recommendation=recommendation, title=f"Standorte prüfen {i + 1}")
        recs.append(recommendation)
    return {"district": district, "workshops": created, "recommendations": recs, "year": base.year}


@pytest.fixture
def report_data(db):
    return build_report_data()
