"""Least privilege for Art. 9 data and participants' comments (issue 15, point 6): lead, co-facilitators
and the Fachteam; a network partner or trainee on the team does not read them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from tests.auth import login_with_mfa
from tests.factories import RegistrationFactory, UserFactory, WorkshopFactory, WorkshopTeamMemberFactory
from workshops.selectors import support_needs_workshops_for_user

pytestmark = pytest.mark.django_db


def member(workshop, role: str, group: Role = Role.NETZWERK):
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=group.value)[0])
    WorkshopTeamMemberFactory(workshop=workshop, user=user, role=role)
    return user


@pytest.mark.parametrize("role", ["network_partner", "trainee"])
def test_other_team_roles_do_not_read_support_needs_or_comments(role):
    workshop = WorkshopFactory()
    user = member(workshop, role)
    assert not user.has_perm("workshops.view_support_needs", workshop)
    assert not user.has_perm("reflections.view_feedback_comments", workshop)
    assert not support_needs_workshops_for_user(user).exists()


@pytest.mark.parametrize("role", ["lead", "co"])
def test_lead_and_co_facilitators_read_support_needs_and_comments(role):
    workshop = WorkshopFactory()
    user = member(workshop, role, Role.MODERATION)
    assert user.has_perm("workshops.view_support_needs", workshop)
    assert user.has_perm("reflections.view_feedback_comments", workshop)


def test_the_network_partner_sees_no_support_needs_in_the_workspace(client):
    workshop = WorkshopFactory()
    partner = member(workshop, "network_partner")
    from django.utils import timezone

    RegistrationFactory(
        workshop=workshop, support_other="Begleitperson mit Assistenzhund", support_consent_at=timezone.now()
    )
    login_with_mfa(client, partner)
    url = reverse("reflections:workshop", args=[workshop.slug]) + "?unterstuetzung=1"
    response = client.get(url)
    assert response.status_code == 200
    assert "Assistenzhund" not in response.content.decode()
