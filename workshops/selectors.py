"""Reads of the workshops app: token look-ups, registration windows, deadlines and public lists.

Every list here runs a constant number of queries, whatever the number of workshops or registrations."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from accounts.rules import is_active_user, is_district_staff, is_fachteam
from districts.models import Quarter

from .models import Registration, Workshop, WorkshopTeamMember
from .tokens import hash_token, normalise_check_in_code

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
    """Until when an unconfirmed registration holds its seats and its confirmation link works:
    WORKSHOPS_HOLD_HOURS (short: anonymous requests must not keep seats long), at most until the start."""
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


def workshop_pending_seats_recount(*, workshop_id: int) -> int:
    """Seats held by unconfirmed registrations according to the registrations (what seats_pending must equal)."""
    total = Registration.objects.filter(
        workshop_id=workshop_id, holds_seats=True, status=Registration.Status.PENDING
    ).aggregate(total=Sum("seats"))
    return total["total"] or 0


# --- lists ------------------------------------------------------------------------------------------------


def workshops_public_fingerprint(now: datetime) -> str:
    """Changes when any public workshop changes (edit, seats, a new one) and, since states change with time,
    every minute: the key of the cached lists (one aggregate query)."""
    fingerprint = workshops_public().aggregate(
        changed=Max("updated_at"), seats=Sum(F("seats_held") - F("seats_pending")), count=Count("pk")
    )
    changed = fingerprint["changed"].isoformat() if fingerprint["changed"] else ""  # no spaces in a cache key
    return f"{changed}:{fingerprint['seats']}:{fingerprint['count']}:" + now.strftime("%Y%m%d%H%M")


def workshops_public(
    *,
    district: str | None = None,
    quarter: str | None = None,
    format: str | None = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
    with_free_seats: bool = False,
) -> QuerySet[Workshop]:
    """Public workshops (Workshop.objects.public(): all but drafts, cancelled ones included) by start, with
    district, format and quarters loaded.

    Filters take slugs (district, quarter, format) and datetimes; three queries whatever the size."""
    qs = (
        Workshop.objects.public()
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
        qs = qs.filter(seats_held__lt=F("capacity") + F("seats_pending"))  # as Workshop.seats_available
    return qs


def registrations_of_user(*, user: Any) -> QuerySet[Registration]:
    """ "Meine Anmeldungen": a logged-in person's registrations, made with the account or with one of its
    verified e-mail addresses (an unverified address proves nothing), with their workshops loaded."""
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    condition = Q(user=user)
    for address in addresses:
        condition |= Q(email__iexact=address)
    return Registration.objects.filter(condition, anonymised_at__isnull=True).select_related(
        "workshop", "workshop__district"
    )


# --- scoped by permission (admin lists, staff pages, API) -------------------------------------------------
# The querysets that answer the rules of workshops/rules.py for a whole list at once, as one query each.


def workshops_for_user(user: Any, queryset: QuerySet[Workshop] | None = None) -> QuerySet[Workshop]:
    """The workshops `user` may see internally (view_workshop_internal), as one query."""
    queryset = Workshop.objects.all() if queryset is None else queryset
    if not is_active_user(user):
        return queryset.none()
    if is_fachteam(user):
        return queryset
    condition = Q(team__user_id=user.pk)
    if is_district_staff(user):
        condition |= Q(district__in=user.districts.values("pk"))
    return queryset.filter(pk__in=Workshop.objects.filter(condition).values("pk"))


def registrations_for_user(user: Any, queryset: QuerySet[Registration] | None = None) -> QuerySet[Registration]:
    """The registrations `user` may see as attendees (view_attendees on their workshop), as one query."""
    queryset = Registration.objects.all() if queryset is None else queryset
    if not is_active_user(user):
        return queryset.none()
    if is_fachteam(user):
        return queryset
    return queryset.filter(workshop__in=workshops_for_user(user).values("pk"))


def support_needs_workshops_for_user(user: Any, queryset: QuerySet[Workshop] | None = None) -> QuerySet[Workshop]:
    """The workshops whose attendees' support needs `user` may see (view_support_needs)."""
    queryset = Workshop.objects.all() if queryset is None else queryset
    if not is_active_user(user):
        return queryset.none()
    if is_fachteam(user):
        return queryset
    lead_or_co = (WorkshopTeamMember.Role.LEAD, WorkshopTeamMember.Role.CO)
    return queryset.filter(
        pk__in=Workshop.objects.filter(team__user_id=user.pk, team__role__in=lead_or_co).values("pk")
    )


def support_answer_due(*, registration: Registration) -> datetime:
    """By when the team tells the person whether the support is arranged: WORKSHOPS_SUPPORT_ANSWER_DAYS after
    the needs were recorded, and at the latest a day before the workshop."""
    recorded = registration.support_consent_at or registration.created_at or timezone.now()
    due = recorded + timedelta(days=settings.WORKSHOPS_SUPPORT_ANSWER_DAYS)
    latest = registration.workshop.starts_at - timedelta(days=1)
    return max(min(due, latest), recorded)
