"""A person follows a district without an account, confirms, gets one digest listing a new workshop, and
unsubscribes with one click — in a real browser, axe-clean on every page, by keyboard."""

import re

import pytest
from playwright.sync_api import expect

from core.models import OutboxMail
from notifications import tasks
from notifications.models import Subscription
from tests.conftest import assert_accessible
from tests.factories import DistrictFactory, WorkshopFactory
from tests.mails import last_delivered
from tests.notifications.factories import CONFIRM_LINK, MANAGE_LINK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_follow_a_district_confirm_get_a_digest_and_unsubscribe_with_one_click(page, live_server, settings):
    settings.SITE_URL = live_server.url
    district = DistrictFactory(number=10)
    page.goto(f"/bezirke/{district.slug}/")
    assert_accessible(page)
    form = page.locator("section.follow form")
    form.get_by_label("Ihre E-Mail-Adresse").fill("ada@example.org")
    form.get_by_label("Ich möchte per E-Mail").press("Space")
    form.get_by_role("button", name="Folgen").press("Enter")
    page.wait_for_url("**/folgen/angefragt/")
    expect(page.get_by_role("heading", name="Bitte bestätigen Sie Ihre E-Mail-Adresse")).to_be_visible()
    assert_accessible(page)

    assert OutboxMail.objects.filter(to="ada@example.org").count() == 1
    page.goto(CONFIRM_LINK.search(last_delivered("ada@example.org").body).group(0))
    assert_accessible(page)
    assert Subscription.objects.get().status == Subscription.Status.PENDING
    page.get_by_role("button", name="Abo bestätigen").press("Enter")
    page.wait_for_selector("text=Abo bestätigt")
    assert_accessible(page)
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE

    WorkshopFactory(district=district, title="Neue Werkstatt am Lindener Marktplatz")
    assert tasks.digests_send.apply().get() == 1
    assert tasks.digests_send.apply().get() == 0  # no second digest
    digests = OutboxMail.objects.filter(to="ada@example.org", topic="notifications:digest")
    assert digests.count() == 1
    # Sent: the row keeps no body (ADR 0015); follow the links in what was delivered.
    digest = last_delivered("ada@example.org")
    assert "Neue Werkstatt am Lindener Marktplatz" in digest.body

    page.goto(MANAGE_LINK.search(digest.body).group(0))
    expect(page.get_by_role("heading", name=district.name)).to_be_visible()
    assert_accessible(page)

    # The mail client's one-click unsubscribe (RFC 8058): a POST without cookies or CSRF token.
    url = re.match(r"<(.+)>", digest.extra_headers["List-Unsubscribe"]).group(1)
    response = page.context.request.post(url, form={"List-Unsubscribe": "One-Click"})
    assert response.status == 200
    assert Subscription.objects.get().status == Subscription.Status.UNSUBSCRIBED
    assert page.context.request.post(url, form={"List-Unsubscribe": "One-Click"}).status == 404  # replay: link rotated

    page.goto(MANAGE_LINK.search(digest.body).group(0))
    expect(page.get_by_text("Sie folgen gerade nichts.")).to_be_visible()
    assert_accessible(page)


def test_open_data_page_and_follow_forms_are_accessible(page, live_server):
    workshop = WorkshopFactory(district=DistrictFactory(number=10))
    page.goto("/offene-daten/")
    assert_accessible(page)
    page.goto(workshop.get_absolute_url())
    expect(page.get_by_role("heading", name="Ergebnissen dieser Werkstatt folgen")).to_be_visible()
    assert_accessible(page)
