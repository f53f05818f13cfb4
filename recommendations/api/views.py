from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from core.api import SLUG_PATTERN, SLUG_RE
from districts.api.parameters import district_from_query, district_parameter
from reflections.models import Commitment, Insight
from workshops.models import Workshop

from ..models import HistoryEntry, Recommendation
from .serializers import RecommendationSerializer

PUBLIC_STATUSES = [s for s in Recommendation.Status.values if s != Recommendation.Status.DRAFT]


def _choice(params, name: str, choices: list[str]) -> str:
    """The value of `?name=` if it is one of `choices` ("" when absent or empty); 400 otherwise."""
    value = params.get(name) or ""
    if value and value not in choices:
        raise ValidationError({name: [_("Unbekannter Wert: %(value)s") % {"value": value[:50]}]})
    return value


@extend_schema_view(
    list=extend_schema(
        summary="Public recommendations (Handlungsempfehlungen) with status, evidence and history",
        parameters=[
            OpenApiParameter("status", str, enum=PUBLIC_STATUSES),
            OpenApiParameter("field", str, pattern=SLUG_PATTERN, description="slug of the field of action"),
            district_parameter("district slug (scope or evidence)"),
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
        if self.action != "list":
            return queryset
        if status := _choice(params, "status", PUBLIC_STATUSES):
            queryset = queryset.filter(status=status)
        if field := params.get("field"):
            if not SLUG_RE.fullmatch(field):
                raise ValidationError({"field": [_("Bitte die Kennung eines Handlungsfelds angeben.")]})
            queryset = queryset.filter(field__slug=field)
        if addressee := _choice(params, "addressee", Recommendation.Addressee.values):
            queryset = queryset.filter(addressee=addressee)
        if district := district_from_query(self.request):
            matching = Recommendation.objects.filter(Q(districts=district) | Q(workshops__district=district)).values(
                "pk"
            )
            queryset = queryset.filter(pk__in=matching)
        return queryset
