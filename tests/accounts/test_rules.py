"""The role predicates of accounts/rules.py, which every app's rule set builds on."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from accounts.roles import Role
from accounts.rules import is_district_staff_for_district, is_fachteam
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


def with_role(user, role: Role, districts=()):
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    user.districts.set(districts)
    return type(user).objects.get(pk=user.pk)


def test_district_staff_for_their_own_district_only():
    linden = DistrictFactory(number=10)
    mitte = DistrictFactory(number=1, name="Mitte", slug="mitte")
    staff = with_role(UserFactory(), Role.BEZIRKSMANAGEMENT, [linden])
    assert is_district_staff_for_district(staff, linden)
    assert not is_district_staff_for_district(staff, mitte)


def test_district_staff_without_a_district_means_assigned_to_any():
    linden = DistrictFactory(number=10)
    assert is_district_staff_for_district(with_role(UserFactory(), Role.BEZIRKSMANAGEMENT, [linden]))
    assert not is_district_staff_for_district(with_role(UserFactory(), Role.BEZIRKSMANAGEMENT))


def test_a_district_assignment_without_the_role_is_not_district_staff():
    linden = DistrictFactory(number=10)
    assert not is_district_staff_for_district(with_role(UserFactory(), Role.MODERATION, [linden]), linden)


def test_deactivated_fachteam_member_and_anonymous_user_are_not_fachteam():
    member = with_role(UserFactory(), Role.FACHTEAM)
    member.is_active = False
    assert not is_fachteam(member)
    assert not is_fachteam(AnonymousUser())
