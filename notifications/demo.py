"""Demo data of subscriptions for `manage.py seed_demo` (idempotent): the "keep me informed" wishes of the
demo registrations become subscriptions, a demo address follows Linden-Limmer and a recommendation, and the
event log is filled from the other apps' demo data (Atom feeds, digests)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from districts.models import District
from recommendations.models import Recommendation

from . import services
from .models import Subscription, SubscriptionConsent

DEMO_EMAIL = "abo@demo.invalid"


def _follow(*, target, kind: str) -> bool:
    subscriber = services._subscriber_for(email=DEMO_EMAIL, language=settings.LANGUAGE_CODE)
    key = services.target_key(kind, target)
    if subscriber.subscriptions.filter(target_key=key).exists():
        return False
    now = timezone.now()
    subscription = services._new_subscription(subscriber=subscriber, kind=kind, target=target, source="form")
    subscription.status = Subscription.Status.ACTIVE
    subscription.confirmed_at = now
    subscription.last_activity_at = now
    subscription.start_event_id = 0  # the demo address hears about everything in the event log
    subscription.save()
    SubscriptionConsent.objects.create(
        subscription=subscription,
        text_version=settings.NOTIFICATIONS_CONSENT_TEXT_VERSION,
        given_at=now,
        origin="demo",
    )
    return True


def seed(*, users, stdout) -> None:
    imported = services.subscriptions_import_from_registrations()
    followed = 0
    district = District.objects.filter(slug="linden-limmer").first()
    if district is not None:
        followed += _follow(target=district, kind=Subscription.Kind.DISTRICT)
    recommendation = Recommendation.objects.public().order_by("slug").first()
    if recommendation is not None:
        followed += _follow(target=recommendation, kind=Subscription.Kind.RECOMMENDATION)
    events = services.events_collect()
    stdout.write(f"Subscriptions: {imported} from registrations, {followed} new for {DEMO_EMAIL}; {events} new events.")
