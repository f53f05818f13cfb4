"""The one rule set (django-rules) for views, admin and API.

Roles are Django groups (accounts.roles.Role); object permissions are predicates over the user and the
object. Check them with ``request.user.has_perm("workshops.view_attendees", workshop)``.

Objects: every predicate that concerns a workshop accepts the Workshop itself or anything with a
``workshop`` attribute (a Registration, a Reflection, a team member …), so other apps can reuse them.

Without an object (``has_perm("workshops.view_attendees")``) a permission answers "for at least one
object": the admin asks this way to decide whether a menu entry and a changelist show up; the lists are
then restricted with the ``*_for_user`` selectors (workshops/selectors.py). Views that show one object
must always pass it.

The role predicates (is_fachteam, is_district_staff, …) are defined once in accounts/rules.py.

The Fachteam (and superusers) may do everything; ``accounts.backends.RoleBackend`` grants them every
model permission as well, so the admin of apps without rules works for them.
"""

from __future__ import annotations

from typing import Any

import rules

from accounts.rules import is_active_user, is_district_staff, is_fachteam, is_moderation

# --- helpers -----------------------------------------------------------------------------------------------


def _workshop_id(obj) -> int | None:
    """The id of the workshop an object belongs to (Workshop, or anything with .workshop / .workshop_id)."""
    if obj is None:
        return None
    from .models import Workshop

    if isinstance(obj, Workshop):
        return obj.pk
    workshop_id = getattr(obj, "workshop_id", None)
    if workshop_id is not None:
        return workshop_id
    workshop = getattr(obj, "workshop", None)
    return getattr(workshop, "pk", None)


def _district_id(obj) -> int | None:
    if obj is None:
        return None
    from .models import Workshop

    if isinstance(obj, Workshop):
        return obj.district_id
    workshop = getattr(obj, "workshop", None)
    return getattr(workshop, "district_id", None)


def _team_roles(user, obj) -> list[str]:
    """The team roles of `user` in the workshop of `obj`; without an object, in any workshop."""
    if not is_active_user(user):
        return []
    from .models import WorkshopTeamMember

    memberships = WorkshopTeamMember.objects.filter(user_id=user.pk)
    if obj is not None:
        workshop_id = _workshop_id(obj)
        if workshop_id is None:
            return []
        memberships = memberships.filter(workshop_id=workshop_id)
    return list(memberships.values_list("role", flat=True).distinct())


# --- predicates --------------------------------------------------------------------------------------------


@rules.predicate
def is_district_staff_for_workshop(user, obj=None) -> bool:
    """District staff whose assigned districts (User.districts) contain the workshop's district.

    Without an object: district staff with at least one assigned district."""
    if not is_district_staff(user):
        return False
    if obj is None:
        return user.districts.exists()
    district_id = _district_id(obj)
    return district_id is not None and user.districts.filter(pk=district_id).exists()


@rules.predicate
def is_team_member(user, obj=None) -> bool:
    """Any member of the workshop's team (any team role). Without an object: on any team."""
    return bool(_team_roles(user, obj))


@rules.predicate
def is_facilitator_of(user, obj=None) -> bool:
    """A facilitating team member (lead, co-facilitator, trainee) of the workshop."""
    from .models import WorkshopTeamMember

    return any(role in WorkshopTeamMember.FACILITATING_ROLES for role in _team_roles(user, obj))


@rules.predicate
def is_lead_of(user, obj=None) -> bool:
    """The lead facilitator of the workshop."""
    from .models import WorkshopTeamMember

    return WorkshopTeamMember.Role.LEAD in _team_roles(user, obj)


@rules.predicate
def is_lead_or_co_of(user, obj=None) -> bool:
    """The lead or a co-facilitator of the workshop (not trainees, not network partners)."""
    from .models import WorkshopTeamMember

    roles = _team_roles(user, obj)
    return WorkshopTeamMember.Role.LEAD in roles or WorkshopTeamMember.Role.CO in roles


@rules.predicate
def is_registration_owner(user, obj=None) -> bool:
    """The account that made the registration (a citizen sees only their own). Needs an object."""
    if not is_active_user(user) or obj is None:
        return False
    return getattr(obj, "user_id", None) == user.pk


@rules.predicate
def is_workshop_staff(user) -> bool:
    """Someone who works on workshops at all: Fachteam, district staff, facilitators, or any team member."""
    return is_fachteam(user) or is_district_staff(user) or is_moderation(user) or is_team_member(user, None)


