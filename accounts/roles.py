"""The roles of the platform. Each is a Django group created by a data migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FACHTEAM = "Fachteam Beteiligung", _("Fachteam Beteiligung")
    BEZIRKSMANAGEMENT = "Bezirksmanagement", _("Bezirksmanagement")
    MODERATION = "Moderation", _("Moderation")
    NETZWERK = "Beteiligungsnetzwerk", _("Beteiligungsnetzwerk")


STAFF_ROLES = (Role.FACHTEAM, Role.BEZIRKSMANAGEMENT, Role.MODERATION)


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


# Further "works behind the scenes" checks registered by higher apps (accounts cannot import them), e.g.
# workshops: a member of any workshop team sees attendee lists and support needs, so needs MFA too.
_staff_checks: list = []


def register_staff_check(check) -> None:
    """Register `check(user) -> bool`; True makes the user a staff member (second factor required)."""
    if check not in _staff_checks:
        _staff_checks.append(check)


def user_is_staff_member(user) -> bool:
    """Anyone who works behind the scenes: admin access, a staff role, a superuser, or what a registered
    check says (a workshop team member). Needs MFA. Cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_hb_staff_member", None)
    if cached is None:
        cached = (
            bool(user.is_staff or user.is_superuser)
            or any(user_has_role(user, role) for role in STAFF_ROLES)
            or any(check(user) for check in _staff_checks)
        )
        user._hb_staff_member = cached
    return cached
