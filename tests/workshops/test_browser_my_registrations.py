"""Cancelling from "Meine Anmeldungen" in a real browser: the manage page's confirmation step and undo, with
axe-core finding nothing at every step."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.factories import RegistrationFactory, UserFactory
from workshops.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


def test_cancel_asks_first_and_can_be_undone(page, live_server, settings):
    settings.WORKSHOPS_CANCEL_UNDO_MINUTES = 10
    user = UserFactory()
    registration = RegistrationFactory(user=user, workshop__title="Spielplätze in Linden-Süd", seats=2)
    log_in(page, live_server, user)
    page.goto("/konto/anmeldungen/")

    with page.expect_navigation():
        page.get_by_role("button", name="Anmeldung stornieren: Spielplätze in Linden-Süd").click()
    confirm = page.get_by_role("heading", name="Anmeldung wirklich stornieren?")
    expect(confirm).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Ja, stornieren").click()
    undo = page.get_by_role("button", name="Stornierung rückgängig machen: Spielplätze in Linden-Süd")
    expect(undo).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert_accessible(page)

    with page.expect_navigation():
        undo.click()
    expect(page.get_by_text("Die Stornierung ist rückgängig gemacht.")).to_be_visible()
    registration.refresh_from_db()
    assert (registration.status, registration.holds_seats) == (Registration.Status.CONFIRMED, True)
    assert_accessible(page)


def test_keeping_the_registration_changes_nothing(page, live_server):
    user = UserFactory()
    registration = RegistrationFactory(user=user, workshop__title="Spielplätze in Linden-Süd")
    log_in(page, live_server, user)
    page.goto("/konto/anmeldungen/")
    with page.expect_navigation():
        page.get_by_role("button", name="Anmeldung stornieren: Spielplätze in Linden-Süd").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Nein, Anmeldung behalten").click()
    expect(page.get_by_role("button", name="Anmeldung stornieren: Spielplätze in Linden-Süd")).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
