"""The debrief on a phone (390 px): each criterion is a card, nothing scrolls sideways; axe-clean on phone
and desktop (the desktop keeps the real table)."""

import os

import pytest

from accounts.roles import Role
from reflections.models import FeedbackCriterionAnswer
from tests.conftest import assert_accessible
from tests.factories import DistrictFactory, UserFactory
from tests.reflections.browser_helpers import log_in
from tests.reflections.factories import FeedbackResponseFactory, criteria, held_workshop, lead_of, with_role
from tests.reflections.test_perspectives_debrief import perspective_submitted
from workshops.models import WorkshopTeamMember

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _debrief_workshop():
    DistrictFactory(number=10)
    team = [
        (with_role(UserFactory(name=name), Role.POLITIK), WorkshopTeamMember.Role.POLITIK)
        for name in ("Petra Politik", "Bernd Bezirksrat", "Clara Colberg-Achterberg")
    ]
    workshop = held_workshop(title="Zukunft des Marktplatzes", team=team)
    for index, (member, _role) in enumerate(team):
        perspective_submitted(workshop, member, rating=2 + index)
    for _ in range(5):
        response = FeedbackResponseFactory(workshop=workshop)
        FeedbackCriterionAnswer.objects.create(response=response, criterion=criteria()[0], rating=4)
    return workshop


def _shot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_the_debrief_stacks_into_cards_on_a_phone(phone_page, live_server):
    workshop = _debrief_workshop()
    log_in(phone_page, live_server, lead_of(workshop))
    phone_page.goto(f"/moderation/werkstaetten/{workshop.slug}/nachbesprechung/")
    wrap = phone_page.locator(".debrief-table").locator("xpath=..")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")  # no sideways scrolling
    row = phone_page.locator(".debrief-table tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    label = row.locator("td.debrief-ratings").evaluate("el => getComputedStyle(el, '::before').content")
    assert "Team: Bewertungen" in label
    _shot(phone_page, "debrief-phone.png")
    assert_accessible(phone_page)


def test_the_debrief_keeps_the_table_on_a_desktop(page, live_server):
    workshop = _debrief_workshop()
    log_in(page, live_server, lead_of(workshop))
    page.goto(f"/moderation/werkstaetten/{workshop.slug}/nachbesprechung/")
    row = page.locator(".debrief-table tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "table-row"
    _shot(page, "debrief-desktop.png")
    assert_accessible(page)
