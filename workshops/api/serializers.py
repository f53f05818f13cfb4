"""Serializers of the open-data workshop API and the registration endpoint (DESIGN §6)."""

import re
from datetime import UTC, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ConsentField
from core.validators import PlainTextSerializerMixin
from districts.api.parameters import check_district_slug, check_quarter_slug
from districts.models import Quarter

from .. import selectors
from ..models import Workshop
from ..tokens import workshop_url


class DistrictRefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()


class QuarterRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()


class FormatRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()


class VenueSerializer(serializers.Serializer):
    name = serializers.CharField(source="venue_name")
    address = serializers.CharField(source="venue_address")
    step_free = serializers.BooleanField(source="venue_step_free")
    accessible_toilet = serializers.BooleanField(source="venue_accessible_toilet")
    induction_loop = serializers.BooleanField(source="venue_induction_loop")
    public_transport = serializers.CharField(source="venue_public_transport")
    online = serializers.SerializerMethodField(help_text="Participation by video conference is offered.")
    online_url = serializers.SerializerMethodField(
        help_text="Always empty: the access link is sent only to confirmed participants (mail, manage page)."
    )

    def get_online(self, workshop) -> bool:
        return bool(workshop.online_url)

    def get_online_url(self, workshop) -> str:
        return ""


class WorkshopSerializer(serializers.ModelSerializer):
    """A public workshop. `seats_available`, `registration_open` and `waitlist_open` are as of the request."""

    district = DistrictRefSerializer(read_only=True)
    quarters = QuarterRefSerializer(many=True, read_only=True)
    format = FormatRefSerializer(read_only=True)
    venue = VenueSerializer(source="*", read_only=True)
    seats_available = serializers.IntegerField(read_only=True)
    registration_open = serializers.SerializerMethodField()
    waitlist_open = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    calendar_url = serializers.SerializerMethodField()

    class Meta:
        model = Workshop
        fields = [
            "slug",
            "title",
            "topic",
            "summary_easy",
            "description",
            "district",
            "quarters",
            "format",
            "participation_level",
            "run_by",
            "starts_at",
            "ends_at",
            "venue",
            "capacity",
            "seats_available",
            "max_seats_per_registration",
            "registration_opens_at",
            "registration_closes_at",
            "registration_open",
            "waitlist_open",
            "status",
            "url",
            "calendar_url",
        ]

    def _now(self):
        now = self.context.get("now")
        if now is None:
            now = self.context["now"] = timezone.now()
        return now

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_registration_open(self, workshop) -> bool:
        return selectors.workshop_registration_open(workshop=workshop, now=self._now())

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_waitlist_open(self, workshop) -> bool:
        return selectors.workshop_waitlist_open(workshop=workshop, now=self._now())

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, workshop) -> str:
        return workshop_url(workshop)

    @extend_schema_field(OpenApiTypes.URI)
    def get_calendar_url(self, workshop) -> str:
        return workshop_url(workshop) + "kalender.ics"

    def to_representation(self, workshop) -> dict:
        """The same dict as the declared fields produce (a test asserts it), built directly: DRF's generic
        field machinery cost ~1 ms per workshop, a fifth of a whole list request."""
        url = workshop_url(workshop)
        district = workshop.district
        fmt = workshop.format
        return {
            "slug": workshop.slug,
            "title": workshop.title,
            "topic": workshop.topic,
            "summary_easy": workshop.summary_easy,
            "description": workshop.description,
            "district": {"number": district.number, "name": district.name, "slug": district.slug},
            "quarters": [{"name": q.name, "slug": q.slug} for q in workshop.quarters.all()],
            "format": {"name": fmt.name, "slug": fmt.slug},
            "participation_level": workshop.participation_level,
            "run_by": workshop.run_by,
            "starts_at": _moment(workshop.starts_at),
            "ends_at": _moment(workshop.ends_at),
            "venue": {
                "name": workshop.venue_name,
                "address": workshop.venue_address,
                "step_free": workshop.venue_step_free,
                "accessible_toilet": workshop.venue_accessible_toilet,
                "induction_loop": workshop.venue_induction_loop,
                "public_transport": workshop.venue_public_transport,
                "online": bool(workshop.online_url),
                "online_url": "",  # the access link is for confirmed participants only
            },
            "capacity": workshop.capacity,
            "seats_available": workshop.seats_available,
            "max_seats_per_registration": workshop.max_seats_per_registration,
            "registration_opens_at": _moment(workshop.registration_opens_at),
            "registration_closes_at": _moment(workshop.registration_closes_at),
            "registration_open": self.get_registration_open(workshop),
            "waitlist_open": self.get_waitlist_open(workshop),
            "status": workshop.status,
            "url": url,
            "calendar_url": url + "kalender.ics",
        }

    def generic_representation(self, workshop) -> dict:
        """DRF's own rendering of the declared fields (the reference for the fast path above)."""
        return super().to_representation(workshop)


