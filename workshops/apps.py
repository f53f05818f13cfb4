from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Bezirkswerkstätten")

    def ready(self) -> None:
        from . import privacy

        privacy.register()
        register_team_members_as_staff()


def register_team_members_as_staff() -> None:
    """Whoever is on a workshop team sees attendee lists (and, as team, support needs): a second factor is
    required for them like for staff (accounts.middleware)."""
    from accounts.roles import register_staff_check

    def is_on_a_team(user) -> bool:
        from .models import WorkshopTeamMember

        return WorkshopTeamMember.objects.filter(user_id=user.pk).exists()

    register_staff_check(is_on_a_team)
