"""Open-data API: public documentation of held workshops and aggregated quality-criterion figures.

Counts below settings.PUBLIC_MIN_COUNT are suppressed everywhere: their averages and counts are null."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from districts.api.parameters import district_from_query, district_parameter

from .. import selectors
from ..models import QualityCriterion
from .serializers import (
    CriterionFiguresSerializer,
    DocumentationListSerializer,
    DocumentationSerializer,
    QualityCriterionSerializer,
)

FILTERS = [
    district_parameter(),
    OpenApiParameter("starts_after", OpenApiTypes.DATE, description="Workshops starting on or after this day"),
    OpenApiParameter("starts_before", OpenApiTypes.DATE, description="Workshops starting on or before this day"),
]


def _date(request, name):
    value = request.query_params.get(name)
    if not value:
        return None
    field = serializers.DateField()
    try:
        return field.to_internal_value(value)
    except serializers.ValidationError as error:
        raise ValidationError({name: error.detail}) from error


def _feedback(summary):
    if summary is None or not summary.shown:
        return None
    return {
        "n": summary.n,
        "overall": _r(summary.overall.public_average()),
        "felt_heard": _r(summary.felt_heard.public_average()),
        "knows_next_steps": _r(summary.knows_next_steps.public_average()),
        "would_return": summary.public_would_return(),
        "criteria": [
            {
                "criterion": c.slug,
                "statement": c.feedback_statement or c.name,
                "average": _r(cell.public_average()),
            }
            for c, cell in summary.criteria
        ],
    }


def _r(value):
    return round(value, 2) if value is not None else None


class DocumentationViewSet(viewsets.ReadOnlyModelViewSet):
    """Public documentation of held workshops: joint summary, commitments with status, survey results
    (only with at least PUBLIC_MIN_COUNT answers) and photos of results with their alternative text."""

    lookup_field = "slug"
    serializer_class = DocumentationListSerializer

    def get_queryset(self):
        queryset = selectors.documented_workshops().order_by("-starts_at", "pk")
        district = district_from_query(self.request)
        if district is not None:
            queryset = queryset.filter(district=district)
        after, before = _date(self.request, "starts_after"), _date(self.request, "starts_before")
        if after:
            queryset = queryset.filter(starts_at__date__gte=after)
        if before:
            queryset = queryset.filter(starts_at__date__lte=before)
        return queryset

    @extend_schema(parameters=FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=DocumentationSerializer)
    def retrieve(self, request, *args, **kwargs):
        workshop = get_object_or_404(selectors.documented_workshops(), slug=kwargs["slug"])
        doc = selectors.workshop_documentation(workshop=workshop)
        attendance = doc.attendance if doc.attendance is not None and doc.attendance >= selectors.min_count() else None
        data = DocumentationListSerializer(workshop).data
        data.update(
            {
                "summary": "\n\n".join(r.public_summary.strip() for r in doc.summaries),
                "attendance": attendance,
                "commitments": DocumentationSerializer().fields["commitments"].to_representation(doc.commitments),
                "feedback": _feedback(doc.feedback),
                "photos": DocumentationSerializer().fields["photos"].to_representation(doc.photos),
            }
        )
        return Response(data)


class QualityCriterionViewSet(viewsets.ReadOnlyModelViewSet):
    """The quality criteria workshops are reflected against (incl. retired ones, with their date)."""

    lookup_field = "slug"
    serializer_class = QualityCriterionSerializer
    queryset = QualityCriterion.objects.order_by("order", "name")
    pagination_class = None

    @extend_schema(
        parameters=FILTERS,
        responses=CriterionFiguresSerializer(many=True),
        description=(
            "Aggregated figures per criterion for held workshops (optionally one district and a period): "
            "facilitators' average rating and participants' average perception, overall and per quarter. "
            "Averages and counts based on fewer than 5 values are suppressed (null, suppressed=true)."
        ),
    )
    @action(detail=False, methods=["get"])
    def figures(self, request):
        district = district_from_query(request)
        rows = selectors.criterion_figures(
            districts=[district] if district else None,
            start=_date(request, "starts_after"),
            end=_date(request, "starts_before"),
        )
        return Response(CriterionFiguresSerializer(rows, many=True).data)
