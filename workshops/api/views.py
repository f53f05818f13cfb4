"""Open-data workshop API and the registration endpoint (DESIGN §6). Writes go through workshops.services."""

import time
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core import fragments
from core.api import MOMENT_SCHEMA, SLUG_PATTERN
from core.exceptions import ApplicationError
from districts.api.parameters import district_parameter, quarter_parameter
from districts.models import Quarter

from .. import selectors, services, stamps
from ..models import Workshop
from ..ratelimit import registration_mail_allowed, registration_rate_limited, retry_after_seconds
from .serializers import (
    REGISTRATION_DETAIL,
    NotEnoughSeatsSerializer,
    RegistrationRequestSerializer,
    RegistrationResponseSerializer,
    RegistrationStampSerializer,
    WorkshopFilterSerializer,
    WorkshopSerializer,
)


class RegistrationThrottle(BaseThrottle):
    """Per IP, from REGISTRATION_RATE_LIMIT (the HTML form uses the same counters). Not per e-mail address:
    that would let anybody lock an address's owner out; per address only mails are limited (ratelimit)."""

    def allow_request(self, request, view) -> bool:
        return not registration_rate_limited(request=request)

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
    district_parameter(),
    quarter_parameter(),
    OpenApiParameter("format", OpenApiTypes.STR, pattern=SLUG_PATTERN, description="Slug of a workshop format"),
    OpenApiParameter("starts_after", MOMENT_SCHEMA, description="Date or ISO 8601 date-time, inclusive"),
    OpenApiParameter("starts_before", MOMENT_SCHEMA, description="Date or ISO 8601 date-time, exclusive"),
]

# Field of the request a domain error of registration_create belongs to.
ERROR_FIELDS = {
    "invalid_seats": "seats",
    "consent_missing": "privacy_consent",
    "support_consent_missing": "support_consent",
    "email_invalid": "email",
    "name_required": "name",
}


STAMP_ERRORS = {
    stamps.INVALID: _("Bitte holen Sie einen Stempel (registration-stamp) und senden Sie die Anmeldung damit."),
    stamps.TOO_FAST: _("Das ging sehr schnell. Bitte senden Sie die Anmeldung mit dem neuen Stempel noch einmal."),
    stamps.EXPIRED: _("Der Stempel ist abgelaufen. Bitte senden Sie die Anmeldung mit dem neuen Stempel noch einmal."),
    stamps.USED: _("Der Stempel wurde schon verwendet. Bitte senden Sie die Anmeldung mit dem neuen Stempel."),
}


