"""The rule set of workshops/rules.py: each role sees exactly its part."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from accounts import rules as role_rules
from accounts.roles import Role
from tests.factories import (
    DistrictFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
    WorkshopTeamMemberFactory,
)
from workshops import rules as workshop_rules
from workshops import selectors as workshop_selectors
from workshops.models import WorkshopTeamMember

pytestmark = pytest.mark.django_db


def with_role(user, role: Role, districts=()):
    user.groups.add(Group.objects.get(name=role.value))
    user.districts.set(districts)
    # A fresh instance: group names are cached per user object (like Django's permission cache).
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def world():
    linden = DistrictFactory(number=10)
    mitte = DistrictFactory(number=1, name="Mitte", slug="mitte")
    workshop_a = WorkshopFactory(district=linden)
    workshop_b = WorkshopFactory(district=mitte)
    facilitator_a = with_role(UserFactory(), Role.MODERATION)
    WorkshopTeamMemberFactory(workshop=workshop_a, user=facilitator_a, role=WorkshopTeamMember.Role.LEAD)
    facilitator_b = with_role(UserFactory(), Role.MODERATION)
    WorkshopTeamMemberFactory(workshop=workshop_b, user=facilitator_b, role=WorkshopTeamMember.Role.CO)
    citizen = UserFactory()
    registration = RegistrationFactory(workshop=workshop_a, user=citizen, email=citizen.email)
    return {
        "a": workshop_a,
        "b": workshop_b,
        "linden": linden,
        "mitte": mitte,
        "facilitator_a": facilitator_a,
        "facilitator_b": facilitator_b,
        "citizen": citizen,
        "registration": registration,
        "fachteam": with_role(UserFactory(), Role.FACHTEAM),
        "district_linden": with_role(UserFactory(), Role.BEZIRKSMANAGEMENT, [linden]),
        "district_mitte": with_role(UserFactory(), Role.BEZIRKSMANAGEMENT, [mitte]),
        "network": with_role(UserFactory(), Role.NETZWERK),
    }


STAFF_PERMS = [
    "workshops.view_workshop_internal",
    "workshops.view_attendees",
    "workshops.check_in",
    "workshops.export_attendees",
]


@pytest.mark.parametrize("perm", STAFF_PERMS)
def test_facilitator_has_staff_perms_only_for_own_workshop(world, perm):
    assert world["facilitator_a"].has_perm(perm, world["a"])
    assert not world["facilitator_a"].has_perm(perm, world["b"])


@pytest.mark.parametrize("perm", STAFF_PERMS)
def test_district_staff_has_staff_perms_only_in_assigned_districts(world, perm):
    assert world["district_linden"].has_perm(perm, world["a"])
    assert not world["district_linden"].has_perm(perm, world["b"])
    assert not world["district_mitte"].has_perm(perm, world["a"])


@pytest.mark.parametrize("perm", [*STAFF_PERMS, "workshops.view_support_needs", "workshops.change_workshop"])
def test_fachteam_may_everything(world, perm):
    assert world["fachteam"].has_perm(perm, world["a"])
    assert world["fachteam"].has_perm(perm, world["b"])


@pytest.mark.parametrize("perm", [*STAFF_PERMS, "workshops.view_support_needs", "workshops.change_workshop"])
@pytest.mark.parametrize("who", ["citizen", "network"])
def test_citizen_and_network_have_no_staff_perms(world, perm, who):
    assert not world[who].has_perm(perm, world["a"])


@pytest.mark.parametrize("perm", [*STAFF_PERMS, "workshops.view_support_needs", "workshops.view_registration"])
def test_anonymous_has_nothing(world, perm):
    assert not AnonymousUser().has_perm(perm, world["a"])
    assert not AnonymousUser().has_perm(perm, world["registration"])


def test_support_needs_only_for_team_and_fachteam(world):
    assert world["facilitator_a"].has_perm("workshops.view_support_needs", world["a"])
    assert not world["facilitator_b"].has_perm("workshops.view_support_needs", world["a"])
    assert not world["district_linden"].has_perm("workshops.view_support_needs", world["a"])


def test_district_staff_on_the_team_do_not_see_support_needs(world):
    # Issue 15 point 6: Art. 9 data only for lead, co-facilitators and the Fachteam.
    WorkshopTeamMemberFactory(
        workshop=world["a"], user=world["district_linden"], role=WorkshopTeamMember.Role.DISTRICT_OFFICE
    )
    assert not world["district_linden"].has_perm("workshops.view_support_needs", world["a"])


def test_facilitators_cannot_change_workshops(world):
    assert not world["facilitator_a"].has_perm("workshops.change_workshop", world["a"])
    assert not world["district_linden"].has_perm("workshops.change_workshop", world["a"])


def test_citizen_sees_only_own_registration(world):
    other = RegistrationFactory(workshop=world["a"])
    assert world["citizen"].has_perm("workshops.view_registration", world["registration"])
    assert not world["citizen"].has_perm("workshops.view_registration", other)


def test_predicates_accept_objects_with_a_workshop(world):
    assert workshop_rules.is_facilitator_of(world["facilitator_a"], world["registration"])
    assert workshop_rules.is_lead_of(world["facilitator_a"], world["a"])
    assert not workshop_rules.is_lead_of(world["facilitator_b"], world["b"])  # co-facilitator, not lead
    assert workshop_rules.is_facilitator_of(world["facilitator_b"], world["b"])


def test_expert_on_team_is_member_but_not_facilitator(world):
    expert = UserFactory()
    WorkshopTeamMemberFactory(workshop=world["a"], user=expert, role=WorkshopTeamMember.Role.EXPERT)
    assert workshop_rules.is_team_member(expert, world["a"])
    assert not workshop_rules.is_facilitator_of(expert, world["a"])


def test_role_predicates(world):
    assert role_rules.is_network_member(world["network"])
    assert role_rules.is_moderation(world["facilitator_a"])
    assert role_rules.is_district_staff(world["district_linden"])
    assert role_rules.is_fachteam(world["fachteam"])
    assert not role_rules.is_fachteam(world["district_linden"])


def test_superuser_counts_as_fachteam():
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert role_rules.is_fachteam(admin)


def test_without_object_a_perm_means_for_at_least_one(world):
    assert world["facilitator_a"].has_perm("workshops.view_attendees")
    assert world["district_linden"].has_perm("workshops.view_attendees")
    assert not world["citizen"].has_perm("workshops.view_attendees")
    assert not world["network"].has_perm("workshops.view_attendees")


def test_queryset_helpers_restrict_to_visible_workshops(world):
    assert set(workshop_selectors.workshops_for_user(world["facilitator_a"])) == {world["a"]}
    assert set(workshop_selectors.workshops_for_user(world["district_mitte"])) == {world["b"]}
    assert set(workshop_selectors.workshops_for_user(world["fachteam"])) >= {world["a"], world["b"]}
    assert list(workshop_selectors.workshops_for_user(world["citizen"])) == []
    assert list(workshop_selectors.workshops_for_user(AnonymousUser())) == []


def test_registration_queryset_helper(world):
    other_b = RegistrationFactory(workshop=world["b"])
    assert set(workshop_selectors.registrations_for_user(world["facilitator_a"])) == {world["registration"]}
    assert set(workshop_selectors.registrations_for_user(world["facilitator_b"])) == {other_b}
    assert list(workshop_selectors.registrations_for_user(world["citizen"])) == []


def test_support_needs_queryset_excludes_district_office(world):
    assert list(workshop_selectors.support_needs_workshops_for_user(world["district_linden"])) == []
    assert set(workshop_selectors.support_needs_workshops_for_user(world["facilitator_a"])) == {world["a"]}


def test_fachteam_has_model_permissions_of_every_app(world):
    assert world["fachteam"].has_perm("core.view_outboxmail")
    assert world["fachteam"].has_perm("accounts.change_user")
    assert world["fachteam"].has_module_perms("districts")
    assert not world["district_linden"].has_perm("accounts.change_user")
    assert not world["district_linden"].has_module_perms("accounts")


def test_workshop_staff_get_the_workshops_admin_module(world):
    assert world["facilitator_a"].has_module_perms("workshops")
    assert world["district_linden"].has_module_perms("workshops")
    assert not world["citizen"].has_module_perms("workshops")
    assert not world["network"].has_module_perms("workshops")


def test_drf_permission_asks_the_same_rule(world, rf):
    permission = workshop_rules.drf_permission("workshops.view_attendees")()
    request = rf.get("/")
    request.user = world["facilitator_a"]
    assert permission.has_permission(request, None)
    assert permission.has_object_permission(request, None, world["a"])
    assert not permission.has_object_permission(request, None, world["b"])
    request.user = world["citizen"]
    assert not permission.has_permission(request, None)
