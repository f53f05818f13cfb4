"""Subscriptions (double opt-in, own consent), the event log, digests and "what became of it" mails.

Events are derived from the lower apps' data by `events_collect` (a periodic task), never pushed from them:
the lower apps need no hook and no import of this app (docs/adr/0013-notifications.md). Every mail goes
through the outbox with a dedupe key."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError
from core.services import outbox_write
from districts.models import District
from recommendations.models import HistoryEntry, Recommendation
from workshops.models import ConsentRecord, Registration, Workshop

from . import tokens
from .models import Event, ImportedRegistration, Subscriber, Subscription, SubscriptionConsent

logger = logging.getLogger(__name__)

Kind = Subscription.Kind
Status = Subscription.Status
MAIL = "notifications/mail/"

# Which events reach which kind of subscription.
DISTRICT_EVENTS = frozenset(
    {Event.Kind.WORKSHOP_PUBLISHED, Event.Kind.WORKSHOP_DOCUMENTED, Event.Kind.RECOMMENDATION_PUBLISHED}
)
RECOMMENDATION_EVENTS = frozenset({Event.Kind.RECOMMENDATION_STATUS, Event.Kind.RECOMMENDATION_MILESTONE})
WORKSHOP_EVENTS = frozenset(
    {Event.Kind.WORKSHOP_DOCUMENTED, Event.Kind.RECOMMENDATION_PUBLISHED, Event.Kind.RECOMMENDATION_STATUS}
)
AFTERMATH_MONTHS = (3, 6, 12)


# --- errors ---------------------------------------------------------------------------------------------------


class ConsentMissing(ApplicationError):
    default_message = gettext_lazy("Bitte willigen Sie ein, dass wir Ihnen Neuigkeiten per E-Mail senden.")  # type: ignore[assignment]
    default_code = "consent_missing"


class InvalidInput(ApplicationError):
    default_code = "invalid"


class TargetNotFound(ApplicationError):
    default_message = gettext_lazy("Diesem Angebot kann man nicht folgen.")  # type: ignore[assignment]
    default_code = "target_not_found"


class TokenInvalid(ApplicationError):
    default_message = gettext_lazy("Dieser Link ist ungültig oder wurde bereits verwendet.")  # type: ignore[assignment]
    default_code = "token_invalid"


class TokenExpired(ApplicationError):
    default_message = gettext_lazy("Dieser Link ist abgelaufen. Bitte fordern Sie einen neuen an.")  # type: ignore[assignment]
    default_code = "token_expired"


# --- helpers --------------------------------------------------------------------------------------------------


def _now() -> datetime:
    return timezone.now()


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(_("Bitte geben Sie eine gültige E-Mail-Adresse an."), code="email_invalid") from exc
    return email


def target_key(kind: str, target) -> str:
    return f"{kind}:{target.pk}"


def resolve_target(*, kind: str, slug: str):
    """The public object a subscription of `kind` follows, by slug; TargetNotFound otherwise."""
    slug = (slug or "").strip()
    found: District | Recommendation | Workshop | None
    if kind == Kind.DISTRICT:
        found = District.objects.filter(slug=slug).first()
    elif kind == Kind.RECOMMENDATION:
        found = Recommendation.objects.public().filter(slug=slug).first()
    elif kind == Kind.WORKSHOP:
        found = Workshop.objects.public().filter(slug=slug).first()
    else:
        found = None
    if found is None:
        raise TargetNotFound()
    return found


def _render(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        ctx = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
        text = render_to_string(f"{template}.txt", ctx)
        html = render_to_string(f"{template}.html", ctx)
    return subject, text, html


def _enqueue(
    *,
    subscriber: Subscriber,
    template: str,
    context: dict,
    dedupe_key: str,
    headers: dict[str, str] | None = None,
):
    subject, text, html = _render(
        template=MAIL + template,
        context={"manage_url": tokens.manage_url(subscriber), **context},
        language=subscriber.language,
    )
    return outbox_write(
        to=subscriber.email,
        subject=subject,
        body_text=text,
        body_html=html,
        dedupe_key=dedupe_key,
        topic=f"notifications:{template}",
        headers=headers,
    )


def _new_subscriber(*, email: str, language: str) -> Subscriber:
    seed, unsubscribe_seed = tokens.new_seed(), tokens.new_seed()
    return Subscriber(
        email=email,
        language=language,
        token_seed=seed,
        manage_token_hash=tokens.hash_token(tokens.manage_token(seed)),
        unsubscribe_seed=unsubscribe_seed,
        unsubscribe_token_hash=tokens.hash_token(tokens.unsubscribe_token(unsubscribe_seed)),
    )


def _subscriber_for(*, email: str, language: str) -> Subscriber:
    """The subscriber row of an address (created when missing; safe under concurrency)."""
    found = Subscriber.objects.filter(email=email).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            subscriber = _new_subscriber(email=email, language=language)
            subscriber.save(force_insert=True)
            return subscriber
    except IntegrityError:
        return Subscriber.objects.get(email=email)


def _new_subscription(*, subscriber: Subscriber, kind: str, target, source: str) -> Subscription:
    seed = tokens.new_seed()
    return Subscription(
        subscriber=subscriber,
        kind=kind,
        district=target if kind == Kind.DISTRICT else None,
        recommendation=target if kind == Kind.RECOMMENDATION else None,
        workshop=target if kind == Kind.WORKSHOP else None,
        target_key=target_key(kind, target),
        source=source,
        token_seed=seed,
        unsubscribe_token_hash=tokens.hash_token(tokens.unsubscribe_token(seed)),
    )


def _max_event_id() -> int:
    return Event.objects.aggregate(m=Max("id"))["m"] or 0


def _target_context(subscription: Subscription) -> dict:
    target = subscription.target
    return {
        "subscription": subscription,
        "target_title": getattr(target, "title", None) or getattr(target, "name", ""),
        "target_url": tokens.absolute(target.get_absolute_url()) if hasattr(target, "get_absolute_url") else "",
    }


# --- subscribe, confirm, unsubscribe --------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionRequestResult:
    """What the requester is told is always the same ("check your inbox"); the fields are for tests/logs."""

    subscription: Subscription
    outcome: str  # "created" | "resent" | "already_active" | "throttled"


def subscription_request(
    *,
    email: str,
    kind: str,
    target,
    consent: bool,
    language: str = "",
    source: str = Subscription.Source.FORM,
) -> SubscriptionRequestResult:
    """Ask to follow `target` (a District, Recommendation or Workshop): double opt-in by e-mail.

    A new (or previously unsubscribed) follow gets a pending subscription, its consent record and a
    confirmation link (valid NOTIFICATIONS_CONFIRM_HOURS). For an address that already follows the target,
    the person is told by mail instead; the caller answers the same in every case (no enumeration). Mails to
    one address and target go out at most once an hour. Raises ConsentMissing or InvalidInput."""
    if not consent:
        raise ConsentMissing()
    email = normalise_email(email)
    if kind not in Kind.values or target is None:
        raise TargetNotFound()
    language = (language or settings.LANGUAGE_CODE)[:10]
    now = _now()
    subscriber = _subscriber_for(email=email, language=language)
    key = target_key(kind, target)
    hour = now.strftime("%Y%m%d%H")
    with transaction.atomic():
        # The language is that of the person who asks; an existing address keeps its own until it
        # confirms (a stranger's request must not change what the owner reads).
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        existing = (
            Subscription.objects.select_for_update()
            .filter(subscriber=subscriber, target_key=key)
            .exclude(status=Status.UNSUBSCRIBED)
            .first()
        )
        if existing is not None and existing.status == Status.ACTIVE:
            _enqueue(
                subscriber=subscriber,
                template="already_following",
                context=_target_context(existing),
                dedupe_key=f"notifications:already:{existing.pk}:{hour}",
            )
            return SubscriptionRequestResult(subscription=existing, outcome="already_active")
        if existing is not None and existing.confirm_sent_at and existing.confirm_sent_at > now - timedelta(hours=1):
            return SubscriptionRequestResult(subscription=existing, outcome="throttled")
        subscription = existing or _new_subscription(subscriber=subscriber, kind=kind, target=target, source=source)
        confirm = tokens.new_confirm_token()
        subscription.confirm_token_hash = tokens.hash_token(confirm)
        subscription.confirm_sent_at = now
        subscription.confirm_expires_at = now + timedelta(hours=settings.NOTIFICATIONS_CONFIRM_HOURS)
        subscription.save()
        SubscriptionConsent.objects.filter(subscription=subscription, withdrawn_at__isnull=True).delete()
        SubscriptionConsent.objects.create(
            subscription=subscription,
            text_version=settings.NOTIFICATIONS_CONSENT_TEXT_VERSION,
            given_at=now,
            origin=source,
        )
        _enqueue(
            subscriber=subscriber,
            template="confirm_request",
            context={
                **_target_context(subscription),
                "confirm_url": tokens.confirm_url(confirm),
                "confirm_hours": settings.NOTIFICATIONS_CONFIRM_HOURS,
            },
            dedupe_key=f"notifications:confirm:{subscription.pk}:{hour}",
        )
    return SubscriptionRequestResult(subscription=subscription, outcome="resent" if existing else "created")


def subscription_by_confirm_token(*, token: str) -> Subscription | None:
    if not token or len(token) > 100:
        return None
    return (
        Subscription.objects.select_related("subscriber", "district", "recommendation", "workshop")
        .filter(confirm_token_hash=tokens.hash_token(token))
        .first()
    )


def subscription_confirm(*, token: str, language: str = "") -> Subscription:
    """Confirm a pending subscription (POST only; the GET page shows a button). Single use, expires.

    From now on the subscription receives events that happen after this moment; the address's mails are
    written in `language` (the confirming person's) when given. Raises TokenInvalid or TokenExpired."""
    found = subscription_by_confirm_token(token=token)
    if found is None:
        raise TokenInvalid()
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=found.pk)
        if subscription.status != Status.PENDING or subscription.confirm_token_hash != tokens.hash_token(token):
            raise TokenInvalid()
        now = _now()
        if subscription.confirm_expires_at and subscription.confirm_expires_at <= now:
            raise TokenExpired()
        subscription.status = Status.ACTIVE
        subscription.confirmed_at = now
        subscription.last_activity_at = now
        subscription.confirm_token_hash = ""
        subscription.start_event_id = _max_event_id()
        subscription.save()
        if language and language in dict(settings.LANGUAGES) and found.subscriber.language != language:
            found.subscriber.language = language
            found.subscriber.save(update_fields=["language", "updated_at"])
    subscription.subscriber = found.subscriber
    return subscription


