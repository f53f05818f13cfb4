"""Reads of the workshops app: token look-ups, registration windows, deadlines and public lists.

Every list here runs a constant number of queries, whatever the number of workshops or registrations."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from districts.models import Quarter

from .models import Registration, Workshop
from .tokens import hash_token, normalise_check_in_code

PUBLIC_STATUSES = (Workshop.Status.PUBLISHED, Workshop.Status.HELD, Workshop.Status.DOCUMENTED)


# --- token look-ups ---------------------------------------------------------------------------------------


def registration_by_manage_token(*, token: str) -> Registration | None:
    """The registration whose manage link carries this token (with its workshop), or None."""
    if not token:
        return None
    return (
        Registration.objects.select_related("workshop", "workshop__district", "quarter")
        .filter(manage_token_hash=hash_token(token), anonymised_at__isnull=True)
        .first()
    )


def registration_by_confirm_token(*, token: str) -> Registration | None:
    """The registration this confirmation link belongs to (also when expired; used links return None)."""
    if not token:
        return None
    return (
        Registration.objects.select_related("workshop", "workshop__district")
        .filter(confirm_token_hash=hash_token(token), anonymised_at__isnull=True)
        .first()
    )


def registration_by_check_in_code(*, workshop, code: str) -> Registration | None:
    """The active registration of this workshop with this check-in code (case, spaces, dashes ignored)."""
    code = normalise_check_in_code(code)
    if not code:
        return None
    return Registration.objects.active().filter(workshop=workshop, check_in_code=code).first()


# --- windows and deadlines --------------------------------------------------------------------------------


def workshop_registration_open(*, workshop, now: datetime | None = None) -> bool:
    """Published, inside the registration window, and not yet started."""
    now = now or timezone.now()
    return (
        workshop.status == Workshop.Status.PUBLISHED
        and (workshop.registration_opens_at is None or workshop.registration_opens_at <= now)
        and (workshop.registration_closes_at is None or now < workshop.registration_closes_at)
        and now < workshop.starts_at
    )


def workshop_waitlist_open(*, workshop, now: datetime | None = None) -> bool:
    """Registration is open and a freed seat could still be offered in time (see offer_deadline)."""
    now = now or timezone.now()
    return (
        workshop_registration_open(workshop=workshop, now=now)
        and offer_deadline(workshop=workshop, now=now) is not None
    )


def hold_deadline(*, workshop, now: datetime | None = None) -> datetime:
    """Until when an unconfirmed registration holds its seats: WORKSHOPS_HOLD_HOURS, at most until the start."""
    now = now or timezone.now()
    return min(now + timedelta(hours=settings.WORKSHOPS_HOLD_HOURS), workshop.starts_at)


def offer_deadline(*, workshop, now: datetime | None = None) -> datetime | None:
    """Until when a waiting-list offer made now is valid, or None when it is too late for offers.

    WORKSHOPS_OFFER_HOURS, but at most half of the time left before the start (so the next person still
    has time when an offer passes on), and no offer shorter than WORKSHOPS_OFFER_MIN_MINUTES."""
    now = now or timezone.now()
    remaining = workshop.starts_at - now
    duration = min(timedelta(hours=settings.WORKSHOPS_OFFER_HOURS), remaining / 2)
    if duration < timedelta(minutes=settings.WORKSHOPS_OFFER_MIN_MINUTES):
        return None
    return now + duration


# --- seats ------------------------------------------------------------------------------------------------


def workshop_seats_recount(*, workshop_id: int) -> int:
    """Seats held according to the registrations (what the counter must equal)."""
    total = Registration.objects.filter(workshop_id=workshop_id, holds_seats=True).aggregate(total=Sum("seats"))
    return total["total"] or 0


# --- lists ------------------------------------------------------------------------------------------------


def workshops_public(
    *,
    district: str | None = None,
    quarter: str | None = None,
    format: str | None = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
    with_free_seats: bool = False,
) -> QuerySet[Workshop]:
    """Public workshops (published, held, documented) by start, with district, format and quarters loaded.

    Filters take slugs (district, quarter, format) and datetimes; three queries whatever the size."""
    qs = (
        Workshop.objects.published()
        .select_related("district", "format")
        .prefetch_related(Prefetch("quarters", queryset=Quarter.objects.order_by("name")))
        .order_by("starts_at", "pk")
    )
    if district:
        qs = qs.filter(district__slug=district)
    if quarter:
        qs = qs.filter(quarters__slug=quarter)
    if format:
        qs = qs.filter(format__slug=format)
    if starts_after:
        qs = qs.filter(starts_at__gte=starts_after)
    if starts_before:
        qs = qs.filter(starts_at__lt=starts_before)
    if with_free_seats:
        qs = qs.filter(seats_held__lt=F("capacity"))
    return qs


def registrations_of_user(*, user) -> QuerySet[Registration]:
    """ "Meine Anmeldungen": a logged-in person's registrations (by account or by its e-mail address)."""
    return (
        Registration.objects.filter(Q(user=user) | Q(email__iexact=user.email), anonymised_at__isnull=True)
        .select_related("workshop", "workshop__district")
        .order_by("-workshop__starts_at")
    )
