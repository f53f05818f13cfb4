"""Query parameters of the API that name a Stadtbezirk or a Stadtteil, shared by every list endpoint.

The schema lists the slugs of the reference data (districts/data, loaded by the migration), so clients and
schema fuzzers know the valid values; a slug that names no district or quarter is answered with 400, the
same on every endpoint. An empty value means "no filter" (`allowEmptyValue`, core.api)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from ..models import District, Quarter
from ..reference import german_slug, read_rows

_ROWS = list(read_rows())
DISTRICT_SLUGS = sorted({german_slug(row.district_name) for row in _ROWS})
QUARTER_SLUGS = sorted({german_slug(row.quarter_name) for row in _ROWS})
UNKNOWN_DISTRICT = _("Unbekannter Stadtbezirk.")
UNKNOWN_QUARTER = _("Unbekannter Stadtteil.")


def district_parameter(description: str = "Slug of a Stadtbezirk, e.g. `linden-limmer`") -> OpenApiParameter:
    return OpenApiParameter("district", OpenApiTypes.STR, enum=DISTRICT_SLUGS, description=description)


def quarter_parameter(description: str = "Slug of a Stadtteil, e.g. `linden-nord`") -> OpenApiParameter:
    return OpenApiParameter("quarter", OpenApiTypes.STR, enum=QUARTER_SLUGS, description=description)


def district_from_query(request) -> District | None:
    """The district named by `?district=` (None when absent or empty); 400 when no district has that slug."""
    slug = request.query_params.get("district")
    if not slug:
        return None
    district = District.objects.filter(slug=slug).first()
    if district is None:
        raise ValidationError({"district": [UNKNOWN_DISTRICT]})
    return district


def check_quarter_slug(slug: str) -> str:
    """For a serializer's `validate_quarter`: the slug, if a quarter has it."""
    if not Quarter.objects.filter(slug=slug).exists():
        raise ValidationError(UNKNOWN_QUARTER)
    return slug


def check_district_slug(slug: str) -> str:
    """For a serializer's `validate_district`: the slug, if a district has it."""
    if not District.objects.filter(slug=slug).exists():
        raise ValidationError(UNKNOWN_DISTRICT)
    return slug
