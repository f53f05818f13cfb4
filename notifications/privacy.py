"""Personal-data provider of subscriptions (registered in NotificationsConfig.ready; see core.registry)."""

from __future__ import annotations

from core.registry import PersonalDataProvider, register_personal_data


def export(*, email: str, user) -> dict:
    from .models import Subscriber

    subscriber = Subscriber.objects.filter(email=(email or "").strip().lower()).first()
    if subscriber is None:
        return {"subscriptions": []}
    return {
        "email": subscriber.email,
        "language": subscriber.language,
        "last_digest_at": subscriber.last_digest_at,
        "subscriptions": [
            {
                "kind": s.kind,
                "target": str(s.target),
                "status": s.status,
                "source": s.source,
                "created_at": s.created_at,
                "confirmed_at": s.confirmed_at,
                "unsubscribed_at": s.unsubscribed_at,
                "consents": [
                    {
                        "purpose": c.purpose,
                        "text_version": c.text_version,
                        "given_at": c.given_at,
                        "withdrawn_at": c.withdrawn_at,
                    }
                    for c in s.consents.all()
                ],
            }
            for s in subscriber.subscriptions.select_related("district", "recommendation", "workshop")
            .prefetch_related("consents")
            .order_by("pk")
        ],
    }


def erase(*, email: str, user, by=None) -> int:
    """Delete the address with its subscriptions and consent records."""
    from . import services
    from .models import Subscriber

    subscriber = Subscriber.objects.filter(email=(email or "").strip().lower()).first()
    if subscriber is None:
        return 0
    return services.subscriber_erase(subscriber=subscriber)


def register() -> None:
    register_personal_data(
        PersonalDataProvider(
            "notifications",
            export,
            erase,
            models=("notifications.subscriber", "notifications.subscription", "notifications.subscriptionconsent"),
        )
    )
