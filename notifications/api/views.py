"""POST /api/v1/subscriptions/ — follow a district, recommendation or workshop (double opt-in)."""

from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ApplicationError
from workshops.api.views import RegistrationThrottle

from .. import services
from ..models import Subscription
from .serializers import SubscriptionRequestSerializer, SubscriptionResponseSerializer

ERROR_FIELDS = {"consent_missing": "consent", "email_invalid": "email", "target_not_found": "target"}


class SubscriptionCreateView(APIView):
    throttle_classes = [RegistrationThrottle]

    @extend_schema(
        summary="Follow a district, a recommendation or a workshop's results",
        description=(
            "Double opt-in: a confirmation link is mailed to the address; nothing is sent before it is "
            'confirmed. The answer is `202 {"status": "pending"}` whether or not the address already '
            "follows the target (then the person is told by mail instead). Throttled per IP and e-mail "
            "address like registrations (429)."
        ),
        request=SubscriptionRequestSerializer,
        responses={
            202: SubscriptionResponseSerializer,
            400: OpenApiResponse(description="Field errors (e.g. no consent, unknown target)"),
            429: OpenApiResponse(description="Too many requests from this address or for this e-mail"),
        },
        tags=["subscriptions"],
    )
    def post(self, request):
        serializer = SubscriptionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            target = services.resolve_target(kind=data["kind"], slug=data["target"])
            services.subscription_request(
                email=data["email"],
                kind=data["kind"],
                target=target,
                consent=data["consent"],
                language=translation.get_language() or "",
                source=Subscription.Source.API,
            )
        except ApplicationError as error:
            field = ERROR_FIELDS.get(error.code)
            if field:
                raise ValidationError({field: [error.message]}) from error
            raise
        return Response(SubscriptionResponseSerializer({"status": "pending"}).data, status=status.HTTP_202_ACCEPTED)
