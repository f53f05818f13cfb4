"""The roles of the platform. Each is a Django group created by a data migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import hooks


class Role(models.TextChoices):
    FACHTEAM = "Fachteam Beteiligung", _("Fachteam Beteiligung")
    BEZIRKSMANAGEMENT = "Bezirksmanagement", _("Bezirksmanagement")
    MODERATION = "Moderation", _("Moderation")
    NETZWERK = "Beteiligungsnetzwerk", _("Beteiligungsnetzwerk")
    # Members of a Stadtbezirksrat or the Rat (their districts in User.districts), separate from the district
    # office (Bezirksmanagement), which is administration.
    POLITIK = "Politik", _("Politik")
    # Members of a unit of the city administration (e.g. Fachbereich Tiefbau) who act for their unit.
    FACHBEREICH = "Fachbereich", _("Fachbereich")


# Roles that work behind the scenes and therefore log in with a second factor.
STAFF_ROLES = (Role.FACHTEAM, Role.BEZIRKSMANAGEMENT, Role.MODERATION, Role.POLITIK, Role.FACHBEREICH)


def user_role_names(user) -> set[str]:
    """The names of the user's groups, cached on the user object for the request (like Django's perm cache)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def user_has_role(user, role: Role) -> bool:
    return role.value in user_role_names(user)


def user_is_fachteam(user) -> bool:
    """The Fachteam Beteiligung may do everything; so may superusers."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or user_has_role(user, Role.FACHTEAM)


def user_is_staff_member(user) -> bool:
    """Anyone who works behind the scenes: admin access, a staff role, a superuser, or what a check
    registered at core.hooks.STAFF_CHECKS says (workshops: a member of any workshop team). Needs MFA.
    Cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_hb_staff_member", None)
    if cached is None:
        cached = (
            bool(user.is_staff or user.is_superuser)
            or any(user_has_role(user, role) for role in STAFF_ROLES)
            or any(check(user) for check in hooks.STAFF_CHECKS)
        )
        user._hb_staff_member = cached
    return cached
