from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from reflections.models import Commitment, Insight
from workshops.models import Workshop

from ..models import HistoryEntry, Recommendation
from .serializers import RecommendationSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Public recommendations (Handlungsempfehlungen) with status, evidence and history",
        parameters=[
            OpenApiParameter("status", str, enum=[s for s in Recommendation.Status.values if s != "draft"]),
            OpenApiParameter("field", str, description="slug of the field of action"),
            OpenApiParameter("district", str, description="district slug (scope or evidence)"),
            OpenApiParameter("addressee", str, enum=Recommendation.Addressee.values),
        ],
    ),
    retrieve=extend_schema(summary="One public recommendation"),
)
class RecommendationViewSet(viewsets.ReadOnlyModelViewSet):
    """Open data: every public recommendation (never drafts), in a constant number of queries per page."""

    serializer_class = RecommendationSerializer
    lookup_field = "slug"

    def get_queryset(self):
        queryset = (
            Recommendation.objects.public()
            .select_related("field", "owner_unit", "decision", "decision__paper")
            .prefetch_related(
                "districts",
                "owners",
                Prefetch(
                    "workshops",
                    queryset=Workshop.objects.prefetch_related(
                        Prefetch(
                            "commitments",
                            queryset=Commitment.objects.select_related("unit", "workshop").order_by("order", "pk"),
                        )
                    ),
                ),
                Prefetch("insights", queryset=Insight.objects.select_related("reflection")),
                Prefetch("history", queryset=HistoryEntry.objects.order_by("created_at", "pk")),
            )
            .order_by("field__order", "title")
        )
        params = self.request.query_params
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        if params.get("field"):
            queryset = queryset.filter(field__slug=params["field"])
        if params.get("addressee"):
            queryset = queryset.filter(addressee=params["addressee"])
        if params.get("district"):
            district = params["district"]
            matching = Recommendation.objects.filter(
                Q(districts__slug=district) | Q(workshops__district__slug=district)
            ).values("pk")
            queryset = queryset.filter(pk__in=matching)
        return queryset
