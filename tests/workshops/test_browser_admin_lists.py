"""Staff see occupancy and status in the admin lists at 1280 px without horizontal scrolling (issue 10.7)."""

import pytest

from accounts.roles import Role
from tests.factories import DistrictFactory, RegistrationFactory, UserFactory, WorkshopFactory
from tests.workshops.test_browser_pages import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fachteam():
    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=Role.FACHTEAM.value)[0])
    district = DistrictFactory(number=10)
    for n in range(4):
        workshop = WorkshopFactory(
            district=district, capacity=20, title=f"Spielplätze, Treffpunkte und Wege im Quartier Linden-Süd ({n})"
        )
        for i in range(3):
            RegistrationFactory(workshop=workshop, seats=2, email=f"eine.sehr.lange.adresse.{i}@beispiel-hannover.de")
    return user


@pytest.mark.parametrize("path", ["/admin/workshops/workshop/", "/admin/workshops/registration/"])
def test_admin_list_fits_1280_px(page, live_server, fachteam, path):
    page.set_viewport_size({"width": 1280, "height": 800})
    _log_in(page, live_server, fachteam, mfa=True)
    page.goto(path)
    assert page.locator("#result_list tbody tr").count() >= 4
    page.screenshot(path=f"/tmp/staff-admin-{path.split('/')[-2]}.png")  # noqa: S108 (look at it)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    results = page.locator("#changelist .results")
    assert results.evaluate("element => element.scrollWidth <= element.clientWidth")
    if "workshop/" in path:
        assert page.locator("#result_list meter").count() >= 4
        assert "von 20 belegt" in page.locator("#result_list").inner_text()