def _moment_of(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


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
    workshop = Workshop.objects.public().filter(slug=slug).first()
    if workshop is None:
        raise Http404
    if ttl > 0:
        if len(_WORKSHOPS) > 500:
            _WORKSHOPS.clear()
        _WORKSHOPS[slug] = (now, workshop)
    return workshop


# What the list needs of each workshop to find its cached JSON and to compute registration_open and
# waitlist_open per request; the full rows are loaded only for the workshops whose JSON is not cached.
_STATE_FIELDS = (
    "pk",
    "updated_at",
    "seats_held",
    "seats_pending",
    "capacity",
    "status",
    "starts_at",
    "ends_at",
    "registration_opens_at",
    "registration_closes_at",
)


def _representations(workshops: list[Workshop], serializer: WorkshopSerializer) -> list[dict]:
    """The JSON of each workshop: built once per (workshop, `updated_at`, held seats) and kept a minute per
    process; `registration_open` and `waitlist_open` depend on the time and are computed per request."""
    keys = [("api-workshop", w.pk, w.updated_at.timestamp(), w.seats_available) for w in workshops]
    found = fragments.get_many(keys)
    missing = [w for w, key in zip(workshops, keys, strict=True) if key not in found]
    if missing:
        full = (
            Workshop.objects.select_related("district", "format")
            .prefetch_related(Prefetch("quarters", queryset=Quarter.objects.order_by("name")))
            .in_bulk([w.pk for w in missing])
        )
        built = {
            key: serializer.to_representation(full[w.pk])
            for w, key in zip(workshops, keys, strict=True)
            if key not in found
        }
        fragments.set_many(built)
        found.update(built)
    items = []
    for workshop, key in zip(workshops, keys, strict=True):
        item = dict(found[key])  # type: ignore[call-overload]
        item["registration_open"] = serializer.get_registration_open(workshop)
        item["waitlist_open"] = serializer.get_waitlist_open(workshop)
        items.append(item)
    return items


@extend_schema_view(
    list=extend_schema(
        summary="Public workshops",
        description="Public workshops (published, cancelled, held, documented) by start time, 20 per page.",
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

    def list(self, request, *args, **kwargs):
        """As DRF's list, with each workshop's JSON from the fragment cache (per workshop state); the
        quarters are loaded only for the workshops whose JSON must be built: two queries when all are cached,
        four when none is (three without the fragment cache, as DRF's own list)."""
        if not fragments.enabled():
            return super().list(request, *args, **kwargs)
        # The whole page (count, links, items) is the same for every client asking the same URL while no
        # public workshop changed: kept per URL and fingerprint (one aggregate query when it is cached).
        key = (
            "api-workshop-list",
            request.build_absolute_uri(),
            selectors.workshops_public_fingerprint(timezone.now()),
        )
        return Response(fragments.get_or_render(key, self._list_data))

    def _list_data(self):
        queryset = (
            self.filter_queryset(self.get_queryset()).prefetch_related(None).select_related(None).only(*_STATE_FIELDS)
        )
        page = self.paginate_queryset(queryset)
        workshops = list(page if page is not None else queryset)
        items = _representations(workshops, self.get_serializer())
        return self.get_paginated_response(items).data if page is not None else items

    @extend_schema(
        summary="Register for a workshop",
        description=(
            "Registers a person (plus companions: `seats`). The answer is `pending` (a confirmation link was "
            "mailed; the seats are held until then) or `waitlisted` (the mail's link confirms the address; only "
            "then can a freed seat be offered). A group larger than the free seats gets 409 "
            "`not_enough_seats` with `seats_available` unless it sends `waitlist: true`. The answer is the same "
            "for an address that is already registered, which gets no second seat. Bot protection as in the "
            "HTML form: a single-use `stamp` from `GET …/registration-stamp/` (time trap: send it no sooner than "
            "its `not_before`) and the honeypot `website` (leave it empty). Throttled per IP (429); registration "
            "mails per e-mail address are limited too, but silently: over that budget the answer is the same and "
            "nothing is stored or sent."
        ),
        request=RegistrationRequestSerializer,
        responses={
            201: RegistrationResponseSerializer,
            400: OpenApiResponse(
                description=(
                    "Field errors; registration closed / full (`detail`, `code`); or a stamp that is missing, "
                    "forged, too young, too old or used (`code` `stamp_invalid`, `stamp_too_fast`, `stamp_expired` "
                    "or `stamp_used`; the body adds a fresh `stamp` to send the registration again with)."
                ),
            ),
            409: OpenApiResponse(
                response=NotEnoughSeatsSerializer,
                description=(
                    "`not_enough_seats`: some seats are free, but fewer than `seats`. Nothing was stored. "
                    "Send again with `seats` ≤ `seats_available`, or with `waitlist: true` for the whole group."
                ),
            ),
            404: OpenApiResponse(description="No such public workshop"),
            429: OpenApiResponse(description="Too many registrations from this IP address"),
        },
    )
    @action(detail=True, methods=["post"], url_path="registrations", throttle_classes=[RegistrationThrottle])
    def registrations(self, request, slug=None):
        workshop = _published_workshop(slug)
        serializer = RegistrationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not data["website"].strip():
            problem = stamps.stamp_problem(data["stamp"], workshop_id=workshop.pk)
            if problem:
                refusal = {
                    "detail": str(STAMP_ERRORS[problem]),
                    "code": f"stamp_{problem}",
                    "stamp": stamps.next_stamp(data["stamp"], workshop_id=workshop.pk),
                }
                return Response(refusal, status=status.HTTP_400_BAD_REQUEST)
        support = data.get("support_needs")
        user = request.user if request.user.is_authenticated else None
        try:
            if data["website"].strip() or not registration_mail_allowed(email=data["email"]):
                # The honeypot was filled in, or the address's mail budget is used up: the answer a new
                # registration would get, but nothing is stored or sent.
                answer = services.registration_answer(workshop=workshop, seats=data["seats"], waitlist=data["waitlist"])
                return self._registered(answer)
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
                waitlist=data["waitlist"],
                language=data["language"] or getattr(request, "LANGUAGE_CODE", ""),
            )
        except services.NotEnoughSeats as error:
            body = {
                "detail": error.message,
                "code": error.code,
                "seats_available": error.seats_available,
                "seats_requested": error.seats_requested,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        except ApplicationError as error:
            field = ERROR_FIELDS.get(error.code)
            if field:
                raise ValidationError({field: [error.message]}) from error
            raise
        return self._registered(result.status)

    def _registered(self, answer: str) -> Response:
        body = {"status": answer, "detail": str(REGISTRATION_DETAIL)}
        return Response(RegistrationResponseSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a registration stamp",
        description=(
            "A single-use stamp for one registration of this workshop (bot protection, as the HTML form has). "
            "Send it with the registration no sooner than `not_before` (a few seconds: the time trap) and no "
            "later than `expires_at`."
        ),
        responses={200: RegistrationStampSerializer, 404: OpenApiResponse(description="No such public workshop")},
    )
    @action(detail=True, methods=["get"], url_path="registration-stamp")
    def registration_stamp(self, request, slug=None):
        workshop = _published_workshop(slug)
        issued = time.time()
        body = {
            "stamp": stamps.make_form_stamp(workshop_id=workshop.pk, at=issued),
            "not_before": _moment_of(issued + settings.REGISTRATION_MIN_FILL_SECONDS),
            "expires_at": _moment_of(issued + stamps.max_age_seconds()),
        }
        response = Response(RegistrationStampSerializer(body).data)
        response["Cache-Control"] = "no-store"
        return response
