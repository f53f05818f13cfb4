"""The reflection workflow in a real browser, by keyboard only, with axe-core at every step; the workspace,
dashboard, documentation page and survey pass axe too."""

import io
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import expect

from accounts.roles import Role
from reflections import demo, services
from reflections.models import FeedbackResponse, Reflection
from tests.auth import login_with_mfa
from tests.conftest import assert_accessible
from tests.factories import AgendaItemFactory, DistrictFactory, MethodFactory, UserFactory
from tests.reflections.factories import (
    FeedbackResponseFactory,
    attendees,
    held_workshop,
    lead_of,
    submitted_reflection,
    with_role,
)
from workshops.models import Workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user) -> None:
    client = Client()
    login_with_mfa(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def focused(page, expression: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {expression}; }})()")


def tab_to(page, selector: str, *, limit: int = 250, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    for _ in range(limit):
        if focused(page, f"el && el.matches({selector!r})"):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"never reached {selector} by keyboard")


def rate_by_keyboard(page, criterion_pk: int, value: int) -> None:
    """Tab into the radio group, check the first option with Space and move with the arrow keys."""
    tab_to(page, f"input[name='criterion-{criterion_pk}-rating']")
    page.keyboard.press("Space")
    for _ in range(value - 1):
        page.keyboard.press("ArrowDown")
    assert page.locator(f"input[name='criterion-{criterion_pk}-rating']:checked").get_attribute("value") == str(value)


@pytest.fixture
def workshop():
    DistrictFactory(number=10)
    workshop = held_workshop(title="Zukunft des Marktplatzes")
    attendees(workshop, 6)
    AgendaItemFactory(workshop=workshop, method=MethodFactory(name="World Café Test"))
    user = lead_of(workshop)
    user.groups.add(Group.objects.get(name=Role.MODERATION.value))
    return workshop


def test_facilitator_submits_a_reflection_by_keyboard_on_a_phone(phone_page, live_server, workshop):
    page = phone_page
    user = lead_of(workshop)
    log_in(page, live_server, user)
    page.goto("/moderation/")
    assert_accessible(page)

    tab_to(page, "a[href$='/reflexion/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reflexion/")
    assert_accessible(page)
    assert page.locator("#id_main-attendance_count").input_value() == "6"  # prefilled from the check-ins

    # Submitting right away: saved as draft, the missing parts are listed and linked.
    tab_to(page, "button[value='submit']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reflexion/?pruefen=1")
    assert page.locator(".error-summary li").count() == 8  # seven ratings and the public summary
    assert_accessible(page)

    criteria = [r.criterion_id for r in Reflection.objects.get().ratings.order_by("criterion__order")]
    page.locator("#main").focus()
    for index, criterion_pk in enumerate(criteria):
        rate_by_keyboard(page, criterion_pk, 3 + index % 3)
    tab_to(page, f"#id_criterion-{criteria[-1]}-note")
    page.keyboard.type("Die Verabredungen waren klar.")

    tab_to(page, "#id_insights-0-text")
    page.keyboard.type("Kleine Tischgruppen bringen mehr Menschen zum Sprechen.")
    tab_to(page, "button[value='add-insights']")
    page.keyboard.press("Enter")
    page.wait_for_url("**?mehr=insights#insights-neu")
    assert_accessible(page)
    tab_to(page, "#id_insights-1-text")
    page.keyboard.type("Mehrsprachige Einladungen erreichen neue Gruppen.")

    tab_to(page, "#id_commitments-0-what")
    page.keyboard.type("Ergebnisprotokoll verschicken")
    page.keyboard.press("Tab")
    assert focused(page, "el.id") == "id_commitments-0-who"
    page.keyboard.type("Prozessteam")

    tab_to(page, "#id_main-public_summary")
    page.keyboard.type("Rund zwanzig Menschen haben über den Marktplatz gesprochen.")
    tab_to(page, "button[value='submit']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/moderation/")
    expect(page.get_by_text("Ihre Reflexion ist abgegeben")).to_be_visible()
    assert_accessible(page)

    reflection = Reflection.objects.get()
    assert reflection.is_submitted
    assert [r.rating for r in reflection.ratings.order_by("criterion__order")] == [3, 4, 5, 3, 4, 5, 3]
    assert list(reflection.insights.values_list("text", flat=True)) == [
        "Kleine Tischgruppen bringen mehr Menschen zum Sprechen.",
        "Mehrsprachige Einladungen erreichen neue Gruppen.",
    ]
    assert reflection.commitments.get().who == "Prozessteam"
    assert reflection.method_uses.get().method.name == "World Café Test"
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.DOCUMENTED
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_autosave_keeps_a_draft_without_pressing_a_button(page, live_server, workshop):
    log_in(page, live_server, lead_of(workshop))
    page.goto(f"/moderation/werkstaetten/{workshop.slug}/reflexion/")
    page.locator("#id_main-what_worked").fill("Die Kleingruppen")
    with page.expect_response("**/reflexion/autosave/") as response:
        page.locator("#id_main-what_worked").blur()
    assert response.value.ok
    # The page script handles the answer after Playwright has seen it: wait for its effect.
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Entwurf automatisch gespeichert"))
    assert Reflection.objects.get().what_worked == "Die Kleingruppen"
    page.locator("#id_insights-0-text").fill("Autosave-Erkenntnis")
    with page.expect_response("**/reflexion/autosave/"):
        page.locator("#id_insights-0-text").blur()
    insight = Reflection.objects.get().insights.get()
    expect(page.locator("input[name='insights-0-id']")).to_have_value(str(insight.pk))
    assert_accessible(page)


