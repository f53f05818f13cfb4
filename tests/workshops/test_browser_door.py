"""The manage page and the check-in walk-in in a real browser on a phone (390×844), by keyboard, with axe-core
finding nothing in every state."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.roles import Role
from tests.auth import login_with_mfa
from tests.conftest import assert_accessible
from tests.factories import RegistrationFactory, UserFactory, WorkshopFactory, WorkshopTeamMemberFactory
from workshops.models import Registration, WorkshopTeamMember

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def press_on(page, locator) -> None:
    """Submit the button's form by keyboard and wait for the answer page (a message of the previous page would
    otherwise satisfy the next wait)."""
    locator.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_manage_page_changes_seats_cancels_with_confirmation_and_undoes_on_a_phone(phone_page):
    page = phone_page
    workshop = WorkshopFactory(title="Spielplätze in Linden-Süd", capacity=6, max_seats_per_registration=4)
    registration = RegistrationFactory(workshop=workshop, seats=1, status_updates_opt_in=True)
    page.goto(f"/werkstaetten/anmeldung/{registration.manage_token}/")
    assert_accessible(page)
    assert no_horizontal_scrolling(page)

    page.get_by_label("Wie viele Personen kommen?").focus()
    page.get_by_label("Wie viele Personen kommen?").select_option("3")
    press_on(page, page.get_by_role("button", name="Personenzahl ändern"))
    page.wait_for_selector(".message-success")
    registration.refresh_from_db()
    assert registration.seats == 3

    press_on(page, page.get_by_role("button", name="Anmeldung stornieren"))
    page.wait_for_selector("#stornieren")
    assert_accessible(page)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    press_on(page, page.get_by_role("button", name="Ja, stornieren"))
    page.wait_for_selector(".undo-cancel")
    assert_accessible(page)
    assert no_horizontal_scrolling(page)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED

    press_on(page, page.get_by_role("button", name="Stornierung rückgängig machen"))
    page.wait_for_selector(".message-success")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.seats == 3
    assert_accessible(page)


def test_facilitator_admits_a_walk_in_and_part_of_a_group_on_a_phone(phone_page, live_server):
    page = phone_page
    workshop = WorkshopFactory(capacity=8)
    group = RegistrationFactory(workshop=workshop, name="Ada Gruppe", seats=4)
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.MODERATION.value))
    WorkshopTeamMemberFactory(workshop=workshop, user=user, role=WorkshopTeamMember.Role.LEAD)
    client = Client()
    login_with_mfa(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"/werkstaetten/{workshop.slug}/einlass/")
    assert_accessible(page)
    assert no_horizontal_scrolling(page)

    page.get_by_label("Wie viele sind da?").select_option("2")
    press_on(page, page.get_by_role("button", name="Einchecken: Ada Gruppe"))
    page.wait_for_selector(".message-success")
    assert "Ada Gruppe: 2 von 4 Personen eingecheckt." in page.inner_text(".message-success")
    group.refresh_from_db()
    assert group.arrived_seats == 2

    page.locator("#id_walk_in-name").fill("Kim")
    page.locator("#id_walk_in-seats").select_option("2")
    press_on(page, page.get_by_role("button", name="Einlassen und einchecken"))
    page.wait_for_selector(".message-success")
    assert "Kim ist ohne Anmeldung eingelassen und eingecheckt (2 Personen)." in page.inner_text(".message-success")
    assert "4 von 6 Personen eingecheckt" in page.inner_text(".check-in-count")
    assert_accessible(page)
    assert no_horizontal_scrolling(page)
    assert Registration.objects.filter(walk_in=True, email="").count() == 1
