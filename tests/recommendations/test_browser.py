"""The tracker and the staff pages in a real browser: axe-clean, keyboard-usable, and the job page follows a
running report until it is done (same-origin polling, no inline script)."""

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from recommendations import services
from recommendations.models import Recommendation, ReportJob
from tests.auth import TEST_TOTP_SECRET, give_totp, totp_code
from tests.conftest import assert_accessible
from tests.factories import DistrictFactory, WorkshopFactory
from tests.recommendations.factories import (
    FieldOfActionFactory,
    InsightFactory,
    ReflectionFactory,
    ReportJobFactory,
    fachteam_user,
    network_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user, *, mfa=False):
    """Through the login form (and the second factor for staff), as a person would."""
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    if mfa:
        give_totp(user)
    page.goto("/konto/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "Werkstatt-Test-2026")
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")
    if mfa:
        assert "/konto/2fa/authenticate/" in page.url
        page.fill("input[name=code]", totp_code(TEST_TOTP_SECRET))
        with page.expect_navigation():
            page.click("form.account-form button[type=submit]")
    assert "/konto/login/" not in page.url and "/konto/2fa/" not in page.url


@pytest.fixture
def published(db):
    district = DistrictFactory(number=10)
    workshop = WorkshopFactory(past=True, district=district, title="Werkstatt am Küchengarten")
    insight = InsightFactory(reflection=ReflectionFactory(workshop=workshop), text="Bänke fehlen.")
    recommendation = services.recommendation_create(
        title="Bänke am Küchengarten",
        text="Am Küchengarten werden Bänke aufgestellt.",
        field=FieldOfActionFactory(),
        addressee=Recommendation.Addressee.BEZIRKSRAT,
        city_wide=False,
        districts=[district],
        workshops=[workshop],
        insights=[insight],
    )
    services.recommendation_update(recommendation=recommendation, text="Am Küchengarten werden drei Bänke aufgestellt.")
    services.recommendation_transition(recommendation=recommendation, to_status="consultation")
    return recommendation


def test_tracker_detail_and_versions_are_accessible(page, live_server, published):
    page.goto("/empfehlungen/")
    expect(page.get_by_role("heading", name="Bänke am Küchengarten")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Status", exact=True).select_option("consultation")
    page.get_by_role("button", name="Empfehlungen anzeigen").press("Enter")
    page.wait_for_url("**status=consultation**")
    page.get_by_role("link", name="Bänke am Küchengarten").click()
    expect(page.get_by_text("Bänke fehlen.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="2 Fassungen – Änderungen ansehen").click()
    expect(page.locator("ins.rec-ins").first).to_be_visible()
    assert_accessible(page)


def test_network_member_comments_by_keyboard(page, live_server, published):
    log_in(page, network_user())
    page.goto(published.get_absolute_url())
    page.get_by_label("Ihr Kommentar").fill("Bitte auch an Schatten denken.")
    page.get_by_role("button", name="Kommentar speichern").press("Enter")
    expect(page.get_by_text("Bitte auch an Schatten denken.")).to_be_visible()
    assert_accessible(page)


def test_job_page_follows_a_running_report_until_the_download_appears(page, live_server):
    user = fachteam_user()
    log_in(page, user, mfa=True)
    job = ReportJobFactory(requested_by=user, status=ReportJob.Status.RUNNING, progress=40)
    page.goto(f"/berichte/{job.pk}/")
    expect(page.get_by_text("40 %")).to_be_visible()
    assert_accessible(page)
    assert not [u for u in page.requested_urls if not u.startswith(live_server.url)]
    job.file.save("bericht.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    job.status, job.progress = ReportJob.Status.DONE, 100
    job.save()
    page.get_by_role("link", name="PDF herunterladen").wait_for(timeout=10_000)
    assert_accessible(page)


def test_reports_page_is_accessible(page, live_server):
    user = fachteam_user()
    log_in(page, user, mfa=True)
    ReportJobFactory(requested_by=user, status=ReportJob.Status.FAILED, error="RuntimeError: kaputt")
    page.goto("/berichte/")
    expect(page.get_by_role("heading", name="Neuen Bericht anfordern")).to_be_visible()
    assert_accessible(page)
