"""The role predicates (django-rules), defined once for every app.

Roles are Django groups (accounts.roles.Role). These predicates answer "does the user have this role"
(and, for district staff, "for this district"); the object permissions built from them live in the app
that owns the object (workshops/rules.py, reflections/rules.py, recommendations/rules.py), and the
querysets scoped by permission are selectors of those apps."""

from __future__ import annotations

from typing import Any

import rules

from .roles import Role, user_has_role, user_is_fachteam


def is_active_user(user: Any) -> bool:
    """Logged in and not deactivated (anonymous users and None are not)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


@rules.predicate
def is_fachteam(user: Any) -> bool:
    """Group "Fachteam Beteiligung", or a superuser."""
    return is_active_user(user) and user_is_fachteam(user)


@rules.predicate
def is_district_staff(user: Any) -> bool:
    """Group "Bezirksmanagement"."""
    return is_active_user(user) and user_has_role(user, Role.BEZIRKSMANAGEMENT)


@rules.predicate
def is_moderation(user: Any) -> bool:
    """Group "Moderation" (facilitators)."""
    return is_active_user(user) and user_has_role(user, Role.MODERATION)


@rules.predicate
def is_network_member(user: Any) -> bool:
    """Group "Beteiligungsnetzwerk"."""
    return is_active_user(user) and user_has_role(user, Role.NETZWERK)


@rules.predicate
def is_politik(user: Any) -> bool:
    """Group "Politik" (members of a Stadtbezirksrat or the Rat)."""
    return is_active_user(user) and user_has_role(user, Role.POLITIK)


@rules.predicate
def is_fachbereich(user: Any) -> bool:
    """Group "Fachbereich" (members of a unit of the city administration)."""
    return is_active_user(user) and user_has_role(user, Role.FACHBEREICH)


@rules.predicate
def is_district_staff_for_district(user: Any, district: Any = None) -> bool:
    """District staff assigned to the district (User.districts); without a district: to any district."""
    if not is_district_staff(user):
        return False
    if district is None:
        return bool(user.districts.exists())
    return bool(user.districts.filter(pk=district.pk).exists())
