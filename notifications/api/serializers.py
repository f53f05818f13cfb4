from rest_framework import serializers

from core.api import ConsentField

from ..models import Subscription


class SubscriptionRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="The address that will receive the digests.")
    kind = serializers.ChoiceField(
        choices=Subscription.Kind.choices,
        help_text="`district` (new workshops, documentation, recommendations), `recommendation` (status, "
        "milestones, decisions) or `workshop` (documentation and what became of its results).",
    )
    target = serializers.SlugField(max_length=220, help_text="Slug of the district, recommendation or workshop.")
    consent = ConsentField(
        help_text="Must be true: the person consents to receive digests (at most weekly) by e-mail; "
        "subscriptions without activity are deleted after NOTIFICATIONS_INACTIVE_MONTHS months."
    )


class SubscriptionResponseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["pending"], help_text="Always `pending`: a link was mailed.")
