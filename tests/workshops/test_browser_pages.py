"""Every workshop page and state on the demo data in a real browser: axe-core finds nothing, no third-party
host is asked, and phones need no horizontal scrolling."""

from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.demo import seed_accounts
from accounts.roles import Role
from tests.auth import login_with_mfa
from tests.conftest import axe_violations
from workshops import demo, tokens
from workshops.models import Registration, Workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Out:
    def write(self, text):
        pass


@pytest.fixture
def demo_data():
    users = seed_accounts()
    demo.seed(users=users, stdout=Out())
    return users


def manage_path(registration) -> str:
    return f"/werkstaetten/anmeldung/{tokens.tokens_for(registration).manage}/"


def public_paths() -> list[str]:
    full = Workshop.objects.get(slug="limmerstrasse-verkehr")
    pending = Registration.objects.filter(status=Registration.Status.PENDING).first()
    confirmed = Registration.objects.filter(
        status=Registration.Status.CONFIRMED, workshop__slug="linden-sued-treffpunkte"
    ).first()
    waitlisted = full.registrations.filter(status=Registration.Status.WAITLISTED).first()
    return [
        "/werkstaetten/",
        "/werkstaetten/?bezirk=linden-limmer&frei=on",
        "/werkstaetten/?zeitraum=vergangen",
        "/werkstaetten/?bezirk=nord&format=zukunftswerkstatt",  # empty result
        "/werkstaetten/linden-sued-treffpunkte/",  # open, with form
        f"/werkstaetten/{full.slug}/",  # full: waiting list form
        "/werkstaetten/kleefeld-kantplatz/",  # cancelled
        "/werkstaetten/linden-lindener-marktplatz/",  # held
        "/werkstaetten/misburg-zukunft-am-kanal/",  # registration not yet open
        "/werkstaetten/suedstadt-klimaanpassung/",  # online
        "/werkstaetten/linden-sued-treffpunkte/angemeldet/",
        "/werkstaetten/linden-sued-treffpunkte/bestaetigt/",
        f"/werkstaetten/bestaetigen/{tokens.tokens_for(pending).confirm}/",
        "/werkstaetten/bestaetigen/ungueltig/",
        manage_path(confirmed),
        manage_path(pending),
        manage_path(waitlisted),
        "/werkstaetten/daten-geloescht/",
        "/methoden/",
        "/methoden/world-cafe/",
        "/methoden/planning-for-real/",
        "/bezirke/",
        "/bezirke/linden-limmer/",
        "/bezirke/nord/",
        "/bezirke/herrenhausen-stoecken/",  # no workshops
    ]


def visit_all(page, paths) -> dict[str, list[str]]:
    problems = {}
    for path in paths:
        page.goto(path)
        violations = axe_violations(page)
        if violations:
            problems[path] = [f"{v['id']}: " + "; ".join(n["target"][0] for n in v["nodes"][:3]) for v in violations]
    return problems


def test_every_public_workshop_page_and_state_has_no_axe_violations(page, demo_data):
    assert visit_all(page, public_paths()) == {}


def test_error_state_and_offer_state_have_no_axe_violations(page, demo_data):
    offered = Registration.objects.filter(status=Registration.Status.WAITLISTED).first()
    Registration.objects.filter(pk=offered.pk).update(status=Registration.Status.OFFERED)
    page.goto(manage_path(offered))
    assert page.get_by_role("button", name="Platz annehmen").count() == 1
    assert axe_violations(page) == []
    page.goto("/werkstaetten/linden-sued-treffpunkte/")
    page.get_by_label("Gebärdensprachdolmetschung (DGS)").check()
    page.get_by_role("button", name="Anmeldung absenden").press("Enter")
    page.wait_for_selector(".error-summary")
    assert axe_violations(page) == []


def test_pages_ask_no_other_host(page, live_server, demo_data):
    own = urlparse(live_server.url).netloc
    for path in ["/werkstaetten/", "/werkstaetten/linden-sued-treffpunkte/", "/methoden/", "/bezirke/linden-limmer/"]:
        page.goto(path, wait_until="networkidle")
    assert [url for url in page.requested_urls if urlparse(url).netloc not in ("", own)] == []


def test_phone_layout_has_no_horizontal_scrolling(phone_page, demo_data):
    wide = []
    for path in public_paths():
        phone_page.goto(path)
        if not phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            wide.append(path)
    assert wide == []


def _log_in(page, live_server, user, *, mfa: bool) -> None:
    client = Client()
    if mfa:
        login_with_mfa(client, user)
    else:
        client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_my_registrations_page_has_no_axe_violations(page, live_server, demo_data):
    _log_in(page, live_server, demo_data["buerger"], mfa=False)
    page.goto("/konto/anmeldungen/")
    assert page.get_by_role("link", name="Spielplätze und Treffpunkte in Linden-Süd").count() == 1
    assert axe_violations(page) == []


def test_check_in_page_works_on_a_phone_with_the_code_from_the_qr_link(phone_page, live_server, demo_data):
    user = demo_data["moderation"]
    user.groups.add(Group.objects.get(name=Role.MODERATION.value))
    _log_in(phone_page, live_server, user, mfa=True)
    registration = Registration.objects.filter(
        workshop__slug="linden-sued-treffpunkte", status=Registration.Status.CONFIRMED, checked_in_at__isnull=True
    ).first()
    phone_page.goto(f"/werkstaetten/linden-sued-treffpunkte/einlass/?code={registration.check_in_code}")
    assert phone_page.get_by_label("Name oder Code").input_value() == registration.check_in_code
    assert axe_violations(phone_page) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name=f"Einchecken: {registration.name}").tap()
    phone_page.wait_for_selector(".message-success")
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert axe_violations(phone_page) == []
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name=f"Rückgängig: {registration.name}").tap()
    phone_page.wait_for_selector(".message-success")
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    # The workshop page as the team sees it (links to check-in and admin).
    phone_page.goto("/werkstaetten/linden-sued-treffpunkte/")
    assert phone_page.get_by_role("navigation", name="Für das Team").count() == 1
    assert axe_violations(phone_page) == []