def test_workspace_pages_dashboard_and_debt_list_pass_axe(page, live_server, workshop):
    assert attendees(workshop, 1, support_childcare=True)[0].has_support_needs
    log_in(page, live_server, lead_of(workshop))
    page.goto(f"/moderation/werkstaetten/{workshop.slug}/")
    assert_accessible(page)
    page.goto(f"/moderation/werkstaetten/{workshop.slug}/?unterstuetzung=1")
    assert page.get_by_text("Kinderbetreuung").count() >= 1
    assert_accessible(page)
    page.goto(f"/moderation/werkstaetten/{workshop.slug}/fotos/")
    page.get_by_role("button", name="Foto hochladen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)

    demo.seed_scale(reflections=12, stdout=io.StringIO())
    fachteam = with_role(UserFactory(), Role.FACHTEAM)
    page.context.clear_cookies()
    log_in(page, live_server, fachteam)
    page.goto("/moderation/auswertung/?bezirk=linden-limmer")
    assert page.locator("svg[role='img']").count() >= 4
    assert_accessible(page)
    page.goto("/moderation/dokumentation-offen/")
    assert_accessible(page)
    reflection = submitted_reflection(workshop)
    page.goto(f"/moderation/reflexionen/{reflection.pk}/")
    assert_accessible(page)


def test_public_documentation_and_survey_pass_axe(page, workshop):
    submitted_reflection(
        workshop,
        summary="Rund zwanzig Menschen haben mitgemacht.",
        commitments=[services.CommitmentData(what="Bänke prüfen", who="Fachbereich Umwelt", status="in_progress")],
    )
    for _ in range(5):
        FeedbackResponseFactory(workshop=workshop, overall=5)
    page.goto(f"/werkstaetten/{workshop.slug}/dokumentation/")
    expect(page.get_by_text("Bänke prüfen")).to_be_visible()
    assert_accessible(page)

    registration = attendees(workshop, 1)[0]
    token = services.feedback_invitation_create(registration=registration).token
    page.goto(f"/rueckmeldung/{token}/")
    assert_accessible(page)
    page.get_by_role("button", name="Rückmeldung absenden").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="eher zufrieden").check()
    page.get_by_role("button", name="Rückmeldung absenden").click()
    page.wait_for_url("**/rueckmeldung-danke/")
    assert_accessible(page)
    assert FeedbackResponse.objects.filter(overall=4).count() == 1
    page.goto(f"/rueckmeldung/{token}/")
    expect(page.get_by_text("bereits eine Rückmeldung")).to_be_visible()
    assert_accessible(page)
