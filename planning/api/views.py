from rest_framework import viewsets

from .. import selectors
from .serializers import ConceptSerializer


class ConceptViewSet(viewsets.ReadOnlyModelViewSet):
    """Workshop concepts (Werkstattkonzepte) with all their versions and the runs of each version."""

    serializer_class = ConceptSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.concepts_for_api()