def _withdraw(subscription: Subscription, *, now: datetime) -> None:
    subscription.status = Status.UNSUBSCRIBED
    subscription.unsubscribed_at = now
    subscription.confirm_token_hash = ""
    subscription.save(update_fields=["status", "unsubscribed_at", "confirm_token_hash", "updated_at"])
    SubscriptionConsent.objects.filter(subscription=subscription, withdrawn_at__isnull=True).update(withdrawn_at=now)


def subscription_unsubscribe(*, subscription: Subscription) -> Subscription:
    """End a subscription and withdraw its consent. Idempotent; following again needs a new double opt-in."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.status != Status.UNSUBSCRIBED:
            _withdraw(subscription, now=_now())
    return subscription


def subscription_unsubscribe_by_token(*, token: str) -> Subscription:
    """One-click unsubscribe (RFC 8058) of one subscription. A replayed link does nothing more; an unknown
    token raises TokenInvalid."""
    if not token or len(token) > 100:
        raise TokenInvalid()
    found = Subscription.objects.filter(unsubscribe_token_hash=tokens.hash_token(token)).first()
    if found is None:
        raise TokenInvalid()
    return subscription_unsubscribe(subscription=found)


def subscriber_unsubscribe_all_by_token(*, token: str) -> Subscriber:
    """One-click unsubscribe of a digest: ends every subscription of the address. The link's seed is
    replaced, so the same link cannot end subscriptions consented to later. Unknown token: TokenInvalid."""
    if not token or len(token) > 100:
        raise TokenInvalid()
    found = Subscriber.objects.filter(unsubscribe_token_hash=tokens.hash_token(token)).first()
    if found is None:
        raise TokenInvalid()
    return subscriber_unsubscribe_all(subscriber=found)


def subscriber_unsubscribe_all(*, subscriber: Subscriber) -> Subscriber:
    now = _now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        for subscription in subscriber.subscriptions.exclude(status=Status.UNSUBSCRIBED):
            _withdraw(subscription, now=now)
        subscriber.unsubscribe_seed = tokens.new_seed()
        subscriber.unsubscribe_token_hash = tokens.hash_token(tokens.unsubscribe_token(subscriber.unsubscribe_seed))
        subscriber.save(update_fields=["unsubscribe_seed", "unsubscribe_token_hash", "updated_at"])
    return subscriber


def subscriber_by_manage_token(*, token: str) -> Subscriber | None:
    if not token or len(token) > 100:
        return None
    return Subscriber.objects.filter(manage_token_hash=tokens.hash_token(token)).first()


def subscriptions_end_for_registration(*, registration_id: int) -> int:
    """End the subscriptions imported from a registration's "keep me informed" wish (its consent was
    withdrawn): no more mails from them. Returns the number ended. Idempotent."""
    ids = SubscriptionConsent.objects.filter(origin=f"registration:{registration_id}").values("subscription_id")
    ended = 0
    now = _now()
    for subscription in Subscription.objects.select_for_update().filter(pk__in=ids).exclude(status=Status.UNSUBSCRIBED):
        _withdraw(subscription, now=now)
        ended += 1
    return ended


def subscriber_touch(*, subscriber: Subscriber) -> None:
    """A visit of the manage page counts as activity of every open subscription of the address."""
    subscriber.subscriptions.exclude(status=Status.UNSUBSCRIBED).update(last_activity_at=_now())


def subscriber_erase(*, subscriber: Subscriber) -> int:
    """Delete the address with all its subscriptions and consent records."""
    total, _detail = Subscriber.objects.filter(pk=subscriber.pk).delete()
    return total


# --- "keep me informed" of registrations ------------------------------------------------------------------------


def subscriptions_import_from_registrations(*, now: datetime | None = None) -> int:
    """Turn the "keep me informed" wish of confirmed registrations into active workshop subscriptions.

    The person confirmed the address (double opt-in of the registration) and consented to exactly this
    (ConsentRecord purpose status_updates); that consent record's version and time are copied. Each
    registration is imported once (ImportedRegistration), so an ended subscription is never revived.
    Idempotent; runs daily, long before the retention run anonymises a registration."""
    now = now or _now()
    done = ImportedRegistration.objects.values("registration_id")
    rows = (
        Registration.objects.filter(
            status_updates_opt_in=True,
            anonymised_at__isnull=True,
            status=Registration.Status.CONFIRMED,
        )
        .exclude(pk__in=done)
        .select_related("workshop")
        .order_by("pk")[:5000]
    )
    consents = {
        c.registration_id: c
        for c in ConsentRecord.objects.filter(
            registration__in=[r.pk for r in rows], purpose=ConsentRecord.Purpose.STATUS_UPDATES
        )
    }
    imported = 0
    for registration in rows:
        with transaction.atomic():
            _, created = ImportedRegistration.objects.get_or_create(registration_id=registration.pk)
            if not created:
                continue
            record = consents.get(registration.pk)
            if record is None or record.withdrawn_at is not None:
                continue
            email = registration.email.strip().lower()
            subscriber = _subscriber_for(email=email, language=settings.LANGUAGE_CODE)
            key = target_key(Kind.WORKSHOP, registration.workshop)
            if subscriber.subscriptions.filter(target_key=key).exclude(status=Status.UNSUBSCRIBED).exists():
                continue
            if subscriber.subscriptions.filter(target_key=key, status=Status.UNSUBSCRIBED).exists():
                continue  # the person ended this follow: never revive it
            subscription = _new_subscription(
                subscriber=subscriber,
                kind=Kind.WORKSHOP,
                target=registration.workshop,
                source=Subscription.Source.REGISTRATION,
            )
            subscription.status = Status.ACTIVE
            subscription.confirmed_at = registration.confirmed_at
            subscription.last_activity_at = now
            subscription.start_event_id = _max_event_id()
            subscription.save()
            SubscriptionConsent.objects.create(
                subscription=subscription,
                text_version=record.text_version,
                given_at=record.given_at,
                origin=f"registration:{registration.pk}",
            )
            imported += 1
    return imported


# --- events -----------------------------------------------------------------------------------------------------


def _event_create(*, key: str, kind: str, occurred_at: datetime, title: str, detail: str, path: str, **links) -> bool:
    districts = links.pop("districts", [])
    workshops = links.pop("workshops", [])
    try:
        with transaction.atomic():
            event = Event.objects.create(
                key=key, kind=kind, occurred_at=occurred_at, title=title[:255], detail=detail[:500], path=path, **links
            )
            event.districts.set(districts)
            event.workshops.set(workshops)
    except IntegrityError:
        return False  # collected already (another run)
    return True


def events_collect(*, now: datetime | None = None) -> int:
    """Derive events from the lower apps' data (idempotent, by key): workshops newly published (upcoming),
    workshops documented, recommendations made public, their status changes and milestones (from their
    history). Looks back NOTIFICATIONS_EVENT_LOOKBACK_DAYS, so a first run does not flood followers."""
    now = now or _now()
    since = now - timedelta(days=settings.NOTIFICATIONS_EVENT_LOOKBACK_DAYS)
    created = 0
    known = set(Event.objects.filter(occurred_at__gte=since - timedelta(days=1)).values_list("key", flat=True))

    published = (
        Workshop.objects.public()
        .exclude(status=Workshop.Status.CANCELLED)
        .filter(starts_at__gte=now, updated_at__gte=since)
        .select_related("district")
    )
    for workshop in published:
        key = f"workshop.published:{workshop.pk}"
        if key in known or Event.objects.filter(key=key).exists():
            continue
        created += _event_create(
            key=key,
            kind=Event.Kind.WORKSHOP_PUBLISHED,
            occurred_at=now,
            title=workshop.title,
            detail=f"{workshop.district.name}, {timezone.localtime(workshop.starts_at):%d.%m.%Y %H:%M}",
            path=workshop.get_absolute_url(),
            workshop=workshop,
            districts=[workshop.district_id],
            workshops=[workshop.pk],
        )

    documented = Workshop.objects.filter(status=Workshop.Status.DOCUMENTED, updated_at__gte=since).select_related(
        "district"
    )
    for workshop in documented:
        key = f"workshop.documented:{workshop.pk}"
        if key in known:
            continue
        created += _event_create(
            key=key,
            kind=Event.Kind.WORKSHOP_DOCUMENTED,
            occurred_at=now,
            title=workshop.title,
            detail=workshop.district.name,
            path=reverse("reflections:documentation", kwargs={"slug": workshop.slug}),
            workshop=workshop,
            districts=[workshop.district_id],
            workshops=[workshop.pk],
        )

    history = (
        HistoryEntry.objects.filter(
            created_at__gte=since,
            kind__in=[HistoryEntry.Kind.STATUS, HistoryEntry.Kind.MILESTONE],
        )
        .exclude(recommendation__status=Recommendation.Status.DRAFT)
        .select_related("recommendation")
        .prefetch_related("recommendation__districts", "recommendation__workshops")
        .order_by("created_at", "pk")
    )
    all_districts = list(District.objects.values_list("pk", flat=True))
    for entry in history:
        key = f"recommendation.history:{entry.pk}"
        if key in known:
            continue
        recommendation = entry.recommendation
        if entry.kind == HistoryEntry.Kind.MILESTONE:
            kind = Event.Kind.RECOMMENDATION_MILESTONE
            detail = entry.note
        elif entry.to_status == Recommendation.Status.DRAFT:
            continue
        else:
            kind = (
                Event.Kind.RECOMMENDATION_PUBLISHED
                if entry.from_status in ("", Recommendation.Status.DRAFT)
                else Event.Kind.RECOMMENDATION_STATUS
            )
            detail = str(Recommendation.Status(entry.to_status).label) if entry.to_status else ""
        districts = all_districts if recommendation.city_wide else [d.pk for d in recommendation.districts.all()]
        created += _event_create(
            key=key,
            kind=kind,
            occurred_at=entry.created_at,
            title=recommendation.title,
            detail=detail,
            path=recommendation.get_absolute_url(),
            recommendation=recommendation,
            districts=districts,
            workshops=[w.pk for w in recommendation.workshops.all()],
        )
    return created


# --- digests ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventInfo:
    id: int
    kind: str
    title: str
    detail: str
    path: str
    occurred_at: datetime
    recommendation_id: int | None
    district_ids: frozenset[int]
    workshop_ids: frozenset[int]


def event_matches(subscription: Subscription, event: EventInfo) -> bool:
    if event.id <= subscription.start_event_id:
        return False
    if subscription.kind == Kind.DISTRICT:
        return event.kind in DISTRICT_EVENTS and subscription.district_id in event.district_ids
    if subscription.kind == Kind.RECOMMENDATION:
        return event.kind in RECOMMENDATION_EVENTS and event.recommendation_id == subscription.recommendation_id
    return event.kind in WORKSHOP_EVENTS and subscription.workshop_id in event.workshop_ids


def _load_events(*, after: int, upto: int) -> list[EventInfo]:
    events = Event.objects.filter(id__gt=after, id__lte=upto).prefetch_related("districts", "workshops").order_by("id")
    return [
        EventInfo(
            id=e.id,
            kind=e.kind,
            title=e.title,
            detail=e.detail,
            path=e.path,
            occurred_at=e.occurred_at,
            recommendation_id=e.recommendation_id,
            district_ids=frozenset(d.pk for d in e.districts.all()),
            workshop_ids=frozenset(w.pk for w in e.workshops.all()),
        )
        for e in events
    ]


@dataclass
class DigestSection:
    subscription: Subscription
    title: str
    url: str
    unsubscribe_url: str
    events: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class DigestResult:
    subscriber_id: int
    event_ids: tuple[int, ...]


def digests_send(*, now: datetime | None = None) -> list[DigestResult]:
    """One digest per address with news, at most every NOTIFICATIONS_DIGEST_INTERVAL_DAYS, grouped by what
    the person follows. Each event reaches an address once (cursor per address, advanced in the transaction
    that writes the mail; the outbox dedupe key makes a rerun harmless) and only through subscriptions active
    at sending time that were confirmed before the event."""
    now = now or _now()
    upto = _max_event_id()
    interval = timedelta(days=settings.NOTIFICATIONS_DIGEST_INTERVAL_DAYS)
    due = (
        Subscriber.objects.filter(subscriptions__status=Status.ACTIVE, digest_cursor__lt=upto)
        .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - interval))
        .distinct()
        .order_by("pk")
    )
    due_list = list(due[:10000])
    if not due_list:
        return []
    events = _load_events(after=min(s.digest_cursor for s in due_list), upto=upto)
    results = []
    for candidate in due_list:
        result = _digest_for(subscriber_id=candidate.pk, events=events, upto=upto, now=now, interval=interval)
        if result is not None:
            results.append(result)
    return results


def _digest_for(
    *, subscriber_id: int, events: list[EventInfo], upto: int, now: datetime, interval: timedelta
) -> DigestResult | None:
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber_id)
        if subscriber.last_digest_at and subscriber.last_digest_at > now - interval:
            return None
        if subscriber.digest_cursor >= upto:
            return None
        subscriptions = list(
            subscriber.subscriptions.active().select_related("district", "recommendation", "workshop").order_by("pk")
        )
        seen: set[int] = set()
        sections: list[DigestSection] = []
        for subscription in subscriptions:
            target = subscription.target
            section = DigestSection(
                subscription=subscription,
                title=str(getattr(target, "title", None) or getattr(target, "name", "")),
                url=tokens.absolute(target.get_absolute_url()),
                unsubscribe_url=tokens.unsubscribe_url(subscription),
            )
            for event in events:
                if event.id <= subscriber.digest_cursor or event.id in seen or not event_matches(subscription, event):
                    continue
                seen.add(event.id)
                section.events.append(
                    {
                        "kind": Event.Kind(event.kind).label,
                        "title": event.title,
                        "detail": event.detail,
                        "url": tokens.absolute(event.path),
                        "occurred_at": event.occurred_at,
                    }
                )
            if section.events:
                sections.append(section)
        subscriber.digest_cursor = upto
        fields = ["digest_cursor", "updated_at"]
        if sections:
            subscriber.last_digest_at = now
            fields.append("last_digest_at")
            Subscription.objects.filter(pk__in=[s.subscription.pk for s in sections]).update(last_activity_at=now)
            unsubscribe_all = tokens.unsubscribe_all_url(subscriber)
            _enqueue(
                subscriber=subscriber,
                template="digest",
                context={"sections": sections, "count": len(seen), "unsubscribe_all_url": unsubscribe_all},
                dedupe_key=f"notifications:digest:{subscriber.pk}:{upto}",
                headers=tokens.list_unsubscribe_headers(unsubscribe_all),
            )
        subscriber.save(update_fields=fields)
    if not sections:
        return None
    return DigestResult(subscriber_id=subscriber_id, event_ids=tuple(sorted(seen)))


# --- "what became of it" ----------------------------------------------------------------------------------------


def _months_after(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    month += 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def aftermath_send(*, now: datetime | None = None) -> int:
    """ "What became of it" mails to followers of a workshop's results 3, 6 and 12 months after it: the
    recommendations that came from it with their status, and its public commitments. One mail per mark
    reached (only the latest when several are due at once); idempotent (mark stored, outbox dedupe key)."""
    from reflections.models import Commitment

    now = now or _now()
    earliest = _months_after(now, -max(AFTERMATH_MONTHS) - 1)
    candidates = (
        Subscription.objects.active()
        .filter(
            kind=Kind.WORKSHOP,
            aftermath_months_sent__lt=max(AFTERMATH_MONTHS),
            workshop__ends_at__lte=_months_after(now, -min(AFTERMATH_MONTHS)),
            workshop__ends_at__gte=earliest,
        )
        .exclude(workshop__status=Workshop.Status.CANCELLED)
        .select_related("subscriber", "workshop", "workshop__district")
        .order_by("pk")
    )
    sent = 0
    for candidate in candidates[:5000]:
        workshop = candidate.workshop
        due = [m for m in AFTERMATH_MONTHS if _months_after(workshop.ends_at, m) <= now]
        months = max(due)
        if months <= candidate.aftermath_months_sent:
            continue
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().get(pk=candidate.pk)
            if subscription.status != Status.ACTIVE or subscription.aftermath_months_sent >= months:
                continue
            recommendations = list(
                Recommendation.objects.public().filter(workshops=workshop).order_by("title").distinct()
            )
            commitments = list(Commitment.objects.public().filter(workshop=workshop).order_by("order", "pk"))
            subscription.aftermath_months_sent = months
            subscription.save(update_fields=["aftermath_months_sent", "updated_at"])
            _enqueue(
                subscriber=candidate.subscriber,
                template="aftermath",
                context={
                    **_target_context(subscription),
                    "workshop": workshop,
                    "months": months,
                    "recommendations": [
                        {
                            "title": r.title,
                            "status": r.get_status_display(),
                            "progress": r.progress,
                            "url": tokens.absolute(r.get_absolute_url()),
                        }
                        for r in recommendations
                    ],
                    "commitments": [
                        {"what": c.what, "who": c.who, "status": c.get_status_display()} for c in commitments
                    ],
                    "documentation_url": tokens.absolute(
                        reverse("reflections:documentation", kwargs={"slug": workshop.slug})
                    ),
                    "unsubscribe_url": tokens.unsubscribe_url(subscription),
                },
                dedupe_key=f"notifications:aftermath:{subscription.pk}:{months}",
                headers=tokens.list_unsubscribe_headers(tokens.unsubscribe_url(subscription)),
            )
            sent += 1
    return sent


# --- retention --------------------------------------------------------------------------------------------------


def subscriptions_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what is no longer needed (idempotent): unconfirmed subscriptions
    NOTIFICATIONS_PURGE_UNCONFIRMED_DAYS after their link expired, ended ones after
    NOTIFICATIONS_UNSUBSCRIBED_KEEP_DAYS, subscriptions without activity (no news delivered, no confirmation,
    no visit of the manage page) for NOTIFICATIONS_INACTIVE_MONTHS, and addresses left without any."""
    now = now or _now()
    unconfirmed_cutoff = now - timedelta(days=settings.NOTIFICATIONS_PURGE_UNCONFIRMED_DAYS)
    label = Subscription._meta.label
    _n, unconfirmed = Subscription.objects.filter(
        status=Status.PENDING, confirm_expires_at__lte=unconfirmed_cutoff
    ).delete()
    _n, ended = Subscription.objects.filter(
        status=Status.UNSUBSCRIBED,
        unsubscribed_at__lte=now - timedelta(days=settings.NOTIFICATIONS_UNSUBSCRIBED_KEEP_DAYS),
    ).delete()
    inactive_cutoff = _months_after(now, -settings.NOTIFICATIONS_INACTIVE_MONTHS)
    _n, inactive = Subscription.objects.filter(status=Status.ACTIVE, last_activity_at__lte=inactive_cutoff).delete()
    _n, empty = Subscriber.objects.filter(subscriptions__isnull=True).delete()
    return {
        "unconfirmed": unconfirmed.get(label, 0),
        "ended": ended.get(label, 0),
        "inactive": inactive.get(label, 0),
        "subscribers": empty.get(Subscriber._meta.label, 0),
    }
