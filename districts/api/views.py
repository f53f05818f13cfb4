from rest_framework import viewsets

from ..models import District
from .serializers import DistrictDetailSerializer, DistrictSerializer


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    """Hannover's 13 Stadtbezirke with their Stadtteile. Population figures carry their as-of date."""

    serializer_class = DistrictSerializer
    queryset = District.objects.with_quarters()
    lookup_field = "slug"
    pagination_class = None

    def get_serializer_class(self):
        return DistrictDetailSerializer if self.action == "retrieve" else DistrictSerializer
