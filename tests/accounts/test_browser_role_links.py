"""In Chromium: a network partner's header and account page offer the co-writing page and no staff page that
would answer 403; the page has no axe violations (issue 10.7)."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.conftest import assert_accessible
from tests.factories import UserFactory
from tests.workshops.test_browser_pages import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_network_partner_sees_only_usable_links(page, live_server):
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=Role.NETZWERK.value)[0])
    _log_in(page, live_server, user, mfa=False)
    page.goto("/konto/")
    header = page.get_by_role("navigation", name="Hauptnavigation")
    assert header.get_by_role("link", name="Moderation").count() == 0
    page.get_by_role("link", name="Mitwirken an Handlungsempfehlungen").click()
    page.wait_for_url("**/empfehlungen/mitwirken/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mitwirken an Handlungsempfehlungen"
    page.goto("/konto/")
    assert_accessible(page)
