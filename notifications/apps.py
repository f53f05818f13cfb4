from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Abos, Feeds und offene Daten")

    def ready(self) -> None:
        from core import hooks

        from . import privacy, sections

        privacy.register()
        hooks.DISTRICT_DETAIL_SECTIONS.register(sections.follow_district, order=50)
        hooks.RECOMMENDATION_DETAIL_SECTIONS.register(sections.follow_recommendation, order=50)
        hooks.WORKSHOP_DETAIL_END_SECTIONS.register(sections.follow_workshop, order=50)
        hooks.REGISTRATION_CONSENT_WITHDRAWN.register(registration_consent_withdrawn)


def registration_consent_withdrawn(*, registration, purpose: str) -> None:
    """A person withdrew "keep me informed" of a registration: end the subscription imported from it."""
    if purpose != "status_updates":
        return
    from . import services

    services.subscriptions_end_for_registration(registration_id=registration.pk)
