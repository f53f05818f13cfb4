"""Check-in at the door: walk-ins (name only, counted, no mail unless an address is given), part of a group,
waiting-list people when seats are free; plural-correct messages; capacity holds."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from core.models import OutboxMail
from tests.auth import login_with_mfa
from tests.factories import RegistrationFactory, UserFactory, WorkshopFactory, WorkshopTeamMemberFactory, fill
from workshops.models import Registration, WorkshopTeamMember

pytestmark = pytest.mark.django_db


def url(workshop) -> str:
    return f"/werkstaetten/{workshop.slug}/einlass/"


@pytest.fixture
def workshop():
    return WorkshopFactory(capacity=5)


@pytest.fixture
def facilitator(client, workshop):
    user = UserFactory(name="Mia Moderation")
    user.groups.add(Group.objects.get(name=Role.MODERATION.value))
    WorkshopTeamMemberFactory(workshop=workshop, user=user, role=WorkshopTeamMember.Role.LEAD)
    login_with_mfa(client, user)
    return user


def walk_in(client, workshop, **data):
    post = {"action": "walk_in", "walk_in-name": "Kim", "walk_in-seats": "1", **data}
    return client.post(url(workshop), post, follow=True)


def test_walk_in_with_a_name_only_is_admitted_counted_and_not_mailed(client, workshop, facilitator):
    response = walk_in(client, workshop, **{"walk_in-seats": "2"})
    page = response.content.decode()
    assert "Kim ist ohne Anmeldung eingelassen und eingecheckt (2 Personen)." in page
    assert "2 von 2 Personen eingecheckt" in page
    registration = Registration.objects.get(walk_in=True)
    assert registration.email == ""
    assert not OutboxMail.objects.exists()


def test_walk_in_with_an_address_and_consent_gets_a_mail(client, workshop, facilitator):
    walk_in(client, workshop, **{"walk_in-email": "kim@example.org", "walk_in-mail_consent": "on"})
    assert OutboxMail.objects.filter(to="kim@example.org").exists()


def test_walk_in_on_the_english_check_in_page_is_mailed_in_english(client, workshop, facilitator):
    post = {"action": "walk_in", "walk_in-name": "Kim", "walk_in-seats": "1"}
    post |= {"walk_in-email": "kim@example.org", "walk_in-mail_consent": "on"}
    client.post(url(workshop), post, HTTP_ACCEPT_LANGUAGE="en")
    assert Registration.objects.get(walk_in=True).language == "en"
    mail = OutboxMail.objects.get(to="kim@example.org")
    assert "Guten Tag" not in mail.body_text
    assert "Dear Kim," in mail.body_text


def test_english_check_in_page_writes_the_check_in_time_with_am_and_pm(client, workshop, facilitator):
    arrived = datetime(2026, 12, 3, 17, 3, tzinfo=ZoneInfo("UTC"))  # 18:03 in Hannover
    RegistrationFactory(workshop=workshop, name="Kim", checked_in_at=arrived, checked_in_seats=1)
    page = client.get(url(workshop), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "checked in at 6:03 pm" in page
    assert "18:03" not in page


def test_walk_in_address_without_consent_is_asked_for(client, workshop, facilitator):
    response = walk_in(client, workshop, **{"walk_in-email": "kim@example.org"})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_walk_in_beyond_capacity_is_refused(client, workshop, facilitator):
    fill(workshop)
    response = walk_in(client, workshop)
    assert response.status_code == 400
    assert "Kein Platz ist mehr frei" in response.content.decode()
    assert not Registration.objects.filter(walk_in=True).exists()


def test_part_of_a_group_is_checked_in_with_a_plural_correct_message(client, workshop, facilitator):
    registration = RegistrationFactory(workshop=workshop, name="Ada", seats=4)
    response = client.post(
        url(workshop), {"registration": registration.pk, "action": "check_in", "arrived": "2"}, follow=True
    )
    page = response.content.decode()
    assert "Ada: 2 von 4 Personen eingecheckt." in page
    assert "2 von 4 Personen eingecheckt" in page
    assert "alle da" in page


def test_one_person_message_is_singular(client, workshop, facilitator):
    registration = RegistrationFactory(workshop=workshop, name="Bea", seats=1)
    response = client.post(url(workshop), {"registration": registration.pk, "action": "check_in"}, follow=True)
    assert "Bea ist eingecheckt (1 Person)." in response.content.decode()


def test_waiting_list_person_is_admitted_when_seats_are_free(client, workshop, facilitator):
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True, name="Cem", seats=3)
    client.post(url(workshop), {"registration": waiting.pk, "action": "admit", "arrived": "2"})
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert waiting.seats == 2
    workshop.refresh_from_db()
    assert workshop.seats_held == 2


def test_walk_in_form_asks_whether_the_person_wants_to_hear_about_the_results(client, workshop, facilitator):
    walk_in(
        client,
        workshop,
        **{"walk_in-email": "kim@example.org", "walk_in-mail_consent": "on", "walk_in-status_updates_opt_in": "on"},
    )
    assert Registration.objects.get(walk_in=True).status_updates_opt_in


def test_walk_in_results_without_an_address_are_asked_for(client, workshop, facilitator):
    response = walk_in(client, workshop, **{"walk_in-status_updates_opt_in": "on"})
    assert "Für E-Mails über die Ergebnisse braucht es eine E-Mail-Adresse." in response.content.decode()
    assert not Registration.objects.filter(walk_in=True).exists()


def test_walk_in_message_says_where_the_mail_goes(client, workshop, facilitator):
    response = walk_in(
        client, workshop, **{"walk_in-seats": "2", "walk_in-email": "kim@example.org", "walk_in-mail_consent": "on"}
    )
    page = response.content.decode()
    expected = "Kim ist ohne Anmeldung eingelassen und eingecheckt (2 Personen). Eine E-Mail geht an kim@example.org."
    assert expected in page


def test_walk_in_message_without_an_address_says_no_mail_goes_out(client, workshop, facilitator):
    page = walk_in(client, workshop).content.decode()
    expected = "Kim ist ohne Anmeldung eingelassen und eingecheckt (1 Person). Ohne Adresse schicken wir keine E-Mail."
    assert expected in page
