"""A district office plans a workshop from a concept, the Fachteam asks for a change and approves, the
planner publishes — in a real browser, by keyboard, with axe-core on every page."""

import pytest
from django.test import Client
from django.utils import timezone

from planning.models import PlanStatus, WorkshopPlan
from tests.auth import login_with_mfa
from tests.conftest import assert_accessible
from tests.factories import DistrictFactory
from tests.planning.factories import VenueFactory, concept, fachteam, future, planner
from tests.reflections.test_browser import focused, tab_to
from workshops.models import Workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user) -> None:
    client = Client()
    login_with_mfa(client, user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def press_button(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_plan_review_and_publish_by_keyboard(phone_page, page, live_server):
    district = DistrictFactory(number=10)
    office = planner(district, name="Bea Bezirk")
    team = fachteam(name="Fiete Fachteam")
    VenueFactory(district=district, name="Freizeitheim Linden")
    c = concept("Stadtteilspaziergang")
    start = timezone.localtime(future(40))

    # The district office, on a phone: from the concept page to a new plan.
    phone = phone_page
    log_in(phone, live_server, office)
    phone.goto(c.get_absolute_url())
    assert_accessible(phone)
    tab_to(phone, "a[href*='/planung/neu/']")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/planung/neu/**")
    assert_accessible(phone)
    type_into(phone, "#id_title", "Spaziergang Limmer")
    tab_to(phone, "#id_day")
    phone.keyboard.type(start.strftime("%d%m%Y"))
    tab_to(phone, "#id_start")
    phone.keyboard.type("1700")
    tab_to(phone, "#id_venue")
    phone.keyboard.press("ArrowDown")
    press_button(phone, "form.account-form button[type=submit]")
    phone.wait_for_url("**/planung/*/")
    assert_accessible(phone)
    plan = WorkshopPlan.objects.get()
    assert plan.workshop.title == "Spaziergang Limmer"
    assert plan.venue is not None
    press_button(phone, "#submit-button")
    assert phone.locator("#plan-status").inner_text() == str(PlanStatus.SUBMITTED.label)

    # The Fachteam, on a desktop: asks for a change.
    log_in(page, live_server, team)
    page.goto("/planung/")
    assert_accessible(page)
    tab_to(page, f"a[href='/planung/{plan.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/planung/{plan.pk}/")
    assert_accessible(page)
    type_into(page, "#review-text", "Bitte eine Pause einplanen.")
    press_button(page, "button[value=request_changes]")
    assert "Änderungswünschen" in page.content()
    assert_accessible(page)

    # The district office adapts the agenda and submits again.
    phone.goto(f"/planung/{plan.pk}/programm/")
    assert_accessible(phone)
    type_into(phone, "#id_agenda-3-title", "Pause")
    type_into(phone, "#id_agenda-3-duration_minutes", "10")
    press_button(phone, "form button[type=submit]")
    assert "Pause" in phone.content()
    press_button(phone, "#submit-button")

    # The Fachteam approves; the planner publishes.
    page.reload()
    press_button(page, "button[value=approve]")
    assert "freigegeben" in page.content()
    phone.reload()
    assert_accessible(phone)
    press_button(phone, "#publish-button")
    assert_accessible(phone)
    plan.refresh_from_db()
    plan.workshop.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.workshop.status == Workshop.Status.PUBLISHED
    assert list(plan.workshop.agenda.values_list("title", flat=True))[-1] == "Pause"
    assert focused(phone, "true")


def test_planning_pages_pass_axe_in_every_state(page, live_server):
    from tests.planning.factories import plan_for, user_with_role
    from tests.planning.test_services import _city, _process, _run

    district = DistrictFactory(number=10)
    person, coach = _city(name="Cem City"), _process(name="Pia Prozess")
    held = _run(person, "tandem_lead", days_ago=20, coach=coach, process_lead=coach, district=district)
    plan = plan_for(district=district)
    team = fachteam()
    page.goto("/konzepte/")
    assert_accessible(page)
    log_in(page, live_server, team)
    page.goto(f"/planung/werkstaetten/{held.slug}/rollen/")
    assert "Cem City" in page.content()
    assert_accessible(page)
    page.goto(f"/planung/{plan.pk}/bearbeiten/")
    assert_accessible(page)
    page.fill("#id_day", "2020-01-01")
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")
    assert "Vergangenheit" in page.content()
    assert_accessible(page)
    log_in(page, live_server, user_with_role(kind="process_team"))
    page.goto("/planung/neu/")
    assert page.title()  # a coach without a planner role gets the 403 page, which is accessible too
    assert_accessible(page)
