"""Open-data workshop API and the registration endpoint (DESIGN §6). Writes go through workshops.services."""

import time

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core.exceptions import ApplicationError

from .. import selectors, services
from ..models import Workshop
from ..ratelimit import registration_rate_limited, retry_after_seconds
from .serializers import (
    RegistrationRequestSerializer,
    RegistrationResponseSerializer,
    WorkshopFilterSerializer,
    WorkshopSerializer,
)


class RegistrationThrottle(BaseThrottle):
    """Per IP and per e-mail address, from REGISTRATION_RATE_LIMIT (the HTML form uses the same counters)."""

    def allow_request(self, request, view) -> bool:
        email = request.data.get("email", "") if hasattr(request.data, "get") else ""
        return not registration_rate_limited(request=request, email=str(email or ""))

    def wait(self) -> float | None:
        return retry_after_seconds() or None


class _NoFormatOverride:
    URL_FORMAT_OVERRIDE = None

    def __getattr__(self, name):
        return getattr(api_settings, name)


class FormatFilterNegotiation(DefaultContentNegotiation):
    """`?format=` is a filter here (DESIGN §6), not DRF's renderer override."""

    settings = _NoFormatOverride()


FILTER_PARAMETERS = [
    OpenApiParameter("district", OpenApiTypes.STR, description="Slug of a Stadtbezirk, e.g. `linden-limmer`"),
    OpenApiParameter("quarter", OpenApiTypes.STR, description="Slug of a Stadtteil, e.g. `linden-nord`"),
    OpenApiParameter("format", OpenApiTypes.STR, description="Slug of a workshop format"),
    OpenApiParameter("starts_after", OpenApiTypes.DATETIME, description="Date or ISO 8601 date-time, inclusive"),
    OpenApiParameter("starts_before", OpenApiTypes.DATETIME, description="Date or ISO 8601 date-time, exclusive"),
]

# Field of the request a domain error of registration_create belongs to.
ERROR_FIELDS = {
    "invalid_seats": "seats",
    "consent_missing": "privacy_consent",
    "support_consent_missing": "support_consent",
    "email_invalid": "email",
    "name_required": "name",
}


_WORKSHOPS: dict[str, tuple[float, Workshop]] = {}


def _published_workshop(slug: str) -> Workshop:
    """The workshop a registration is for, reused for WORKSHOPS_API_WORKSHOP_CACHE_SECONDS per process.

    During a rush every request names the same workshop; this saves its query (about a tenth of the CPU of
    a registration). Staleness is harmless: the seat statement itself requires a published workshop with
    free seats, and the waiting-list path re-reads the workshop under its row lock."""
    ttl = settings.WORKSHOPS_API_WORKSHOP_CACHE_SECONDS
    now = time.monotonic()
    hit = _WORKSHOPS.get(slug)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    workshop = Workshop.objects.published().filter(slug=slug).first()
    if workshop is None:
        raise Http404
    if ttl > 0:
        if len(_WORKSHOPS) > 500:
            _WORKSHOPS.clear()
        _WORKSHOPS[slug] = (now, workshop)
    return workshop


@extend_schema_view(
    list=extend_schema(
        summary="Public workshops",
        description="Published, held and documented workshops by start time, 20 per page.",
        parameters=FILTER_PARAMETERS,
    ),
    retrieve=extend_schema(summary="One workshop"),
)
class WorkshopViewSet(viewsets.ReadOnlyModelViewSet):
    """Hannover's Bezirkswerkstätten as open data; registration without an account (double opt-in)."""

    serializer_class = WorkshopSerializer
    lookup_field = "slug"
    content_negotiation_class = FormatFilterNegotiation

    def get_queryset(self):
        if self.action != "list":
            return selectors.workshops_public()
        filters = WorkshopFilterSerializer(data=self.request.query_params)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        return selectors.workshops_public(**filters.validated_data)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        summary="Register for a workshop",
        description=(
            "Registers a person (plus companions: `seats`). The answer is `pending` (a confirmation link was "
            "mailed; the seats are held until then) or `waitlisted`. It is the same for an address that is "
            "already registered, which gets no second seat. Throttled per IP and e-mail address (429)."
        ),
        request=RegistrationRequestSerializer,
        responses={
            201: RegistrationResponseSerializer,
            400: OpenApiResponse(description="Field errors, or registration closed / full (`detail`, `code`)"),
            404: OpenApiResponse(description="No such public workshop"),
            429: OpenApiResponse(description="Too many registrations from this address or for this e-mail"),
        },
    )
    @action(detail=True, methods=["post"], url_path="registrations", throttle_classes=[RegistrationThrottle])
    def registrations(self, request, slug=None):
        workshop = _published_workshop(slug)
        serializer = RegistrationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        support = data.get("support_needs")
        user = request.user if request.user.is_authenticated else None
        try:
            result = services.registration_create(
                workshop=workshop,
                name=data["name"],
                email=data["email"],
                seats=data["seats"],
                quarter=data["quarter"],
                support=services.SupportNeeds(**support) if support else None,
                support_consent=data["support_consent"],
                privacy_consent=data["privacy_consent"],
                status_updates_opt_in=data["status_updates_opt_in"],
                user=user,
            )
        except ApplicationError as error:
            field = ERROR_FIELDS.get(error.code)
            if field:
                raise ValidationError({field: [error.message]}) from error
            raise
        return Response(RegistrationResponseSerializer({"status": result.status}).data, status=status.HTTP_201_CREATED)
