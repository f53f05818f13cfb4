"""The staff check-in page at the door: access, search by name or code, one-tap check-in, undo."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.auth import login_with_mfa
from tests.factories import RegistrationFactory, UserFactory, WorkshopFactory, WorkshopTeamMemberFactory
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


def test_team_sees_the_registrations_and_counts_only_the_confirmed(client, workshop, facilitator):
    RegistrationFactory(workshop=workshop, name="Ada", seats=2, checked_in_at="2026-01-01T10:00:00Z")
    RegistrationFactory(workshop=workshop, name="Bea")
    RegistrationFactory(workshop=workshop, name="Cem", waitlisted=True)
    RegistrationFactory(workshop=workshop, name="Dan", cancelled=True)
    response = client.get(url(workshop))
    # Cem (waiting list) can be admitted at the door; cancelled Dan is not listed.
    assert [r.name for r in response.context["matches"]] == ["Ada", "Bea", "Cem"]
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


def test_pending_registration_is_admitted_and_checked_in_at_the_door(client, workshop, facilitator):
    ada = RegistrationFactory(workshop=workshop, name="Ada", pending=True, seats=2)
    assert "Zulassen und einchecken" in client.get(url(workshop), {"q": "Ada"}).content.decode()
    response = client.post(url(workshop), {"registration": ada.pk, "action": "admit"})
    ada.refresh_from_db()
    assert (ada.status, ada.checked_in_at is not None) == ("confirmed", True)
    assert "Ada ist eingecheckt (2 Personen)." in client.get(response["Location"]).content.decode()


def test_waiting_list_person_is_admitted_when_seats_are_free(client, facilitator, workshop):
    bo = RegistrationFactory(workshop=workshop, name="Bo", waitlisted=True)
    client.post(url(workshop), {"registration": bo.pk, "action": "admit"})
    bo.refresh_from_db()
    workshop.refresh_from_db()
    assert (bo.status, bo.holds_seats, workshop.seats_held) == ("confirmed", True, 1)


def test_waiting_list_person_is_not_admitted_beyond_the_capacity(client, facilitator, workshop):
    from tests.factories import fill

    fill(workshop)
    bo = RegistrationFactory(workshop=workshop, name="Bo", waitlisted=True)
    response = client.post(url(workshop), {"registration": bo.pk, "action": "admit"}, follow=True)
    bo.refresh_from_db()
    workshop.refresh_from_db()
    assert bo.status == "waitlisted" and workshop.seats_held == workshop.capacity
    assert "nicht genug Plätze" in response.content.decode()


def test_check_in_message_is_singular_for_one_person(client, workshop, facilitator):
    ada = RegistrationFactory(workshop=workshop, name="Ada")
    response = client.post(url(workshop), {"registration": ada.pk, "action": "check_in"}, follow=True)
    assert "Ada ist eingecheckt (1 Person)." in response.content.decode()
