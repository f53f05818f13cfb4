"""Every public page of the foundation in a real browser: axe-core finds nothing, no third-party host."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible

PUBLIC_PAGES = [
    "/",
    "/bezirke/",
    "/bezirke/linden-limmer/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/folgen/",
    "/gibt-es-nicht/",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(page, path):
    page.goto(path)
    assert_accessible(page)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_requests_no_other_host(page, live_server, path):
    page.goto(path, wait_until="networkidle")
    own = urlparse(live_server.url).netloc
    foreign = [url for url in page.requested_urls if urlparse(url).netloc not in ("", own)]
    assert foreign == []


def test_feedback_form_error_and_success_states_are_accessible(page):
    page.goto("/barrierefreiheit/")
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ihre Nachricht").fill("Der Fokus ist auf der Karte nicht sichtbar.")
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_text("Vielen Dank!")).to_be_visible()
    assert_accessible(page)


def test_skip_link_moves_focus_to_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_phone_layout_has_no_horizontal_scrolling(phone_page):
    for path in ["/", "/bezirke/linden-limmer/", "/barrierefreiheit/"]:
        phone_page.goto(path)
        assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
