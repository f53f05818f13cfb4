"""Helpers of the notifications tests: subscriptions go through the services (request → mail → confirm)."""

import re

from core.models import OutboxMail
from notifications import services
from notifications.models import Subscription

CONFIRM_LINK = re.compile(r"/folgen/bestaetigen/([A-Za-z0-9_\-]+)/")
UNSUBSCRIBE_LINK = re.compile(r"/folgen/abbestellen/([A-Za-z0-9_\-]+)/")
UNSUBSCRIBE_ALL_LINK = re.compile(r"/folgen/alle-abbestellen/([A-Za-z0-9_\-]+)/")
MANAGE_LINK = re.compile(r"/folgen/verwalten/([A-Za-z0-9_\-]+)/")


def kind_of(target) -> str:
    name = type(target).__name__
    return {"District": "district", "Recommendation": "recommendation", "Workshop": "workshop"}[name]


def last_mail(to: str, topic: str = "") -> OutboxMail:
    mails = OutboxMail.objects.filter(to=to)
    if topic:
        mails = mails.filter(topic=f"notifications:{topic}")
    return mails.order_by("-pk").first()


def confirm_token_in(mail: OutboxMail) -> str:
    return CONFIRM_LINK.search(mail.body_text).group(1)


def request(email: str, target, **kwargs) -> services.SubscriptionRequestResult:
    return services.subscription_request(
        email=email,
        kind=kwargs.pop("kind", kind_of(target)),
        target=target,
        consent=kwargs.pop("consent", True),
        **kwargs,
    )


def follow(email: str, target, **kwargs) -> Subscription:
    """An active subscription made the way a person makes it (request, then the link of the mail)."""
    request(email, target, **kwargs)
    token = confirm_token_in(last_mail(email.lower(), "confirm_request"))
    return services.subscription_confirm(token=token)
