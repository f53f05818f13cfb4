"""Edges of the secret links and check-in codes (issue 15, mutation-gap tests)."""

import pytest

from tests.factories import RegistrationFactory, WorkshopFactory, register
from workshops import selectors, services
from workshops.tokens import new_tokens, tokens_for

pytestmark = pytest.mark.django_db


def test_confirm_and_manage_tokens_are_never_equal():
    for _ in range(50):
        tokens = new_tokens()
        assert tokens.confirm != tokens.manage
        assert tokens.confirm_hash != tokens.manage_hash


def test_a_manage_token_does_not_confirm():
    registration = register(WorkshopFactory()).registration
    tokens = tokens_for(registration)
    assert selectors.registration_by_confirm_token(token=tokens.manage) is None
    with pytest.raises(services.TokenInvalid):
        services.registration_confirm(token=tokens.manage)
    registration.refresh_from_db()
    assert registration.status == "pending"


def test_a_confirm_token_does_not_open_the_manage_page(client):
    registration = register(WorkshopFactory()).registration
    tokens = tokens_for(registration)
    assert selectors.registration_by_manage_token(token=tokens.confirm) is None
    assert selectors.registration_by_manage_token(token=tokens.manage) == registration
    assert client.get(f"/werkstaetten/anmeldung/{tokens.confirm}/").status_code == 404


def test_tokens_of_one_registration_open_no_other():
    first = register(WorkshopFactory()).registration
    second = register(WorkshopFactory()).registration
    assert selectors.registration_by_manage_token(token=tokens_for(first).manage) == first
    assert selectors.registration_by_confirm_token(token=tokens_for(first).confirm) != second


def test_a_check_in_code_from_another_workshop_finds_nobody():
    here, elsewhere = WorkshopFactory(), WorkshopFactory()
    guest = RegistrationFactory(workshop=elsewhere)
    assert guest.check_in_code
    assert selectors.registration_by_check_in_code(workshop=elsewhere, code=guest.check_in_code) == guest
    assert selectors.registration_by_check_in_code(workshop=here, code=guest.check_in_code) is None


def test_the_check_in_page_finds_nobody_by_another_workshops_code(client):
    from django.contrib.auth.models import Group

    from accounts.roles import Role
    from tests.auth import login_with_mfa
    from tests.factories import UserFactory, WorkshopTeamMemberFactory
    from workshops.models import WorkshopTeamMember

    here, elsewhere = WorkshopFactory(capacity=20), WorkshopFactory(capacity=20)
    guest = RegistrationFactory(workshop=elsewhere, name="Gisela Gast")
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.MODERATION.value))
    WorkshopTeamMemberFactory(workshop=here, user=user, role=WorkshopTeamMember.Role.LEAD)
    login_with_mfa(client, user)
    response = client.get(f"/werkstaetten/{here.slug}/einlass/", {"q": guest.check_in_code})
    assert response.status_code == 200
    assert "Gisela Gast" not in response.content.decode()
