"""Issue 12.4 in a real browser: an attendee opens the review link from the mail, flags a commitment by
keyboard only, and later sees the facilitator's answer; axe-core at every step."""

import re
from urllib.parse import urlsplit

import pytest

from reflections import services
from reflections.models import ReviewComment
from tests.conftest import assert_accessible
from tests.factories import DistrictFactory
from tests.mails import last_delivered
from tests.reflections.browser_helpers import focused, tab_to
from tests.reflections.factories import attendees, held_workshop, lead_of, submitted_reflection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_attendee_flags_a_commitment_from_the_mail_link_by_keyboard(page, live_server):
    DistrictFactory(number=10)
    workshop = held_workshop(title="Zukunft des Marktplatzes")
    submitted_reflection(workshop, summary="Wir haben drei Bänke vereinbart.")
    attendee = attendees(workshop, 1, status_updates_opt_in=True, name="Ayşe Demir")[0]
    services.documentation_review_open(workshop=workshop, by=lead_of(workshop))
    body = last_delivered(attendee.email, subject_contains="Dokumentation").body
    link = re.search(r"https?://\S+/dokumentation-pruefen/", body).group(0)

    page.goto(urlsplit(link).path)
    assert page.locator("h1").inner_text().startswith("Dokumentation prüfen")
    assert "drei Bänke" in page.content()
    assert_accessible(page)

    tab_to(page, "input[name='kind']")
    page.keyboard.press("ArrowDown")  # from "Anmerkung" to the flag
    assert page.locator("input[name='kind']:checked").get_attribute("value") == "flag"
    page.keyboard.press("Tab")
    assert focused(page, "el.name") == "target"
    page.keyboard.press("ArrowDown")  # the first commitment
    page.keyboard.press("Tab")
    assert focused(page, "el.name") == "text"
    page.keyboard.type("Wir hatten <b>vier</b> Bänke vereinbart.")
    tab_to(page, "button[type='submit']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Ihr Hinweis ist bei der Moderation angekommen" in page.content()
    assert page.get_by_text("Wir hatten <b>vier</b> Bänke vereinbart.").count() == 1  # escaped, shown as text
    assert_accessible(page)

    flag = ReviewComment.objects.get()
    assert flag.is_flag and flag.commitment is not None
    services.review_comment_answer(comment=flag, answer="Danke, wir haben es auf vier korrigiert.")
    page.reload()
    assert "Danke, wir haben es auf vier korrigiert." in page.content()
    assert_accessible(page)


def test_the_new_team_pages_pass_axe(page, live_server, tmp_path):
    """The perspective form, the debrief, the follow-up and the lead's review page (with the progress list)."""
    from accounts.roles import Role
    from reflections.models import FeedbackCriterionAnswer
    from tests.factories import UserFactory
    from tests.reflections.browser_helpers import log_in
    from tests.reflections.factories import FeedbackResponseFactory, criteria, with_role
    from workshops.models import WorkshopTeamMember

    DistrictFactory(number=10)
    politician = with_role(UserFactory(name="Petra Politik"), Role.POLITIK)
    workshop = held_workshop(title="Zukunft des Marktplatzes", team=[(politician, WorkshopTeamMember.Role.POLITIK)])
    submitted_reflection(workshop, summary="Wir haben drei Bänke vereinbart.", rating=5)
    for _ in range(5):
        response = FeedbackResponseFactory(workshop=workshop)
        FeedbackCriterionAnswer.objects.create(response=response, criterion=criteria()[0], rating=4)

    log_in(page, live_server, politician)
    page.goto(f"/moderation/werkstaetten/{workshop.slug}/reflexion/")
    assert "Was nehme ich in meine Organisation mit?" in page.content()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "perspective.png"), full_page=True)
    page.goto(f"/moderation/werkstaetten/{workshop.slug}/nachreflexion/")
    assert_accessible(page)

    page.context.clear_cookies()
    log_in(page, live_server, lead_of(workshop))
    for path in ("reflexion/", "nachbesprechung/", "dokumentation-pruefen/"):
        page.goto(f"/moderation/werkstaetten/{workshop.slug}/{path}")
        assert_accessible(page)
        page.screenshot(path=str(tmp_path / (path.strip("/") + ".png")), full_page=True)
    print("SCREENSHOTS", tmp_path)
