"""The staff check-in page at the door: access, search by name or code, one-tap check-in, undo."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from accounts.testing import login_with_mfa
from tests.workshops.factories import RegistrationFactory, UserFactory, WorkshopFactory, WorkshopTeamMemberFactory
from workshops.models import WorkshopTeamMember

pytestmark = pytest.mark.django_db


def url(workshop) -> str:
    return f"/werkstaetten/{workshop.slug}/einlass/"


@pytest.fixture
def workshop():
    return WorkshopFactory(capacity=20)


@pytest.fixture
def facilitator(client, workshop):
    user = UserFactory(name="Mia Moderation")
    user.groups.add(Group.objects.get(name=Role.MODERATION.value))
    WorkshopTeamMemberFactory(workshop=workshop, user=user, role=WorkshopTeamMember.Role.LEAD)
    login_with_mfa(client, user)
    return user


def test_anonymous_people_are_sent_to_the_login(client, workshop):
    response = client.get(url(workshop))
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_citizens_may_not_check_in(client, workshop):
    client.force_login(UserFactory())
    assert client.get(url(workshop)).status_code == 403


def test_facilitator_of_another_workshop_may_not_check_in(client, workshop):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.MODERATION.value))
    WorkshopTeamMemberFactory(user=user)
    login_with_mfa(client, user)
    assert client.get(url(workshop)).status_code == 403


def test_fachteam_may_check_in_everywhere(client, workshop):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.FACHTEAM.value))
    login_with_mfa(client, user)
    assert client.get(url(workshop)).status_code == 200


def test_team_sees_the_confirmed_registrations_and_the_count(client, workshop, facilitator):
    RegistrationFactory(workshop=workshop, name="Ada", seats=2, checked_in_at="2026-01-01T10:00:00Z")
    RegistrationFactory(workshop=workshop, name="Bea")
    RegistrationFactory(workshop=workshop, name="Cem", waitlisted=True)
    response = client.get(url(workshop))
    assert [r.name for r in response.context["matches"]] == ["Ada", "Bea"]
    assert "2 von 3 Personen eingecheckt" in response.content.decode()


def test_code_from_the_qr_link_is_filled_in_and_finds_the_person(client, workshop, facilitator):
    ada = RegistrationFactory(workshop=workshop, name="Ada", check_in_code="ACDEFG")
    RegistrationFactory(workshop=workshop, name="Bea")
    response = client.get(url(workshop) + "?code=acd-efg")
    assert response.context["code_match"] == ada
    assert [r.name for r in response.context["matches"]] == ["Ada"]
    assert 'value="acd-efg"' in response.content.decode()


def test_search_by_part_of_the_name(client, workshop, facilitator):
    RegistrationFactory(workshop=workshop, name="Ada Lovelace")
    RegistrationFactory(workshop=workshop, name="Grace Hopper")
    response = client.get(url(workshop) + "?q=love")
    assert [r.name for r in response.context["matches"]] == ["Ada Lovelace"]


def test_no_match_says_so(client, workshop, facilitator):
    RegistrationFactory(workshop=workshop, name="Ada")
    assert "Keine bestätigte Anmeldung" in client.get(url(workshop) + "?q=zzz").content.decode()


def test_one_tap_check_in_and_back_to_the_search(client, workshop, facilitator):
    ada = RegistrationFactory(workshop=workshop, name="Ada")
    response = client.post(url(workshop), {"registration": ada.pk, "action": "check_in", "q": "Ada"})
    assert response.status_code == 302
    assert response["Location"] == url(workshop) + "?q=Ada"
    ada.refresh_from_db()
    assert ada.checked_in_at is not None
    assert "Ada ist eingecheckt" in client.get(response["Location"]).content.decode()


def test_undo_check_in(client, workshop, facilitator):
    ada = RegistrationFactory(workshop=workshop, name="Ada")
    client.post(url(workshop), {"registration": ada.pk, "action": "check_in"})
    client.post(url(workshop), {"registration": ada.pk, "action": "undo"})
    ada.refresh_from_db()
    assert ada.checked_in_at is None


def test_registration_of_another_workshop_cannot_be_checked_in_here(client, workshop, facilitator):
    other = RegistrationFactory()
    assert client.post(url(workshop), {"registration": other.pk, "action": "check_in"}).status_code == 404
    other.refresh_from_db()
    assert other.checked_in_at is None


def test_check_in_page_has_no_robots_and_big_buttons(client, workshop, facilitator):
    RegistrationFactory(workshop=workshop, name="Ada")
    content = client.get(url(workshop)).content.decode()
    assert '<meta name="robots" content="noindex">' in content
    assert 'class="button-large"' in content


def test_workshop_page_links_the_check_in_for_the_team_only(client, workshop, facilitator):
    link = f'href="{url(workshop)}"'
    assert link in client.get(f"/werkstaetten/{workshop.slug}/").content.decode()
    client.logout()
    assert link not in client.get(f"/werkstaetten/{workshop.slug}/").content.decode()
