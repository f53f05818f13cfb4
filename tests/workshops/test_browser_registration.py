"""The citizen's whole path in a real browser: find a workshop, register by keyboard only, open the link from
the mail, confirm, cancel — with axe-core finding nothing at every step."""

import re

import pytest

from tests.conftest import assert_accessible
from tests.factories import AgendaItemFactory, DistrictFactory, QuarterFactory, WorkshopFactory
from tests.mails import last_delivered
from workshops.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "erika.mustermann@example.org"


def tab_to(page, selector: str, *, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only, no clicks)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def link_from_mail(kind: str) -> str:
    """The path of the confirm or manage link in the latest mail delivered to EMAIL (the outbox row keeps no
    body once sent, ADR 0015)."""
    body = last_delivered(EMAIL).body
    match = re.search(rf"/werkstaetten/{kind}/[^/\s]+/", body)
    assert match, body
    return match.group(0)


@pytest.fixture
def workshop(settings):
    # The minimum fill time is tested in test_views_registration; a keyboard robot types faster than people.
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    linden = DistrictFactory(number=10)
    quarter = QuarterFactory(name="Linden-Süd", slug="linden-sued", district=linden)
    WorkshopFactory(title="Werkstatt in Mitte", district=DistrictFactory(number=1))
    workshop = WorkshopFactory(
        title="Spielplätze in Linden-Süd",
        district=linden,
        quarters=[quarter],
        capacity=10,
        max_seats_per_registration=3,
    )
    AgendaItemFactory(workshop=workshop, title="Thementische")
    return workshop


def test_find_register_by_keyboard_confirm_and_cancel(page, workshop):
    # Find: the list, filtered to the district with the GET form (keyboard: choose, Tab to the button, Enter).
    page.goto("/werkstaetten/")
    assert_accessible(page)
    page.get_by_label("Stadtbezirk").focus()
    page.get_by_label("Stadtbezirk").select_option("linden-limmer")
    tab_to(page, ".filter-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/werkstaetten/?bezirk=linden-limmer**")
    assert page.get_by_role("link", name="Werkstatt in Mitte").count() == 0
    assert_accessible(page)
    page.get_by_role("link", name="Spielplätze in Linden-Süd").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/werkstaetten/{workshop.slug}/")
    assert_accessible(page)

    # The empty form, reached by keyboard from the "Jetzt anmelden" link.
    page.get_by_role("link", name="Jetzt anmelden").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**#anmeldung")
    tab_to(page, "#id_name")
    assert_accessible(page)

    # Error state: send it empty with Enter; the summary links to the fields.
    tab_to(page, ".registration-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert page.locator('.error-summary a[href="#id_name"]').count() == 1
    assert_accessible(page)

    # Fill in by keyboard only: type, Tab, Space, arrow keys, Enter.
    tab_to(page, "#id_name")
    page.keyboard.type("Erika Mustermann")
    page.keyboard.press("Tab")
    page.keyboard.type(EMAIL)
    tab_to(page, "#id_seats")
    page.keyboard.press("ArrowDown")  # 2 Personen
    tab_to(page, "#id_quarter")
    for _ in range(10):  # arrow down to Linden-Süd
        if page.locator("#id_quarter option:checked").inner_text() == "Linden-Süd":
            break
        page.keyboard.press("ArrowDown")
    tab_to(page, "#id_support_childcare")
    page.keyboard.press("Space")
    tab_to(page, "#id_support_consent")
    page.keyboard.press("Space")
    tab_to(page, "#id_privacy_consent")
    page.keyboard.press("Space")
    tab_to(page, ".registration-form button[type=submit]")
    assert not page.evaluate("document.activeElement.matches('#id_website')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/werkstaetten/{workshop.slug}/angemeldet/*")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Fast geschafft")
    assert_accessible(page)

    registration = Registration.objects.get(email=EMAIL)
    assert (registration.seats, registration.quarter.slug, registration.support_childcare) == (2, "linden-sued", True)
    assert registration.status == Registration.Status.PENDING

    # Open the link from the mail: GET shows a button, Enter on it confirms (POST).
    page.goto(link_from_mail("bestaetigen"))
    assert_accessible(page)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    page.get_by_role("button", name="Anmeldung bestätigen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/werkstaetten/{workshop.slug}/bestaetigt/")
    assert_accessible(page)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED

    # Manage page from the mail: cancel.
    page.goto(link_from_mail("anmeldung"))
    assert page.get_by_text(registration.check_in_code).count() == 1
    assert_accessible(page)
    page.get_by_role("button", name="Anmeldung stornieren").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The confirmation step: nothing is cancelled until the person says yes.
    page.get_by_role("button", name="Ja, stornieren").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector(".message-success")
    assert_accessible(page)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    workshop.refresh_from_db()
    assert workshop.seats_held == 0
