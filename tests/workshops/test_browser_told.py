"""Issue 10 in a real browser: a group of four gets the honest choice (German and English, laptop and
phone, axe clean), the language switch sits in the header, German content on English pages is marked."""

import os

import pytest

from tests.conftest import assert_accessible
from tests.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("TOLD_SHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def workshop(settings):
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    workshop = WorkshopFactory(title="Lindener Marktplatz", capacity=4, max_seats_per_registration=4)
    RegistrationFactory(workshop=workshop)
    return workshop


def _ask_for_four(page, workshop) -> None:
    page.goto(workshop.get_absolute_url())
    page.fill("#id_name", "Gruppe Vier")
    page.fill("#id_email", "vier@example.org")
    page.select_option("#id_seats", "4")
    page.check("#id_privacy_consent")
    page.locator("form.registration-form button[type=submit]").last.click()


def test_group_of_four_chooses_the_waiting_list_by_keyboard_on_a_laptop(page, workshop):
    _ask_for_four(page, workshop)
    choice = page.locator(".group-choice")
    assert "Nur noch 3 Plätze frei" in choice.inner_text()
    assert "ausgebucht" not in page.content()
    assert_accessible(page)
    _shot(page, "group-choice-de-1280")
    page.locator("button[name=waitlist]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/angemeldet/**")
    assert "Ihre Gruppe von 4 Personen" in page.content()
    assert_accessible(page)
    assert Registration.objects.get(email="vier@example.org").status == "waitlisted"


def test_group_of_four_registers_the_free_three_on_an_english_phone(browser, live_server, workshop):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _ask_for_four(page, workshop)
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").get_attribute("lang") == "de"
        assert page.locator("header button[name=language][value=de]").count() == 1
        assert_accessible(page)
        _shot(page, "group-choice-en-390")
        page.locator("button[name=seats_now]").click()
        page.wait_for_url("**/angemeldet/**")
        registration = Registration.objects.get(email="vier@example.org")
        assert (registration.seats, registration.status, registration.language) == (3, "pending", "en")
    finally:
        context.close()