def _moment(value: datetime | None) -> str | None:
    """Like DRF's DateTimeField: ISO 8601 in the current time zone, "Z" for UTC."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_FRACTION_DIGITS = re.compile(r"(\.\d{6})\d+")


def _parse_moment(value: str) -> datetime | None:
    """An RFC 3339 / ISO 8601 date-time, or a date (meaning its midnight in Hannover); None if it is neither.

    RFC 3339 allows a lower-case "t" and "z" and any number of fractional digits (Python keeps six). A moment
    that exists but lies beyond what a datetime holds in UTC (year 1 east of Greenwich, year 9999 west of it)
    is clamped to the first or last representable moment: as a filter bound it means "no bound"."""
    text = _FRACTION_DIGITS.sub(r"\1", value.upper())
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            return None
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return (datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=UTC)


class MomentField(serializers.Field):
    default_error_messages = {"invalid": _("Bitte ein Datum (JJJJ-MM-TT) oder einen ISO-8601-Zeitpunkt angeben.")}

    def to_internal_value(self, data):
        try:
            moment = _parse_moment(str(data))
        except ValueError:
            moment = None
        if moment is None:
            self.fail("invalid")
        return moment

    def to_representation(self, value):
        return value.isoformat()


class WorkshopFilterSerializer(serializers.Serializer):
    """The list's filters; an unknown district or quarter is an error (400), an unknown format finds nothing."""

    district = serializers.SlugField(required=False, help_text="Slug of a Stadtbezirk, e.g. linden-limmer")
    quarter = serializers.SlugField(required=False, help_text="Slug of a Stadtteil, e.g. linden-nord")
    format = serializers.SlugField(required=False, help_text="Slug of a format")
    starts_after = MomentField(required=False, help_text="Date or ISO 8601 date-time (inclusive)")
    starts_before = MomentField(required=False, help_text="Date or ISO 8601 date-time (exclusive)")

    def validate_district(self, value: str) -> str:
        return check_district_slug(value)

    def validate_quarter(self, value: str) -> str:
        return check_quarter_slug(value)


class SupportNeedsSerializer(PlainTextSerializerMixin, serializers.Serializer):
    step_free = serializers.BooleanField(required=False, default=False)
    sign_language = serializers.BooleanField(required=False, default=False)
    induction_loop = serializers.BooleanField(required=False, default=False)
    easy_language = serializers.BooleanField(required=False, default=False)
    childcare = serializers.BooleanField(required=False, default=False)
    other = serializers.CharField(required=False, default="", allow_blank=True, max_length=1000)


class RegistrationRequestSerializer(PlainTextSerializerMixin, serializers.Serializer):
    """A registration. Support needs are stored only with support_consent; privacy_consent must be true."""

    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    seats = serializers.IntegerField(required=False, default=1, min_value=1)
    quarter = serializers.SlugRelatedField(
        slug_field="slug", queryset=Quarter.objects.all(), required=False, allow_null=True, default=None
    )
    support_needs = SupportNeedsSerializer(required=False, default=None, allow_null=True)
    support_consent = serializers.BooleanField(required=False, default=False)
    status_updates_opt_in = serializers.BooleanField(required=False, default=False)
    privacy_consent = ConsentField()
    language = serializers.ChoiceField(
        choices=["de", "en"],
        required=False,
        allow_blank=True,
        default="",
        help_text="Language of the mails to this person; default: the request's Accept-Language, else German.",
    )
    stamp = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Bot protection, as in the HTML form: a stamp from `GET /api/v1/workshops/{slug}/registration-stamp/`, "
            "sent no sooner than its `not_before` and no later than its `expires_at`. Single use. A rejected "
            "stamp answers 400 with a fresh `stamp` (after a genuine one a retry stamp, usable at once)."
        ),
    )
    website = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Honeypot: leave it out or empty. A filled-in value is answered like success, but nothing is stored.",
    )
    waitlist = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "When fewer seats are free than `seats` (but some are): true puts the whole group on the waiting "
            "list; false (default) answers 409 `not_enough_seats` with `seats_available`, so the client can "
            "offer the choice (register that many, or the waiting list)."
        ),
    )

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Bitte geben Sie Ihren Namen an."))
        return value.strip()

    def validate_privacy_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("Bitte stimmen Sie den Datenschutzhinweisen zu."))
        return value


REGISTRATION_DETAIL = _(
    "Bitte prüfen Sie Ihr E-Mail-Postfach: Unsere E-Mail nennt Ihren Stand. War die Adresse schon angemeldet, "
    "bleibt alles, wie es war."
)


class RegistrationResponseSerializer(serializers.Serializer):
    """Identical for new and already known addresses: it never reveals whether an address is registered."""

    status = serializers.ChoiceField(choices=["pending", "waitlisted"])
    # The same sentence for every answer: true for a new and for an already registered address alike.
    detail = serializers.CharField(read_only=True)


class RegistrationStampSerializer(serializers.Serializer):
    """A single-use stamp for one registration of this workshop (the API's time trap, as in the HTML form)."""

    stamp = serializers.CharField()
    not_before = serializers.DateTimeField(help_text="Send the registration no sooner than this.")
    expires_at = serializers.DateTimeField(help_text="The stamp is refused after this.")


class NotEnoughSeatsSerializer(serializers.Serializer):
    """409: fewer seats are free than the group asks for. Retry with `seats` ≤ `seats_available`, or with
    `waitlist: true` for the whole group."""

    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["not_enough_seats"])
    seats_available = serializers.IntegerField(min_value=1)
    seats_requested = serializers.IntegerField(min_value=1)
