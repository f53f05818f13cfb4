from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import hooks


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Bezirkswerkstätten")

    def ready(self) -> None:
        from . import outbox_checks, privacy

        privacy.register()
        outbox_checks.register()
        register_team_members_as_staff()
        hooks.ACCOUNT_OVERVIEW_SECTIONS.register(account_registrations_section, order=10)


def register_team_members_as_staff() -> None:
    """Whoever is on a workshop team sees attendee lists (and, as team, support needs): a second factor is
    required for them like for staff (accounts.middleware)."""

    def is_on_a_team(user) -> bool:
        from .models import WorkshopTeamMember

        return WorkshopTeamMember.objects.filter(user_id=user.pk).exists()

    hooks.STAFF_CHECKS.register(is_on_a_team)


def account_registrations_section(request, user) -> str:
    """The card "Meine Anmeldungen" on the account overview (/konto/)."""
    from django.template.loader import render_to_string

    from . import selectors, services

    rows = []
    if user is not None and user.is_authenticated:
        for registration in selectors.registrations_of_user(user=user).select_related("workshop").order_by("-pk")[:50]:
            consents = services.registration_consents_active(registration=registration)
            if consents:
                rows.append((registration, consents))
    return render_to_string(
        "workshops/includes/account_registrations_card.html", {"consent_rows": rows}, request=request
    )