# --- permissions -------------------------------------------------------------------------------------------

# Internal view of a workshop (team, drafts, counts), attendee list, check-in, exports:
# Fachteam, district staff of the workshop's district, and the workshop's team.
can_work_on_workshop = is_fachteam | is_district_staff_for_workshop | is_team_member

rules.add_perm("workshops", is_workshop_staff)  # admin module (has_module_perms)
rules.add_perm("workshops.view_workshop_internal", can_work_on_workshop)
rules.add_perm("workshops.view_attendees", can_work_on_workshop)
rules.add_perm("workshops.check_in", can_work_on_workshop)
rules.add_perm("workshops.export_attendees", can_work_on_workshop)
# Support needs are health-related: only that workshop's team and the Fachteam (not the district office,
# unless it is on the team).
# Support needs (Art. 9 GDPR data): lead and co-facilitators and the Fachteam; other team roles see counts.
rules.add_perm("workshops.view_support_needs", is_fachteam | is_lead_or_co_of)
rules.add_perm("workshops.change_workshop", is_fachteam)
rules.add_perm("workshops.manage_registrations", is_fachteam)
rules.add_perm(
    "workshops.view_registration",
    is_registration_owner | is_fachteam | is_district_staff_for_workshop | is_team_member,
)

# Model permissions the admin asks for (view/add/change/delete_<model>).
rules.add_perm("workshops.view_workshop", can_work_on_workshop)
rules.add_perm("workshops.add_workshop", is_fachteam)
rules.add_perm("workshops.delete_workshop", is_fachteam)
rules.add_perm("workshops.add_registration", is_fachteam)
rules.add_perm("workshops.change_registration", is_fachteam)
rules.add_perm("workshops.delete_registration", is_fachteam)
rules.add_perm("workshops.view_consentrecord", is_fachteam)
rules.add_perm("workshops.view_workshopteammember", can_work_on_workshop)
rules.add_perm("workshops.view_agendaitem", can_work_on_workshop)
for _model in ("workshopteammember", "agendaitem", "method", "format", "consentrecord"):
    for _action in ("add", "change", "delete"):
        rules.add_perm(f"workshops.{_action}_{_model}", is_fachteam)
# The method library and formats are public anyway; every workshop staff member may read them in the admin.
rules.add_perm("workshops.view_method", is_workshop_staff)
rules.add_perm("workshops.view_format", is_workshop_staff)


# --- admin and API -------------------------------------------------------------------------------------


class WorkshopRulesAdminMixin:
    """ModelAdmin mixin: asks the rules with the object (Django's default admin ignores it) and restricts the
    changelist to what the user may see.

    For a ModelAdmin of Workshop set nothing; for a model with a ``workshop`` FK (Registration, team, agenda)
    set ``workshop_field = "workshop"``."""

    workshop_field: str | None = None
    opts: Any  # provided by ModelAdmin

    def _perm(self, action: str) -> str:
        from django.contrib.auth import get_permission_codename

        return f"{self.opts.app_label}.{get_permission_codename(action, self.opts)}"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self._perm("view"), obj) or request.user.has_perm(self._perm("change"), obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(self._perm("change"), obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(self._perm("delete"), obj)

    def has_add_permission(self, request, *args):
        return request.user.has_perm(self._perm("add"))

    def get_queryset(self, request):
        from .selectors import workshops_for_user

        queryset = super().get_queryset(request)  # type: ignore[misc]  # mixed into a ModelAdmin
        user = request.user
        if is_fachteam(user):
            return queryset
        if self.workshop_field is None:
            return workshops_for_user(user, queryset)
        visible = workshops_for_user(user).values("pk")
        return queryset.filter(**{f"{self.workshop_field}__in": visible})


def drf_permission(perm: str):
    """A DRF permission class for `perm`: the list asks "for at least one object", each object is asked with
    itself — the same rule as views and admin.

    Usage: ``permission_classes = [drf_permission("workshops.check_in")]``."""
    from rest_framework.permissions import BasePermission

    class RulePermission(BasePermission):
        def has_permission(self, request, view) -> bool:
            return bool(request.user and request.user.has_perm(perm))

        def has_object_permission(self, request, view, obj) -> bool:
            return bool(request.user and request.user.has_perm(perm, obj))

    RulePermission.__name__ = RulePermission.__qualname__ = f"RulePermission[{perm}]"
    return RulePermission
