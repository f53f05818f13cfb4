"""Pages whose tables grow wide with real data (long titles, many columns) do not scroll sideways on a phone
(WCAG 1.4.10): the table scrolls in its labelled, focusable region instead, and the page stays axe-clean."""

import pytest

from recommendations import services
from recommendations.models import Recommendation
from tests.conftest import assert_accessible
from tests.factories import DistrictFactory
from tests.planning.factories import VenueFactory, concept, plan_for, planner
from tests.planning.test_browser import log_in as log_in_with_session
from tests.recommendations.factories import FieldOfActionFactory, network_user
from tests.recommendations.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = "Barrierefreie Einladungen in Leichter Sprache für alle Bezirkswerkstätten im Stadtgebiet"


def page_width(page) -> tuple[int, int]:
    """The page's width and the phone's width. Not `window.innerWidth`: on a mobile viewport Chromium zooms out
    to fit a too-wide page, so innerWidth grows with the page and the comparison always holds."""
    return page.evaluate("document.documentElement.scrollWidth"), page.viewport_size["width"]


def a_table_scrolls_in_its_box(page) -> bool:
    """The data made a table wider than the phone (else the page width says nothing)."""
    return page.evaluate("[...document.querySelectorAll('.table-wrap')].some(w => w.scrollWidth > w.clientWidth)")


def recommendation(title: str, status: str = "consultation") -> Recommendation:
    created = services.recommendation_create(
        title=title,
        text="Einladungen erscheinen immer auch in Leichter Sprache.",
        field=FieldOfActionFactory(slug="organisation-und-strukturen"),
        addressee=Recommendation.Addressee.ADMINISTRATION,
        city_wide=True,
    )
    if status != "draft":
        services.recommendation_transition(recommendation=created, to_status=status)
    return created


def test_the_contribute_page_does_not_scroll_sideways_on_a_phone(phone_page):
    for n in range(3):
        recommendation(f"{LONG_TITLE} {n}")
    recommendation(f"{LONG_TITLE} (Entwurf)", status="draft")
    log_in(phone_page, network_user())
    phone_page.goto("/empfehlungen/mitwirken/")
    width, viewport = page_width(phone_page)
    assert width <= viewport
    assert a_table_scrolls_in_its_box(phone_page)
    assert_accessible(phone_page)


def test_the_versions_page_does_not_scroll_sideways_on_a_phone(phone_page):
    wording = recommendation(LONG_TITLE)
    for n in range(2, 4):
        services.recommendation_update(
            recommendation=wording,
            text=f"Fassung {n}: Einladungen erscheinen immer auch in Leichter Sprache und in Gebärdensprache.",
            note="Nach der Konsultation mit dem Stadtbezirksrat und den Netzwerkpartner*innen überarbeitet",
        )
    phone_page.goto(f"/empfehlungen/{wording.slug}/fassungen/")
    width, viewport = page_width(phone_page)
    assert width <= viewport
    assert a_table_scrolls_in_its_box(phone_page)
    assert_accessible(phone_page)


def test_a_plan_with_a_filled_program_does_not_scroll_sideways_on_a_phone(phone_page, live_server):
    district = DistrictFactory(number=10)
    office = planner(district)
    version = concept("Stadtteilspaziergang mit Stationen und Ergebnissammlung").versions.get()
    plan = plan_for(
        district=district,
        who=office,
        version=version,
        venue=VenueFactory(district=district, name="Freizeitheim Linden"),
        title=LONG_TITLE,
    )
    log_in_with_session(phone_page, live_server, office)
    phone_page.goto(f"/planung/{plan.pk}/")
    width, viewport = page_width(phone_page)
    assert width <= viewport
    assert a_table_scrolls_in_its_box(phone_page)
    assert_accessible(phone_page)
